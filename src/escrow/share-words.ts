/**
 * Canonical bytes ↔ 11-bit symbols ↔ words, the same bit order as BIP-39: the bytes are one
 * big-endian bit string, cut into 11-bit groups from the most significant bit; each group,
 * read most significant bit first, is an index into the word list. The 41 bytes (328 bits) fill
 * 30 words with 2 zero bits appended; three check words follow (share-checksum.ts).
 */
import { CHECK_WORDS, checkSymbols } from "./share-checksum.ts";
import { ENVELOPE_LENGTH } from "./share-envelope.ts";
import { wordAt } from "./wordlist.ts";

export const BITS_PER_WORD = 11;
export const DATA_WORDS = Math.ceil((ENVELOPE_LENGTH * 8) / BITS_PER_WORD);
export const SHARE_WORD_COUNT = DATA_WORDS + CHECK_WORDS;

/**
 * The QR code holds "CWS1:" and the words in capitals separated by single spaces: capitals,
 * digits, space and ':' are all in QR's alphanumeric mode (ISO/IEC 18004 §7.4.4), 5.5 bits a
 * character instead of 8, so even 33 eight-letter words fit version 10 at error level M.
 */
export const QR_PREFIX = "CWS1:";

export function bytesToSymbols(bytes: Uint8Array, symbolCount: number): Uint16Array {
  const symbols = new Uint16Array(symbolCount);
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    if (bits >= BITS_PER_WORD) {
      bits -= BITS_PER_WORD;
      symbols[out++] = (acc >> bits) & 0x7ff;
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) symbols[out++] = (acc << (BITS_PER_WORD - bits)) & 0x7ff;
  acc = 0;
  if (out !== symbolCount) throw new RangeError(`bytesToSymbols: ${bytes.length} bytes make ${out} symbols, not ${symbolCount}`);
  return symbols;
}

/** The inverse of bytesToSymbols; `padding` is the value of the leftover low bits (must be 0). */
export function symbolsToBytes(symbols: ArrayLike<number>, byteLength: number): { bytes: Uint8Array; padding: number } {
  const spare = symbols.length * BITS_PER_WORD - byteLength * 8;
  if (spare < 0 || spare >= BITS_PER_WORD) {
    throw new RangeError(`symbolsToBytes: ${symbols.length} symbols cannot hold exactly ${byteLength} bytes`);
  }
  const bytes = new Uint8Array(byteLength);
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < symbols.length; i++) {
    acc = (acc << BITS_PER_WORD) | ((symbols[i] ?? 0) & 0x7ff);
    bits += BITS_PER_WORD;
    while (bits >= 8 && out < byteLength) {
      bits -= 8;
      bytes[out++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  const padding = acc;
  acc = 0;
  return { bytes, padding };
}

/** Data symbols followed by check symbols; the caller wipes the result. */
export function codewordForBytes(canonicalBytes: Uint8Array): Uint16Array {
  const data = bytesToSymbols(canonicalBytes, DATA_WORDS);
  const check = checkSymbols(data);
  const codeword = new Uint16Array(SHARE_WORD_COUNT);
  codeword.set(data);
  codeword.set(check, DATA_WORDS);
  data.fill(0);
  check.fill(0);
  return codeword;
}

export function wordsForCodeword(codeword: ArrayLike<number>): string[] {
  return Array.from(codeword, (symbol) => wordAt(symbol));
}

export function qrTextForWords(words: readonly string[]): string {
  return QR_PREFIX + words.join(" ").toUpperCase();
}
