/**
 * decodeShare under fuzzing, 10,000 cases in `npm run test:fuzz`, 400 in `npm test`: the shares of a real split, as words, as numbered
 * words the way the card prints them, and as QR text, mutated the way people and scanners get
 * them wrong (a word replaced by another list word or a near miss, words swapped, dropped,
 * doubled, renumbered, characters flipped, inserted, deleted, case and spacing changed).
 * decodeShare throws only ShareDecodeError subclasses and never accepts a corruption: whatever
 * it returns is the original share (same fingerprint and payload). A different valid share
 * would need all 33 words changed consistently (2^-33 per random change); no mutation here does.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ShareDecodeError, decodeShare, splitEscrowKey, type EncodedShare } from "../../../src/escrow/index.ts";
import { WORDS } from "../../../src/escrow/wordlist.ts";
import { casesLabel, fuzzCases } from "./budget.ts";
import { applyBytes, byteMutation, onlyThrows, type ByteMutation } from "./mutations.ts";

let shares: EncodedShare[] = [];
beforeAll(async () => {
  shares = await splitEscrowKey(Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 11) & 0xff), { k: 3, n: 5, setId: Uint8Array.of(0x3f, 0x9a, 0x81, 0xc0, 0xd2) });
});

type Form = "words" | "numbered" | "qr";
const FORMS: Form[] = ["words", "numbered", "qr"];

function render(words: readonly string[], form: Form, numbers?: readonly number[]): string {
  if (form === "qr") return `CWS1:${words.join(" ").toUpperCase()}`;
  if (form === "words") return words.join(" ");
  return words.map((w, i) => `${numbers?.[i] ?? i + 1}. ${w}`).join("\n");
}

type WordMutation =
  | { kind: "replace"; at: number; word: number }
  | { kind: "near-miss"; at: number; edit: ByteMutation }
  | { kind: "swap"; at: number }
  | { kind: "drop"; at: number }
  | { kind: "double"; at: number }
  | { kind: "renumber"; at: number; to: number }
  | { kind: "case"; at: number };

const wordMutation: fc.Arbitrary<WordMutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), word: fc.integer({ min: 0, max: WORDS.length - 1 }) }),
  fc.record({ kind: fc.constant("near-miss" as const), at: fc.nat(), edit: byteMutation }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("double" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("renumber" as const), at: fc.nat(), to: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
);

function mutateWords(share: EncodedShare, form: Form, ops: readonly WordMutation[]): string {
  const words = [...share.words];
  const numbers = words.map((_, i) => i + 1);
  for (const op of ops) {
    const at = op.at % Math.max(1, words.length);
    switch (op.kind) {
      case "replace":
        words[at] = WORDS[op.word]!;
        break;
      case "near-miss":
        words[at] = applyBytes(Buffer.from(words[at] ?? ""), [op.edit]).toString("latin1");
        break;
      case "swap":
        [words[at], words[(at + 1) % words.length]] = [words[(at + 1) % words.length]!, words[at]!];
        break;
      case "drop":
        words.splice(at, 1);
        numbers.splice(at, 1);
        break;
      case "double":
        words.splice(at, 0, words[at] ?? "");
        numbers.splice(at, 0, numbers[at] ?? 0);
        break;
      case "renumber":
        numbers[at] = op.to;
        break;
      case "case":
        words[at] = (words[at] ?? "").toUpperCase();
        break;
    }
  }
  return render(words, form, numbers);
}

/** Decoding throws only ShareDecodeError, or returns exactly `original`. */
function onlyTheOriginal(text: string, original: EncodedShare): boolean {
  return onlyThrows([ShareDecodeError], () => {
    const decoded = decodeShare(text);
    if (decoded.fingerprint !== original.fingerprint) throw new Error(`accepted a corrupted share as ${decoded.fingerprint}: ${text}`);
  });
}

const SEED = 20_260_503;

describe("decodeShare under fuzzing", () => {
  it("decodes every seed in every form", () => {
    for (const s of shares) for (const form of FORMS) expect(decodeShare(render(s.words, form)).fingerprint).toBe(s.fingerprint);
  });

  it(`word-level mistakes: only ShareDecodeError, never a corrupted share accepted ${casesLabel(6000)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: 4 }), fc.constantFrom(...FORMS), fc.array(wordMutation, { minLength: 1, maxLength: 4 }), (i, form, ops) =>
        onlyTheOriginal(mutateWords(shares[i]!, form, ops), shares[i]!),
      ),
      fuzzCases(6000, SEED),
    );
  });

  it(`character-level damage to the text and the QR string: only ShareDecodeError, never a corrupted share accepted ${casesLabel(4000)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: 4 }), fc.constantFrom(...FORMS), fc.array(byteMutation, { minLength: 1, maxLength: 5 }), (i, form, ops) =>
        onlyTheOriginal(applyBytes(Buffer.from(render(shares[i]!.words, form)), ops).toString("utf8"), shares[i]!),
      ),
      fuzzCases(4000, SEED + 1),
    );
  });
});
