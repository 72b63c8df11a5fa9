import { describe, expect, it } from "vitest";

import { ALPHA, gfMul, gfPow } from "../../../src/escrow/gf2048.ts";
import {
  CHECKSUM_CUSTOMIZATION,
  GENERATOR,
  checkSymbols,
  diagnoseChecksum,
  isCodeword,
  syndromes,
} from "../../../src/escrow/share-checksum.ts";
import { DATA_WORDS, SHARE_WORD_COUNT } from "../../../src/escrow/share-words.ts";

/** A fixed, arbitrary valid codeword: data 0, 69, 138, … mod 2048, then its check symbols. */
function sampleCodeword(): Uint16Array {
  const data = Uint16Array.from({ length: DATA_WORDS }, (_, i) => (i * 69 + 11) % 2048);
  const codeword = new Uint16Array(SHARE_WORD_COUNT);
  codeword.set(data);
  codeword.set(checkSymbols(data), DATA_WORDS);
  return codeword;
}

describe("share checksum: Reed–Solomon over GF(2^11), 3 check words", () => {
  it("has the generator (x − α)(x − α²)(x − α³) = x³ + 0x00E x² + 0x038 x + 0x040", () => {
    expect([...GENERATOR]).toEqual([0x00e, 0x038, 0x040]);
    for (let j = 1; j <= 3; j++) {
      const root = gfPow(ALPHA, j);
      let value = 1;
      for (const c of GENERATOR) value = gfMul(value, root) ^ c;
      expect(value).toBe(0);
    }
  });

  it("binds the customization 'CWS1'", () => {
    expect([...CHECKSUM_CUSTOMIZATION]).toEqual([0x43, 0x57, 0x53, 0x31]);
  });

  it("accepts the codeword it made", () => {
    const codeword = sampleCodeword();
    expect(syndromes(codeword)).toEqual([0, 0, 0]);
    expect(isCodeword(codeword)).toBe(true);
  });

  it("detects every single-word substitution, at every position and with every other word", () => {
    const codeword = sampleCodeword();
    let missed = 0;
    for (let position = 0; position < codeword.length; position++) {
      const original = codeword[position] ?? 0;
      for (let replacement = 0; replacement < 2048; replacement++) {
        if (replacement === original) continue;
        codeword[position] = replacement;
        if (isCodeword(codeword)) missed++;
      }
      codeword[position] = original;
    }
    expect(missed).toBe(0);
  });

  it("locates each single substitution and names the word the card holds", () => {
    const codeword = sampleCodeword();
    for (let position = 0; position < codeword.length; position++) {
      const original = codeword[position] ?? 0;
      for (const replacement of [0, 1, 1234, 2047, (original + 1) % 2048]) {
        if (replacement === original) continue;
        codeword[position] = replacement;
        expect(diagnoseChecksum(codeword)).toEqual({ kind: "single", position, expected: original });
      }
      codeword[position] = original;
    }
  });

  it("detects every swap of two different words, and names neighbours that were swapped", () => {
    const codeword = sampleCodeword();
    for (let i = 0; i < codeword.length; i++) {
      for (let j = i + 1; j < codeword.length; j++) {
        if (codeword[i] === codeword[j]) continue;
        const swapped = codeword.slice();
        swapped[i] = codeword[j] ?? 0;
        swapped[j] = codeword[i] ?? 0;
        expect(isCodeword(swapped)).toBe(false);
        if (j === i + 1) expect(diagnoseChecksum(swapped)).toEqual({ kind: "swap", position: i });
      }
    }
  });

  it("detects any three substitutions (minimum distance 4), sampled", () => {
    const codeword = sampleCodeword();
    const random = seededRandom(0x5eed);
    for (let trial = 0; trial < 5000; trial++) {
      const corrupted = codeword.slice();
      const positions = new Set<number>();
      while (positions.size < 3) positions.add(Math.floor(random() * SHARE_WORD_COUNT));
      for (const p of positions) corrupted[p] = (corrupted[p] ?? 0) ^ (1 + Math.floor(random() * 2047));
      expect(isCodeword(corrupted)).toBe(false);
    }
  });

  it("does not check under a different customization", () => {
    // The same data and check words with the customization left out must fail: what checks
    // for another scheme built on this code does not check here.
    const codeword = sampleCodeword();
    const plain = [0, 0, 0];
    const data = [...codeword.subarray(0, DATA_WORDS)];
    for (const symbol of data) {
      const feedback = symbol ^ (plain[0] ?? 0);
      plain[0] = (plain[1] ?? 0) ^ gfMul(feedback, GENERATOR[0] ?? 0);
      plain[1] = (plain[2] ?? 0) ^ gfMul(feedback, GENERATOR[1] ?? 0);
      plain[2] = gfMul(feedback, GENERATOR[2] ?? 0);
    }
    expect(plain).not.toEqual([...codeword.subarray(DATA_WORDS)]);
  });
});

/** mulberry32: a small seeded generator, so a failure reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
