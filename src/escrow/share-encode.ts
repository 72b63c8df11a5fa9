/**
 * One share envelope → what its card shows: numbered words, the QR text, and the fingerprint
 * the transcript records. The words are strings and cannot be wiped; they exist only on the
 * way to the printer (docs/architecture.md, Security invariants).
 */
import { wipe } from "../errors.ts";
import type { ShareEnvelope } from "./share-envelope.ts";
import { serializeShareEnvelope, setIdHex, shareFingerprint } from "./share-envelope.ts";
import { codewordForBytes, qrTextForWords, wordsForCodeword } from "./share-words.ts";

export interface EncodedShare {
  /** The Shamir x-coordinate, 1..255 (random, not the card number). */
  readonly index: number;
  readonly k: number;
  readonly n: number;
  /** Uppercase hex, e.g. "3F9A81C0D2"; printed on every card of the set. */
  readonly setId: string;
  /** The 33 words in card order. */
  readonly words: readonly string[];
  /** "CWS1:" + the words in capitals, for the QR code. */
  readonly qrText: string;
  /** SHA-256 hex of the canonical share bytes. */
  readonly fingerprint: string;
}

export function encodeShareEnvelope(envelope: ShareEnvelope): EncodedShare {
  const bytes = serializeShareEnvelope(envelope);
  const codeword = codewordForBytes(bytes);
  try {
    const words = Object.freeze(wordsForCodeword(codeword));
    return {
      index: envelope.index,
      k: envelope.k,
      n: envelope.n,
      setId: setIdHex(envelope.setId),
      words,
      qrText: qrTextForWords(words),
      fingerprint: shareFingerprint(bytes),
    };
  } finally {
    wipe(bytes);
    codeword.fill(0);
  }
}
