import { describe, expect, it } from "vitest";
import { derViolations } from "../../../src/pki/der-canonical.ts";
import { DerError, bigintFromIntegerContents, childrenOf, oidFromContents, readSingleTlv, walkDer } from "../../../src/common/der-reader.ts";
import { encodeInteger, encodeLength, integerContents } from "../../../src/pki/der-writer.ts";

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ""), "hex");

describe("DER reader (X.690 §10.1 lengths)", () => {
  it.each([
    ["indefinite length", "3080020100 0000", /indefinite/],
    ["long form for a short length", "30 81 03 020100", /long form/],
    ["leading zero length octet", "30 82 0003 020100", /leading zero/],
    ["contents past the end", "30 05 0201 00", /run past/],
    ["trailing bytes", "3003020100 00", /trailing/],
    ["high tag number", "1f 01 00", /high tag/],
    ["missing length", "30", /length octet is missing/],
    ["child overruns parent", "30 03 02 05 00", /run past/],
  ])("refuses %s", (_name, bytes, message) => {
    expect(() => walkDer(hex(bytes), 10)).toThrow(message);
  });

  it("reads nested values and their offsets", () => {
    const outer = readSingleTlv(hex("3006 0201 05 0401 aa"));
    const [int, oct] = childrenOf(outer);
    expect(int?.tag).toBe(0x02);
    expect(int?.offset).toBe(2);
    expect(oct?.contents.toString("hex")).toBe("aa");
    expect(oct?.offset).toBe(5);
  });

  it("refuses nesting beyond the limit and accepts it at the limit", () => {
    let der = hex("0500");
    for (let i = 0; i < 5; i++) der = Buffer.concat([Buffer.from([0x30, der.length]), der]);
    expect(() => walkDer(der, 6)).not.toThrow();
    expect(() => walkDer(der, 5)).toThrow(DerError);
    expect(() => walkDer(der, 5)).toThrow(/nesting deeper than 5/);
  });

  it("encodes lengths in short and minimal long form", () => {
    expect(encodeLength(0x7f).toString("hex")).toBe("7f");
    expect(encodeLength(0x80).toString("hex")).toBe("8180");
    expect(encodeLength(0x1234).toString("hex")).toBe("821234");
  });

  // X.690 §8.3.2 examples of minimal two's complement.
  it.each([
    [0n, "020100"],
    [127n, "02017f"],
    [128n, "02020080"],
    [256n, "02020100"],
    [(1n << 159n) - 1n, "02147fffffffffffffffffffffffffffffffffffffff"],
  ])("encodes INTEGER %s minimally", (value, expected) => {
    expect(encodeInteger(value).toString("hex")).toBe(expected);
    expect(bigintFromIntegerContents(integerContents(value))).toBe(value);
  });

  it("decodes negative INTEGER contents", () => {
    expect(bigintFromIntegerContents(hex("ff"))).toBe(-1n);
    expect(bigintFromIntegerContents(hex("ff7f"))).toBe(-129n);
  });

  // RFC 5280 / RFC 5480 OIDs with their DER contents.
  it.each([
    ["2a864886f70d01010b", "1.2.840.113549.1.1.11"],
    ["2b81040022", "1.3.132.0.34"],
    ["551d13", "2.5.29.19"],
    ["2b6570", "1.3.101.112"],
  ])("decodes OID contents %s", (contents, oid) => {
    expect(oidFromContents(hex(contents))).toBe(oid);
  });
});

describe("DER canonical rules (X.690 §10–11)", () => {
  it("accepts canonical DER", () => {
    expect(derViolations(hex("3011 0101ff 020100 03020106 0500 0603551d13"))).toEqual([]);
  });

  it.each([
    ["BOOLEAN TRUE as 01", "3003 010101", /BOOLEAN/],
    ["non-minimal INTEGER", "3004 02020001", /minimal/],
    ["non-minimal negative INTEGER", "3004 0202ff80", /minimal/],
    ["empty INTEGER", "3002 0200", /no contents/],
    ["BIT STRING unused bits set", "3004 03020107", /unused bits are not zero/],
    ["BIT STRING bad unused count", "3004 03020806", /unused-bits octet/],
    ["NULL with contents", "3003 050100", /NULL/],
    ["OID with 0x80 padding", "3005 0603 80551d", /not minimal/],
    ["constructed OCTET STRING", "3006 2404 0402aabb", /constructed encoding/],
    ["UTCTime without seconds", "300d 170b 323630333031313230305a", /UTCTime/],
    ["GeneralizedTime with fraction", "3013 1811 32303530303130313030303030302e315a", /GeneralizedTime/],
    ["PrintableString with @", "3003 130140", /PrintableString/],
    ["invalid UTF-8", "3003 0c01ff", /UTF-8/],
    ["IA5String with 8-bit octet", "3003 160180", /IA5String/],
    ["unsorted SET OF", "3108 0201020201010500", /ascending/],
  ])("reports %s", (_name, bytes, message) => {
    const problems = derViolations(hex(bytes));
    expect(problems.join("; ")).toMatch(message);
  });
});
