import { describe, expect, it } from "vitest";

import {
  MalformedShareError,
  ShareChecksumError,
  ShareDecodeError,
  ShareNumberingError,
  ShareVersionError,
  ShareWordCountError,
  UnknownShareWordError,
  decodeShare,
  encodeShareEnvelope,
  shareFingerprint,
} from "../../../src/escrow/index.ts";
import { WORDS } from "../../../src/escrow/wordlist.ts";
import { canonicalBytes, craftedWords, envelope, fixedWords, numbered } from "./fixtures.ts";

const WORDS_1 = fixedWords();
const LABEL = { label: "share from card 3" };

function replaced(words: readonly string[], position: number, word: string): string[] {
  const copy = [...words];
  copy[position - 1] = word;
  return copy;
}

/** The card numbers down each column; a holder may copy across the rows instead. */
function columnsRowByRow(words: readonly string[], columns: number): string {
  const rows = Math.ceil(words.length / columns);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) {
      const i = c * rows + r;
      if (i < words.length) cells.push(`${i + 1}. ${words[i]}`);
    }
    lines.push(cells.join("   "));
  }
  return lines.join("\n");
}

function errorOf(text: string, options = LABEL): ShareDecodeError {
  try {
    decodeShare(text, options);
  } catch (error) {
    if (error instanceof ShareDecodeError) return error;
    throw error;
  }
  throw new Error("decodeShare accepted the text");
}

describe("decodeShare accepts what people and scanners produce", () => {
  const expected = envelope();
  const forms: Array<[string, string]> = [
    ["words separated by single spaces", WORDS_1.join(" ")],
    ["numbered words, one a line", numbered(WORDS_1)],
    ["numbered with ')' and no space", WORDS_1.map((w, i) => `${i + 1})${w}`).join(" ")],
    ["numbers without punctuation", WORDS_1.map((w, i) => `${i + 1} ${w}`).join("  ")],
    ["capitals, tabs and blank lines", `\n\t${WORDS_1.map((w) => w.toUpperCase()).join("\t \n")}\n\n`],
    ["four-letter prefixes", WORDS_1.map((w) => w.slice(0, 4)).join(" ")],
    ["the QR text", encodeShareEnvelope(expected).qrText],
    ["the QR text in lower case with extra spaces", `  cws1:  ${WORDS_1.join("   ")} `],
    ["words separated by commas", WORDS_1.join(", ")],
    ["numbered words copied row by row from the card's columns", columnsRowByRow(WORDS_1, 3)],
    ["numbers in parentheses", WORDS_1.map((w, i) => `(${i + 1}) ${w}`).join(" ")],
  ];

  it.each(forms)("%s", (_name, text) => {
    const share = decodeShare(text, LABEL);
    expect(share).toMatchObject({ label: "share from card 3", version: 1, setId: "3F9A81C0D2", k: 3, n: 5, index: 0x17 });
    expect(share.payload).toEqual(expected.payload);
  });

  it("reports the fingerprint of the canonical bytes, the same as at encoding", () => {
    const share = decodeShare(WORDS_1.join(" "));
    expect(share.fingerprint).toBe(shareFingerprint(canonicalBytes({})));
    expect(share.fingerprint).toBe(encodeShareEnvelope(envelope()).fingerprint);
  });

  it("starts every version-1 card with one of eight words (version byte 0x01 in the top bits)", () => {
    expect(WORDS.slice(8, 16)).toContain(WORDS_1[0]);
  });
});

describe("decodeShare errors name the share, the word and what to do", () => {
  const table: Array<[string, string, new (...args: never[]) => ShareDecodeError, string, string]> = [
    [
      "an unknown word, with a suggestion",
      replaced(WORDS_1, 7, "fostr").join(" "),
      UnknownShareWordError,
      "ESCROW_UNKNOWN_WORD",
      "Share from card 3: word 7 'fostr' is not in the word list; did you mean 'foster'? Read word 7 again from the card.",
    ],
    [
      "an unknown word with nothing close",
      replaced(WORDS_1, 2, "qqqqqqqq").join(" "),
      UnknownShareWordError,
      "ESCROW_UNKNOWN_WORD",
      "Share from card 3: word 2 'qqqqqqqq' is not in the word list. Read word 2 again from the card.",
    ],
    [
      "a wrong but valid word",
      replaced(WORDS_1, 12, "shop").join(" "),
      ShareChecksumError,
      "ESCROW_CHECKSUM",
      "Share from card 3: the words do not check: word 12 'shop' is probably wrong (the card may say 'ship'); read the card again.",
    ],
    [
      "two neighbouring words swapped",
      replaced(replaced(WORDS_1, 7, WORDS_1[7] ?? ""), 8, WORDS_1[6] ?? "").join(" "),
      ShareChecksumError,
      "ESCROW_CHECKSUM",
      "Share from card 3: the words do not check: words 7 and 8 look swapped; read the card again.",
    ],
    [
      "three words wrong",
      replaced(replaced(replaced(WORDS_1, 3, "zoo"), 9, "zoo"), 20, "zoo").join(" "),
      ShareChecksumError,
      "ESCROW_CHECKSUM",
      "Share from card 3: the words do not check: a word is mistyped or two words are swapped; read the card again.",
    ],
    [
      "a word missing",
      WORDS_1.filter((_, i) => i !== 10).join(" "),
      ShareWordCountError,
      "ESCROW_WORD_COUNT",
      "Share from card 3: 32 words given, 33 expected: a word is missing. Compare the words with the card one by one.",
    ],
    [
      "two words too many",
      [...WORDS_1, "zoo", "zoo"].join(" "),
      ShareWordCountError,
      "ESCROW_WORD_COUNT",
      "Share from card 3: 35 words given, 33 expected: there are extra words. Compare the words with the card one by one.",
    ],
    [
      "nothing at all",
      "   \n ",
      ShareWordCountError,
      "ESCROW_WORD_COUNT",
      "Share from card 3: 0 words given, 33 expected: words are missing. Compare the words with the card one by one.",
    ],
    [
      "a numbered word skipped",
      numbered(WORDS_1)
        .split("\n")
        .filter((_, i) => i !== 7)
        .join("\n"),
      ShareNumberingError,
      "ESCROW_WORD_NUMBERING",
      "Share from card 3: word 8 is missing. Compare the words with the card one by one.",
    ],
    [
      "a numbered word typed twice",
      numbered([...WORDS_1.slice(0, 5), WORDS_1[4] ?? "", ...WORDS_1.slice(5)]).replace("6. ", "5. "),
      ShareNumberingError,
      "ESCROW_WORD_NUMBERING",
      "Share from card 3: word 5 is given twice. Compare the words with the card one by one.",
    ],
    [
      "a number without its word",
      numbered(WORDS_1).replace("7. foster\n", "7.\n"),
      ShareNumberingError,
      "ESCROW_WORD_NUMBERING",
      "Share from card 3: word 7 is missing. Compare the words with the card one by one.",
    ],
    [
      "some words numbered, one out of place",
      `${WORDS_1.slice(0, 9).join(" ")} 11. ${WORDS_1.slice(9).join(" ")}`,
      ShareNumberingError,
      "ESCROW_WORD_NUMBERING",
      "Share from card 3: the word numbered 11 is the 10th word given, so a word before it is missing. Compare the words with the card one by one.",
    ],
    [
      "some words numbered, a word repeated before one",
      `${WORDS_1.slice(0, 9).join(" ")} marble 9. ${WORDS_1.slice(9).join(" ")}`,
      ShareNumberingError,
      "ESCROW_WORD_NUMBERING",
      "Share from card 3: the word numbered 9 is the 11th word given, so a word before it was typed twice or the numbering is wrong. Compare the words with the card one by one.",
    ],
    [
      "a QR text of a newer format",
      `CWS2:${WORDS_1.join(" ")}`,
      ShareVersionError,
      "ESCROW_UNSUPPORTED_VERSION",
      "Share from card 3: the card uses share format version 2, but this program reads only version 1. Use the Ceremony Workstation release named on the card, or check the first word if you typed it.",
    ],
    [
      "a checking card of version 2",
      craftedWords(canonicalBytes({ version: 2 })).join(" "),
      ShareVersionError,
      "ESCROW_UNSUPPORTED_VERSION",
      "Share from card 3: the card uses share format version 2, but this program reads only version 1. Use the Ceremony Workstation release named on the card, or check the first word if you typed it.",
    ],
    [
      "a crafted share with x = 0",
      craftedWords(canonicalBytes({ index: 0 })).join(" "),
      MalformedShareError,
      "ESCROW_MALFORMED_SHARE",
      "Share from card 3: the words check, but the share is not valid: its index (x) is 0, which would be the secret itself. The card was not made by Ceremony Workstation or was altered; do not use it and tell the ceremony administrator.",
    ],
    [
      "a crafted share with k = 1",
      craftedWords(canonicalBytes({ k: 1 })).join(" "),
      MalformedShareError,
      "ESCROW_MALFORMED_SHARE",
      "Share from card 3: the words check, but the share is not valid: its threshold k = 1 is outside 2..255. The card was not made by Ceremony Workstation or was altered; do not use it and tell the ceremony administrator.",
    ],
    [
      "a crafted share with n < k",
      craftedWords(canonicalBytes({ k: 4, n: 3 })).join(" "),
      MalformedShareError,
      "ESCROW_MALFORMED_SHARE",
      "Share from card 3: the words check, but the share is not valid: it says 4 of 3, but n must be k..255. The card was not made by Ceremony Workstation or was altered; do not use it and tell the ceremony administrator.",
    ],
    [
      "a crafted share with padding bits set",
      craftedWords(canonicalBytes({}), 0b01).join(" "),
      MalformedShareError,
      "ESCROW_MALFORMED_SHARE",
      "Share from card 3: the words check, but the share is not valid: the unused low bits of word 30 are not zero. The card was not made by Ceremony Workstation or was altered; do not use it and tell the ceremony administrator.",
    ],
  ];

  it.each(table)("%s", (_name, text, type, code, message) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.label).toBe("share from card 3");
    expect(error.toJSON()).toEqual({ name: type.name, code, message });
  });

  it("blames word 1 rather than the version when one wrong first word explains it", () => {
    const versionThreeWord = WORDS[3 << 3] ?? "";
    const error = errorOf(replaced(WORDS_1, 1, versionThreeWord).join(" "));
    expect(error).toBeInstanceOf(ShareChecksumError);
    expect(error.message).toBe(
      `Share from card 3: the words do not check: word 1 '${versionThreeWord}' is probably wrong (the card may say '${WORDS_1[0]}'); read the card again.`,
    );
  });

  it("counts words rather than reading a version when the first word is missing", () => {
    expect(errorOf(WORDS_1.slice(1).join(" "))).toBeInstanceOf(ShareWordCountError);
  });

  it("says 'the share' when no label is given", () => {
    expect(errorOf(WORDS_1.slice(1).join(" "), {} as typeof LABEL).message).toMatch(/^The share: 32 words given/);
  });

  it("exposes the suspect word for the UI to highlight", () => {
    const error = errorOf(replaced(WORDS_1, 12, "shop").join(" ")) as ShareChecksumError;
    expect(error.suspect).toEqual({ kind: "mistyped", wordNumber: 12, typed: "shop", cardMaySay: "ship" });
    const unknown = errorOf(replaced(WORDS_1, 7, "fostr").join(" ")) as UnknownShareWordError;
    expect([unknown.wordNumber, unknown.word, unknown.suggestions]).toEqual([7, "fostr", ["foster"]]);
  });

  it("rejects a non-string argument as a programming error", () => {
    expect(() => decodeShare(42 as unknown as string)).toThrow(TypeError);
  });
});
