/** Shares with fixed content for the decode and combine tests. */
import { checkSymbols } from "../../../src/escrow/share-checksum.ts";
import type { ShareEnvelope } from "../../../src/escrow/index.ts";
import { encodeShareEnvelope } from "../../../src/escrow/index.ts";
import { DATA_WORDS, bytesToSymbols, wordsForCodeword } from "../../../src/escrow/share-words.ts";

export const SET_ID = Uint8Array.from([0x3f, 0x9a, 0x81, 0xc0, 0xd2]);

export function envelope(overrides: Partial<ShareEnvelope> = {}): ShareEnvelope {
  return {
    version: 1,
    setId: SET_ID,
    k: 3,
    n: 5,
    index: 0x17,
    payload: Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 5) & 0xff),
    ...overrides,
  };
}

export function fixedWords(overrides: Partial<ShareEnvelope> = {}): string[] {
  return [...encodeShareEnvelope(envelope(overrides)).words];
}

/**
 * Words with a valid checksum for any 41 bytes, bypassing the encoder's checks: what a crafted
 * card could say. `padding` sets the two unused low bits of word 30.
 */
export function craftedWords(bytes: Uint8Array, padding = 0): string[] {
  const data = bytesToSymbols(bytes, DATA_WORDS);
  data[DATA_WORDS - 1] = (data[DATA_WORDS - 1] ?? 0) | padding;
  return wordsForCodeword([...data, ...checkSymbols(data)]);
}

export function canonicalBytes(fields: { version?: number; k?: number; n?: number; index?: number }): Uint8Array {
  const e = envelope();
  const bytes = new Uint8Array(41);
  bytes[0] = fields.version ?? 1;
  bytes.set(e.setId, 1);
  bytes[6] = fields.k ?? e.k;
  bytes[7] = fields.n ?? e.n;
  bytes[8] = fields.index ?? e.index;
  bytes.set(e.payload, 9);
  return bytes;
}

export const numbered = (words: readonly string[]): string => words.map((w, i) => `${i + 1}. ${w}`).join("\n");
