import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonBytes, parseCanonicalJson } from "../../../src/journal/canonical-json.ts";
import { CanonicalJsonError } from "../../../src/journal/errors.ts";

describe("canonicalJson", () => {
  // Vectors from RFC 8785: §3.2.2.3 (numbers, Appendix B) and §3.2.3 (member sorting by UTF-16 code units).
  it.each([
    [{ b: 1, a: { d: true, c: null } }, '{"a":{"c":null,"d":true},"b":1}'],
    [[1e21, 1e-7, -0, 0.000001, 333333333.33333329, 1e23, 4.5], "[1e+21,1e-7,0,0.000001,333333333.3333333,1e+23,4.5]"],
    [{ "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" },
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'],
    ["\u0000\u001f\"\\/\u007f", '"\\u0000\\u001f\\"\\\\/\u007f"'],
    [{ "10": 1, "9": 2, a: [] }, '{"10":1,"9":2,"a":[]}'],
  ])("writes %j as %s", (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("encodes as UTF-8", () => {
    expect(canonicalJsonBytes({ s: "€" }).toString("hex")).toBe(Buffer.from('{"s":"€"}', "utf8").toString("hex"));
  });

  it.each([
    [{ a: undefined }, "body.a is undefined"],
    [{ a: [1, Number.NaN] }, "body.a[1] is NaN, which is not a finite number"],
    [{ a: Infinity }, "body.a is Infinity, which is not a finite number"],
    [{ "odd key": { k: Buffer.from("00", "hex") } }, 'body["odd key"].k is binary data (Buffer/Uint8Array)'],
    [{ a: new Uint8Array(2) }, "body.a is binary data"],
    [{ a: new Date(0) }, "body.a is a Date object"],
    [{ a: 1n }, "body.a is a BigInt"],
    [{ a: "\ud800" }, "body.a contains a lone UTF-16 surrogate"],
    [{ a: [1, , 3] }, "body.a[1] is a hole in a sparse array"],
  ])("refuses %o", (value, message) => {
    expect(() => canonicalJson(value, "body")).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value, "body")).toThrow(message);
  });

  it("refuses a cycle instead of overflowing the stack", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/nested more than 64 levels/);
  });
});

describe("parseCanonicalJson", () => {
  it("returns the value of canonical bytes", () => {
    expect(parseCanonicalJson(Buffer.from('{"a":[1,"x"],"b":null}'))).toEqual({ a: [1, "x"], b: null });
  });

  it.each([
    ['{"b":1,"a":2}', "not in canonical form"],
    ['{"a": 1}', "not in canonical form"],
    ['{"a":1,"a":1}', "not in canonical form"],
    ['{"a":1.0}', "not in canonical form"],
    ['{"a":"\\u0041"}', "not in canonical form"],
    ['{"a":1}\n', "not in canonical form"],
    ["\ufeff{}", "not valid JSON"],
    ['{"a":', "not valid JSON"],
  ])("refuses %j", (text, message) => {
    expect(() => parseCanonicalJson(Buffer.from(text, "utf8"), "transcript.json")).toThrow(`transcript.json is ${message}`);
  });

  it("accepts exactly the canonical text of any JSON value (fast and generic paths agree)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const canonical = canonicalJsonBytes(value);
        expect(canonicalJsonBytes(parseCanonicalJson(canonical))).toEqual(canonical);
        const asWritten = Buffer.from(JSON.stringify(value), "utf8");
        if (!asWritten.equals(canonical)) expect(() => parseCanonicalJson(asWritten)).toThrow("is not in canonical form");
      }),
      { numRuns: 500 },
    );
  });

  it("refuses an escaped lone surrogate even though JSON.stringify would write it the same way", () => {
    expect(() => parseCanonicalJson(Buffer.from('{"a":"\\ud800"}'))).toThrow("value.a contains a lone UTF-16 surrogate");
  });

  it("refuses invalid UTF-8", () => {
    expect(() => parseCanonicalJson(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toThrow("value is not valid UTF-8");
  });
});
