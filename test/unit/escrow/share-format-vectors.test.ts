/**
 * docs/share-format.md is the contract for recovering without our code, so its test vectors,
 * its reference decoder and its openssl recipe are all executed here, from the document itself.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { combine } from "shamir-secret-sharing";
import { afterAll, describe, expect, it } from "vitest";

import type { DecodedShare } from "../../../src/escrow/index.ts";
import {
  ShareDecodeError,
  combineShares,
  decodeShare,
  encodeShareEnvelope,
  keyCheckValues,
  serializeShareEnvelope,
  unwrapKeyWithPadding,
  wrapKeyWithPadding,
} from "../../../src/escrow/index.ts";
import { gf256EvaluatePolynomial } from "../../../src/escrow/gf256.ts";
import { codewordForBytes } from "../../../src/escrow/share-words.ts";
import { WORDS } from "../../../src/escrow/wordlist.ts";

const DOC = readFileSync(new URL("../../../docs/share-format.md", import.meta.url), "utf8");

function block(marker: string, language: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\n`).exec(DOC);
  if (!match?.[1]) throw new Error(`docs/share-format.md has no ${language} block after <!-- ${marker} -->`);
  return match[1];
}

interface Vectors {
  escrowKey: string;
  setId: string;
  k: number;
  n: number;
  coefficients: [string, string];
  cards: Array<{ card: number; x: number; y: string; canonical: string; symbols: number[]; words: string[]; qrText: string; fingerprint: string }>;
  combine: Array<{ cards: number[]; escrowKey: string }>;
  masterKey: string;
  wrappedMasterKey: string;
  kcv: { ecb0: string; cmac: string };
  rejected: Array<{ what: string; words: string[]; code: string; combineWith?: number[] }>;
}

const V = JSON.parse(block("test-vectors", "json")) as Vectors;
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const card = (n: number): Vectors["cards"][number] => {
  const found = V.cards.find((c) => c.card === n);
  if (!found) throw new Error(`no card ${n} in the vectors`);
  return found;
};
const decodeCard = (n: number): DecodedShare => decodeShare(card(n).words.join(" "), { label: `card ${n}` });

describe("docs/share-format.md test vectors", () => {
  it("are 5 cards of one 3-of-5 split", () => {
    expect(V.cards.map((c) => c.card)).toEqual([1, 2, 3, 4, 5]);
    expect([V.setId, V.k, V.n]).toEqual(["3F9A81C0D2", 3, 5]);
  });

  describe.each(V.cards.map((c) => [c.card, c] as const))("card %i", (_n, c) => {
    it("y is the published polynomials evaluated at x over GF(2^8)/0x11B", () => {
      const [c1, c2] = V.coefficients.map(bytes) as [Uint8Array, Uint8Array];
      const key = bytes(V.escrowKey);
      const y = Uint8Array.from({ length: 32 }, (_, i) => gf256EvaluatePolynomial([key[i] ?? 0, c1[i] ?? 0, c2[i] ?? 0], c.x));
      expect(hex(y)).toBe(c.y);
    });

    it("encodes to the published bytes, symbols, words, QR text and fingerprint", () => {
      const envelope = { version: 1, setId: bytes(V.setId), k: V.k, n: V.n, index: c.x, payload: bytes(c.y) };
      expect(hex(serializeShareEnvelope(envelope))).toBe(c.canonical);
      expect([...codewordForBytes(bytes(c.canonical))]).toEqual(c.symbols);
      expect(c.words).toEqual(c.symbols.map((s) => WORDS[s]));
      const encoded = encodeShareEnvelope(envelope);
      expect([...encoded.words]).toEqual(c.words);
      expect(encoded.qrText).toBe(c.qrText);
      expect(encoded.fingerprint).toBe(c.fingerprint);
    });

    it("decodes from its words, its QR text and the numbered block printed in the document", () => {
      const printed = new RegExp(`<!-- card ${c.card} -->\\n\`\`\`text\\n([\\s\\S]*?)\`\`\``).exec(DOC)?.[1] ?? "";
      for (const text of [c.words.join(" "), c.qrText, printed]) {
        const share = decodeShare(text);
        expect(share).toMatchObject({ version: 1, setId: V.setId, k: V.k, n: V.n, index: c.x, fingerprint: c.fingerprint });
        expect(hex(share.payload)).toBe(c.y);
      }
      expect(DOC).toContain(`fingerprint \`${c.fingerprint}\``);
    });
  });

  it.each(V.combine.map((c) => [c.cards.join(", "), c] as const))("cards %s combine to the escrow key, here and in the library", async (_name, c) => {
    expect(hex(await combineShares(c.cards.map(decodeCard)))).toBe(c.escrowKey);
    const libraryShares = c.cards.slice(0, V.k).map((n) => Uint8Array.from([...bytes(card(n).y), card(n).x]));
    expect(hex(await combine(libraryShares))).toBe(c.escrowKey);
  });

  it("wrap the master key under the escrow key as published, and the KCVs match", () => {
    const escrowKey = bytes(V.escrowKey);
    const masterKey = bytes(V.masterKey);
    expect(hex(wrapKeyWithPadding(escrowKey, masterKey))).toBe(V.wrappedMasterKey);
    expect(hex(unwrapKeyWithPadding(escrowKey, bytes(V.wrappedMasterKey)))).toBe(V.masterKey);
    expect(keyCheckValues(masterKey)).toEqual(V.kcv);
    expect(V.kcv).toEqual({ ecb0: "F29000", cmac: "377822C093" });
  });

  it("the table shows the same values as the JSON", () => {
    for (const value of [V.escrowKey, ...V.coefficients, V.masterKey, V.wrappedMasterKey, V.kcv.ecb0, V.kcv.cmac]) {
      expect(DOC).toContain(`\`${value}\``);
    }
  });

  it.each(V.rejected.map((r) => [r.what, r] as const))("rejects %s", async (_what, r) => {
    const attempt = async (): Promise<unknown> => {
      const share = decodeShare(r.words.join(" "), { label: "the vector" });
      return combineShares([share, ...(r.combineWith ?? []).map(decodeCard)]);
    };
    await expect(attempt()).rejects.toMatchObject({ code: r.code });
    if (!r.combineWith) await expect(attempt()).rejects.toBeInstanceOf(ShareDecodeError);
  });
});

const python = spawnSync("python3", ["--version"]).status === 0;
const openssl = spawnSync("openssl", ["version"]).status === 0;
if (!python) console.log("share-format-vectors.test.ts: python3 not found; the reference decoder is not run");
if (!openssl) console.log("share-format-vectors.test.ts: openssl not found; the recovery recipe is not run");

describe("recovery with only the document", () => {
  const dir = mkdtempSync(join(tmpdir(), "share-format-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "english.txt"), `${WORDS.join("\n")}\n`);
  writeFileSync(join(dir, "recover.py"), block("reference-decoder", "python"));
  mkdirSync(join(dir, "escrow"));
  writeFileSync(join(dir, "escrow", "KEK-01.wrapped"), bytes(V.wrappedMasterKey));
  for (const c of V.cards) {
    // Odd cards as typed from the card (numbered), even cards as scanned (QR text).
    const typed = new RegExp(`<!-- card ${c.card} -->\\n\`\`\`text\\n([\\s\\S]*?)\`\`\``).exec(DOC)?.[1] ?? "";
    writeFileSync(join(dir, `card${c.card}.txt`), c.card % 2 === 1 ? typed : c.qrText);
  }
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, encoding: "utf8" });

  it.skipIf(!python)("the reference decoder recovers the escrow key from any 3 cards", () => {
    for (const cards of [
      ["card1.txt", "card3.txt", "card5.txt"],
      ["card4.txt", "card2.txt", "card1.txt"],
    ]) {
      const result = run("python3", ["recover.py", "english.txt", ...cards]);
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe(V.escrowKey);
    }
  });

  it("docs/recipes/recover.py is the reference decoder of the document, verbatim", () => {
    expect(readFileSync(new URL("../../../docs/recipes/recover.py", import.meta.url), "utf8")).toBe(block("reference-decoder", "python"));
  });

  it.skipIf(!python)("the reference decoder puts numbered words in the order of their numbers (as printed: down the columns) and refuses other versions", () => {
    const card = V.cards[0]!;
    const words = card.qrText.replace(/^CWS1:/, "").toLowerCase().split(" ");
    // Three columns of 11, read across the rows as pdftotext shows a printed card.
    const rows = Array.from({ length: 11 }, (_, r) => [0, 11, 22].map((c) => `${c + r + 1}. ${words[c + r]}`).join("    "));
    writeFileSync(join(dir, "columns.txt"), `${rows.join("\n")}\n`);
    const ok = run("python3", ["recover.py", "english.txt", "columns.txt", "card3.txt", "card5.txt"]);
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe(V.escrowKey);
    writeFileSync(join(dir, "gap.txt"), rows.join("\n").replace("12. ", "40. "));
    expect(run("python3", ["recover.py", "english.txt", "gap.txt", "card3.txt", "card5.txt"]).stderr).toContain("gap.txt: the word numbers are not 1 to 33");
    writeFileSync(join(dir, "v2.txt"), card.qrText.replace("CWS1:", "CWS2:"));
    expect(run("python3", ["recover.py", "english.txt", "v2.txt", "card3.txt", "card5.txt"]).stderr).toContain("v2.txt: this is a card of share format version 2");
  });

  it.skipIf(!python)("the reference decoder refuses too few cards, a mistyped card and x = 0", () => {
    expect(run("python3", ["recover.py", "english.txt", "card1.txt", "card2.txt"]).stderr).toContain("2 cards given, 3 needed");
    for (const [name, words, reason] of [
      ["typo.txt", V.rejected[0]?.words, "the words do not check"],
      ["x0.txt", V.rejected[2]?.words, "not a valid version-1 share"],
    ] as const) {
      writeFileSync(join(dir, name), (words ?? []).join(" "));
      const result = run("python3", ["recover.py", "english.txt", name, "card1.txt", "card2.txt"]);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`${name}: ${reason}`);
    }
  });

  it.skipIf(!python || !openssl)("the openssl recipe unwraps the master key and prints its KCVs", () => {
    const result = run("bash", ["-euo", "pipefail", "-c", block("recovery-recipe", "sh")]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n")).toEqual([V.kcv.ecb0, V.kcv.cmac]);
    expect(hex(readFileSync(join(dir, "KEK.bin")))).toBe(V.masterKey);
  });
});
