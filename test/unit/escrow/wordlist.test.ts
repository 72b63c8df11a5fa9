import { describe, expect, it } from "vitest";

import { WORDS, lookupWord, suggestWords } from "../../../src/escrow/wordlist.ts";

describe("BIP-39 English word list", () => {
  it("has 2048 words whose first four letters tell them apart", () => {
    expect(WORDS).toHaveLength(2048);
    expect(new Set(WORDS.map((w) => w.slice(0, 4))).size).toBe(2048);
    expect(WORDS[0]).toBe("abandon");
    expect(WORDS[2047]).toBe("zoo");
  });

  it.each([
    ["abandon", 0],
    ["ABANDON", 0],
    ["Aban", 0],
    ["aband", 0],
    ["zoo", 2047],
    ["act", WORDS.indexOf("act")],
    ["acti", WORDS.indexOf("action")],
  ])("finds %s", (token, index) => {
    expect(lookupWord(token)).toBe(index);
  });

  it.each(["abandun", "aba", "abandonx", "", "zzzz", "abandon1"])("does not guess for %j", (token) => {
    expect(lookupWord(token)).toBeUndefined();
  });

  it.each([
    ["abandun", ["abandon"]],
    ["ablity", ["ability"]],
    ["clcok", ["clock"]],
    ["qqqqqqqq", []],
  ])("suggests for %s", (token, expected) => {
    expect(suggestWords(token)).toEqual(expected);
  });

  it("suggests at most three words", () => {
    expect(suggestWords("cat").length).toBeLessThanOrEqual(3);
    expect(suggestWords("ca").length).toBeGreaterThan(0);
  });
});
