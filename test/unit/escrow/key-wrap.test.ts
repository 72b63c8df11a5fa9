import { describe, expect, it } from "vitest";

import { KeyUnwrapError, unwrapKeyWithPadding, wrapKeyWithPadding } from "../../../src/escrow/index.ts";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// RFC 5649 §6: both vectors use this 192-bit KEK.
const KEK = hex("5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8");
const VECTORS = [
  { name: "20-octet key", key: "c37b7e6492584340 bed1220780894115 5068f738", wrapped: "138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a" },
  { name: "7-octet key", key: "466f7250617369", wrapped: "afbeb0f07dfbf541 9200f2ccb50bb24f" },
];

describe("RFC 5649 key wrap with padding (software)", () => {
  it.each(VECTORS)("wraps the RFC 5649 §6 $name", ({ key, wrapped }) => {
    expect(toHex(wrapKeyWithPadding(KEK, hex(key)))).toBe(wrapped.replace(/\s+/g, ""));
  });

  it.each(VECTORS)("unwraps the RFC 5649 §6 $name", ({ key, wrapped }) => {
    expect(toHex(unwrapKeyWithPadding(KEK, hex(wrapped)))).toBe(key.replace(/\s+/g, ""));
  });

  it("round-trips a 32-byte key under a 32-byte escrow key", () => {
    const escrowKey = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
    const kek = Uint8Array.from({ length: 32 }, (_, i) => i);
    const wrapped = wrapKeyWithPadding(escrowKey, kek);
    expect(wrapped.length).toBe(40);
    expect(unwrapKeyWithPadding(escrowKey, wrapped)).toEqual(kek);
  });

  it("refuses a blob whose integrity check fails, with a sentence for the officer", () => {
    const tampered = hex(VECTORS[1]?.wrapped ?? "");
    tampered[15] = (tampered[15] ?? 0) ^ 1;
    expect(() => unwrapKeyWithPadding(KEK, tampered)).toThrow(KeyUnwrapError);
    expect(() => unwrapKeyWithPadding(KEK, tampered)).toThrow(/does not unwrap under the recovered escrow key/);
  });

  it("refuses the right blob under the wrong key", () => {
    const wrongKek = KEK.slice();
    wrongKek[0] = (wrongKek[0] ?? 0) ^ 0x80;
    const error = (() => {
      try {
        unwrapKeyWithPadding(wrongKek, hex(VECTORS[0]?.wrapped ?? ""));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KeyUnwrapError);
    expect((error as KeyUnwrapError).code).toBe("ESCROW_UNWRAP_FAILED");
  });

  it("rejects lengths no RFC 5649 output can have", () => {
    expect(() => unwrapKeyWithPadding(KEK, new Uint8Array(12))).toThrow(RangeError);
    expect(() => unwrapKeyWithPadding(new Uint8Array(20), new Uint8Array(16))).toThrow(RangeError);
  });
});
