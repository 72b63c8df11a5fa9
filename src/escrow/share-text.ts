/**
 * What a person or a scanner hands us for one share, split into words. Accepted forms:
 *   - the words, separated by any whitespace (and commas), in any case: "abuse wolf …"
 *   - numbered as on the card: "1. abuse 2. wolf …", "1) abuse", "1 abuse", one a line or not
 *   - the QR text: "CWS1:ABUSE WOLF …"
 * The card numbers its words down each column, so a holder may copy them row by row: when every
 * word has a number, the numbers put the words in order, and a missing or doubled number is
 * named ("word 8 is missing"). When only some words have one, each must match its position.
 */
import { ShareNumberingError, ShareVersionError } from "./share-errors.ts";
import { SHARE_FORMAT_VERSION } from "./share-envelope.ts";

const QR_FORM = /^cws(\d+):/i;
const NUMBERED = /^[(#]?(\d+)[.):]?(.*)$/s;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

type Entry = { number: number | undefined; word: string };

/** The words as typed (lower-cased), in card order. */
export function splitShareText(text: string, label: string): string[] {
  // NFKC folds full-width letters and digits that some input methods produce into ASCII.
  let rest = text.normalize("NFKC").trim();
  const qr = QR_FORM.exec(rest);
  if (qr) {
    const qrVersion = Number(qr[1]);
    if (qrVersion !== SHARE_FORMAT_VERSION) throw new ShareVersionError(label, qrVersion, SHARE_FORMAT_VERSION);
    rest = rest.slice(qr[0].length);
  }
  return orderByNumbers(entriesOf(rest), label);
}

function entriesOf(text: string): Entry[] {
  const entries: Entry[] = [];
  // A number with no word after it (the next token is a number too) is dropped, so its word
  // shows up as missing.
  let pending: number | undefined;
  const addWord = (token: string): void => {
    const word = token.replace(/[.,;:]+$/, "").toLowerCase();
    if (!HAS_LETTER_OR_DIGIT.test(word)) return;
    entries.push({ number: pending, word });
    pending = undefined;
  };
  for (const token of text.split(/[\s,]+/)) {
    if (token === "") continue;
    const numbered = NUMBERED.exec(token);
    if (numbered) {
      pending = Number(numbered[1]);
      if (numbered[2]) addWord(numbered[2]);
    } else {
      addWord(token);
    }
  }
  return entries;
}

function orderByNumbers(entries: readonly Entry[], label: string): string[] {
  const numbered = entries.filter((e) => e.number !== undefined);
  if (numbered.length === 0) return entries.map((e) => e.word);
  if (numbered.length < entries.length) {
    entries.forEach((e, i) => {
      if (e.number !== undefined && e.number !== i + 1) {
        throw new ShareNumberingError(label, { kind: "out-of-place", wordNumber: e.number, position: i + 1 });
      }
    });
    return entries.map((e) => e.word);
  }
  const byNumber = new Map<number, string>();
  for (const e of entries) {
    const n = e.number ?? 0;
    if (byNumber.has(n)) throw new ShareNumberingError(label, { kind: "twice", wordNumber: n });
    byNumber.set(n, e.word);
  }
  const ordered: string[] = [];
  for (let n = 1; ordered.length < entries.length; n++) {
    const word = byNumber.get(n);
    if (word === undefined) throw new ShareNumberingError(label, { kind: "missing", wordNumber: n });
    ordered.push(word);
  }
  return ordered;
}
