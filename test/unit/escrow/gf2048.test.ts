import { describe, expect, it } from "vitest";

import { ALPHA, gfDivide, gfInv, gfLog, gfMul, gfPow } from "../../../src/escrow/gf2048.ts";

describe("GF(2^11) modulo x^11 + x^2 + 1", () => {
  it("is a field in which α = x is primitive: order exactly 2047 = 23 · 89", () => {
    expect(gfPow(ALPHA, 2047)).toBe(1);
    expect(gfPow(ALPHA, 2047 / 23)).not.toBe(1);
    expect(gfPow(ALPHA, 2047 / 89)).not.toBe(1);
    const seen = new Set<number>();
    for (let e = 0, p = 1; e < 2047; e++, p = gfMul(p, ALPHA)) seen.add(p);
    expect(seen.size).toBe(2047);
  });

  it("reduces x^11 to x^2 + 1", () => {
    expect(gfPow(ALPHA, 11)).toBe(0b101);
  });

  it("multiplies commutatively and distributively over XOR", () => {
    for (const [a, b, c] of [
      [3, 1000, 2047],
      [0x7ff, 0x400, 0x123],
      [5, 0, 77],
    ] as const) {
      expect(gfMul(a, b)).toBe(gfMul(b, a));
      expect(gfMul(a, b ^ c)).toBe(gfMul(a, b) ^ gfMul(a, c));
    }
  });

  it("inverts every non-zero element, and log inverts pow", () => {
    for (let a = 1; a < 2048; a++) {
      expect(gfMul(a, gfInv(a))).toBe(1);
      expect(gfPow(ALPHA, gfLog(a))).toBe(a);
    }
    expect(gfLog(0)).toBe(-1);
    expect(gfDivide(gfMul(123, 456), 456)).toBe(123);
    expect(() => gfInv(0)).toThrow(RangeError);
  });
});
