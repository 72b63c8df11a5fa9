/**
 * Typed or scanned text → one checked share. The checks run in the order that gives the
 * holder the most precise message: each word on its own (unknown word, with a suggestion), the
 * version in the first word (a newer card is not a typo), the word count, the checksum (with
 * the suspect word when one stands out), and last the fields a crafted card could still get
 * wrong although its words check (x = 0, impossible k or n, padding bits).
 */
import { wipe } from "../errors.ts";
import { diagnoseChecksum, isCodeword } from "./share-checksum.ts";
import type { ChecksumSuspect } from "./share-errors.ts";
import {
  MalformedShareError,
  ShareChecksumError,
  ShareVersionError,
  ShareWordCountError,
  UnknownShareWordError,
} from "./share-errors.ts";
import { ENVELOPE_LENGTH, SHARE_FORMAT_VERSION, parseShareEnvelope, setIdHex, shareFingerprint } from "./share-envelope.ts";
import { splitShareText } from "./share-text.ts";
import { BITS_PER_WORD, DATA_WORDS, SHARE_WORD_COUNT, symbolsToBytes } from "./share-words.ts";
import { lookupWord, suggestWords, wordAt } from "./wordlist.ts";

export interface DecodedShare {
  /** How errors name this share, e.g. "share from card 3". */
  readonly label: string;
  readonly version: number;
  /** Uppercase hex, e.g. "3F9A81C0D2". */
  readonly setId: string;
  readonly k: number;
  readonly n: number;
  /** The Shamir x-coordinate, 1..255. */
  readonly index: number;
  /** The Shamir y-values, 32 bytes: secret material; wipe when done (wipeDecodedShares). */
  readonly payload: Uint8Array;
  /** SHA-256 hex of the canonical share bytes, as recorded in the transcript. */
  readonly fingerprint: string;
}

export interface DecodeShareOptions {
  /** Names the share in error messages; default "the share". */
  label?: string;
}

const VERSION_SHIFT = BITS_PER_WORD - 8;
/** Versions are numbered from 1 and will stay small; 0 or 200 in word 1 is a typo, not a new format. */
const LAST_PLAUSIBLE_VERSION = 15;

export function decodeShare(text: string, options: DecodeShareOptions = {}): DecodedShare {
  if (typeof text !== "string") throw new TypeError("decodeShare: text must be a string");
  const label = options.label ?? "the share";
  const words = splitShareText(text, label);

  const symbols = new Uint16Array(words.length);
  try {
    words.forEach((word, i) => {
      const symbol = lookupWord(word);
      if (symbol === undefined) throw new UnknownShareWordError(label, i + 1, word, suggestWords(word));
      symbols[i] = symbol;
    });

    if (symbols.length > 0) checkVersion(symbols, words, label);
    if (symbols.length !== SHARE_WORD_COUNT) throw new ShareWordCountError(label, symbols.length, SHARE_WORD_COUNT);
    if (!isCodeword(symbols)) throw new ShareChecksumError(label, suspectOf(symbols, words));
    const version = (symbols[0] ?? 0) >> VERSION_SHIFT;
    if (version !== SHARE_FORMAT_VERSION) throw new ShareVersionError(label, version, SHARE_FORMAT_VERSION);
    return envelopeOf(symbols.subarray(0, DATA_WORDS), label);
  } finally {
    symbols.fill(0);
  }
}

/**
 * The version is the top 8 bits of the first word. A first word outside version 1 is either a
 * newer card or a mistake in word 1 (or a word missing before it). Only a plausible version
 * number is reported as such, and not when the checksum points at word 1; anything else falls
 * through to the word count and checksum, whose messages then fit.
 */
function checkVersion(symbols: Uint16Array, words: readonly string[], label: string): void {
  const version = (symbols[0] ?? 0) >> VERSION_SHIFT;
  if (version <= SHARE_FORMAT_VERSION || version > LAST_PLAUSIBLE_VERSION) return;
  if (symbols.length === SHARE_WORD_COUNT) {
    const suspect = suspectOf(symbols, words);
    if (suspect.kind !== "unknown" && suspect.wordNumber === 1) throw new ShareChecksumError(label, suspect);
  }
  throw new ShareVersionError(label, version, SHARE_FORMAT_VERSION);
}

function suspectOf(symbols: Uint16Array, words: readonly string[]): ChecksumSuspect {
  const diagnosis = diagnoseChecksum(symbols);
  switch (diagnosis.kind) {
    case "single":
      return {
        kind: "mistyped",
        wordNumber: diagnosis.position + 1,
        typed: words[diagnosis.position] ?? "",
        cardMaySay: wordAt(diagnosis.expected),
      };
    case "swap":
      return { kind: "swapped", wordNumber: diagnosis.position + 1 };
    case "unknown":
      return { kind: "unknown" };
  }
}

function envelopeOf(data: Uint16Array, label: string): DecodedShare {
  const { bytes, padding } = symbolsToBytes(data, ENVELOPE_LENGTH);
  try {
    if (padding !== 0) throw new MalformedShareError(label, "the unused low bits of word 30 are not zero");
    const envelope = parseShareEnvelope(bytes, label);
    return {
      label,
      version: envelope.version,
      setId: setIdHex(envelope.setId),
      k: envelope.k,
      n: envelope.n,
      index: envelope.index,
      payload: envelope.payload,
      fingerprint: shareFingerprint(bytes),
    };
  } finally {
    wipe(bytes);
  }
}

/** Zeroes the secret part of decoded shares once they have been combined or checked. */
export function wipeDecodedShares(shares: readonly DecodedShare[]): void {
  for (const share of shares) wipe(share.payload);
}
