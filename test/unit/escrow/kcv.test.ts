import { describe, expect, it } from "vitest";

import { aesCmac, kcvCmac, kcvEcb0, keyCheckValues } from "../../../src/escrow/index.ts";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// The message shared by RFC 4493 §4 and NIST SP 800-38B Appendix D, cut to 0, 16, 40, 64 bytes.
const MESSAGE = hex(`6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51
                     30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710`);

describe("AES-CMAC", () => {
  it.each([
    // RFC 4493 §4, AES-128, Examples 1–4.
    ["RFC 4493 ex. 1", "2b7e1516 28aed2a6 abf71588 09cf4f3c", 0, "bb1d6929 e9593728 7fa37d12 9b756746"],
    ["RFC 4493 ex. 2", "2b7e1516 28aed2a6 abf71588 09cf4f3c", 16, "070a16b4 6b4d4144 f79bdd9d d04a287c"],
    ["RFC 4493 ex. 3", "2b7e1516 28aed2a6 abf71588 09cf4f3c", 40, "dfa66747 de9ae630 30ca3261 1497c827"],
    ["RFC 4493 ex. 4", "2b7e1516 28aed2a6 abf71588 09cf4f3c", 64, "51f0bebf 7e3b9d92 fc497417 79363cfe"],
    // NIST SP 800-38B (2005) Appendix D.3, CMAC-AES256, Examples 9–12.
    ["SP 800-38B AES-256, Mlen 0", K256(), 0, "028962f6 1b7bf89e fc6b551f 4667d983"],
    ["SP 800-38B AES-256, Mlen 128", K256(), 16, "28a7023f 452e8f82 bd4bf28d 8c37c35c"],
    ["SP 800-38B AES-256, Mlen 320", K256(), 40, "aaf3d8f1 de5640c2 32f5b169 b9c911e6"],
    ["SP 800-38B AES-256, Mlen 512", K256(), 64, "e1992190 549f6ed5 696a2c05 6c315410"],
  ])("%s", (_name, key, length, tag) => {
    expect(toHex(aesCmac(hex(key), MESSAGE.subarray(0, length)))).toBe(tag.replace(/\s+/g, ""));
  });

  it("leaves the key and message untouched", () => {
    const key = hex(K256());
    const message = MESSAGE.slice(0, 40);
    aesCmac(key, message);
    expect(toHex(key)).toBe(K256().replace(/\s+/g, ""));
    expect(message).toEqual(MESSAGE.subarray(0, 40));
  });

  it("rejects a key that is not an AES key length", () => {
    expect(() => aesCmac(new Uint8Array(20), new Uint8Array(0))).toThrow(RangeError);
  });
});

function K256(): string {
  return "603deb10 15ca71be 2b73aef0 857d7781 1f352c07 3b6108d7 2d9810a3 0914dff4";
}

describe("key check values", () => {
  // docs/architecture.md, Key check values: the AES-256 key 00 01 … 1f.
  const designKey = Uint8Array.from({ length: 32 }, (_, i) => i);

  it("match the docs/architecture.md vector", () => {
    expect(keyCheckValues(designKey)).toEqual({ ecb0: "F29000", cmac: "377822C093" });
    expect(toHex(kcvEcb0(designKey))).toBe("f29000");
    expect(toHex(kcvCmac(designKey))).toBe("377822c093");
  });

  it("KCV-CMAC is the first five bytes of the CMAC of 16 zero bytes", () => {
    const key = hex(K256());
    expect(kcvCmac(key)).toEqual(aesCmac(key, new Uint8Array(16)).subarray(0, 5));
  });

  it("differ when one key bit differs", () => {
    const other = designKey.slice();
    other[31] = (other[31] ?? 0) ^ 1;
    const a = keyCheckValues(designKey);
    const b = keyCheckValues(other);
    expect(b.ecb0).not.toBe(a.ecb0);
    expect(b.cmac).not.toBe(a.cmac);
  });
});
