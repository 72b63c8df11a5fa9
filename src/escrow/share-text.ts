/**
 * What a person or a scanner hands us for one share, split into words. Accepted forms:
 *   - the words, separated by any whitespace, in any case: "author zone …"
 *   - numbered as on the card: "1. author 2. zone …", "1) author", "1 author", one a line or not
 *   - the QR text: "CWS1:AUTHOR ZONE …"
 * Numbers, when given, must match the word's position: that turns "a word is missing somewhere"
 * into "word 8 is missing", which is what the holder needs to look at the card.
 */
import { ShareNumberingError, ShareVersionError } from "./share-errors.ts";
import { SHARE_FORMAT_VERSION } from "./share-envelope.ts";

export interface ShareTextWords {
  /** The words as typed (lower-cased), in order. */
  readonly words: string[];
  /** The version in a "CWS<v>:" prefix, when the text is the QR form. */
  readonly qrVersion: number | undefined;
}

const QR_FORM = /^cws(\d+):/i;
const NUMBERED = /^(\d+)[.):]?(.*)$/s;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function splitShareText(text: string, label: string): ShareTextWords {
  // NFKC folds full-width letters and digits that some input methods produce into ASCII.
  let rest = text.normalize("NFKC").trim();
  let qrVersion: number | undefined;
  const qr = QR_FORM.exec(rest);
  if (qr) {
    qrVersion = Number(qr[1]);
    if (qrVersion !== SHARE_FORMAT_VERSION) throw new ShareVersionError(label, qrVersion, SHARE_FORMAT_VERSION);
    rest = rest.slice(qr[0].length);
  }

  const words: string[] = [];
  let pendingNumber: number | undefined;
  const addWord = (token: string): void => {
    const word = token.replace(/[.,;:]+$/, "").toLowerCase();
    if (!HAS_LETTER_OR_DIGIT.test(word)) return;
    words.push(word);
    if (pendingNumber !== undefined && pendingNumber !== words.length) {
      throw new ShareNumberingError(label, pendingNumber, words.length);
    }
    pendingNumber = undefined;
  };

  for (const token of rest.split(/\s+/)) {
    if (token === "") continue;
    const numbered = NUMBERED.exec(token);
    if (numbered) {
      // Two numbers in a row: the word for the first is missing; the second will not match.
      pendingNumber = Number(numbered[1]);
      if (numbered[2]) addWord(numbered[2]);
    } else {
      addWord(token);
    }
  }
  return { words, qrVersion };
}
