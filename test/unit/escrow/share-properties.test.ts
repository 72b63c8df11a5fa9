/**
 * Properties over random secrets, sets and corruptions (fast-check). The checksum claims are
 * "with certainty" for any single substitution and any neighbour swap, so those properties are
 * stated as always-caught, not as usually-caught.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { DecodedShare, EncodedShare } from "../../../src/escrow/index.ts";
import {
  DuplicateShareError,
  ShareChecksumError,
  ShareDecodeError,
  ShareParameterMismatchError,
  ShareSetMismatchError,
  TooFewSharesError,
  combineShares,
  decodeShare,
  encodeShareEnvelope,
  splitEscrowKey,
} from "../../../src/escrow/index.ts";
import { WORDS } from "../../../src/escrow/wordlist.ts";

const secretArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const setIdArb = fc.uint8Array({ minLength: 5, maxLength: 5 });
const thresholdArb = fc.integer({ min: 2, max: 16 }).chain((n) => fc.tuple(fc.integer({ min: 2, max: n }), fc.constant(n)));
const RUNS = { numRuns: 60 };

async function decodedSplit(secret: Uint8Array, k: number, n: number, setId: Uint8Array): Promise<DecodedShare[]> {
  const shares = await splitEscrowKey(secret, { k, n, setId });
  return shares.map((s, i) => decodeShare(i % 2 === 0 ? s.words.join(" ") : s.qrText, { label: `card ${i + 1}` }));
}

/** One share of a fixed split, made once: corrupting its words is what these properties vary. */
const someShare: Promise<EncodedShare> = splitEscrowKey(new Uint8Array(32).fill(7), {
  k: 3,
  n: 5,
  setId: Uint8Array.of(1, 2, 3, 4, 5),
}).then((s) => s[0] as EncodedShare);

describe("round trip", () => {
  it("split → encode → decode → combine returns the secret for any k ≤ n ≤ 16 and any k of the shares", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, thresholdArb, fc.integer(), async (secret, setId, [k, n], seed) => {
        const decoded = await decodedSplit(secret, k, n, setId);
        const chosen = fc.sample(fc.shuffledSubarray(decoded, { minLength: k, maxLength: n }), { numRuns: 1, seed })[0] ?? [];
        expect(await combineShares(chosen)).toEqual(secret);
      }),
      RUNS,
    );
  });

  it("encoding is a bijection on envelopes: decode(encode(e)) = e", () => {
    fc.assert(
      fc.property(secretArb, setIdArb, thresholdArb, fc.integer({ min: 1, max: 255 }), (payload, setId, [k, n], index) => {
        const encoded = encodeShareEnvelope({ version: 1, setId, k, n, index, payload });
        const decoded = decodeShare(encoded.qrText);
        expect(decoded).toMatchObject({ k, n, index, setId: Buffer.from(setId).toString("hex").toUpperCase(), fingerprint: encoded.fingerprint });
        expect(decoded.payload).toEqual(payload);
      }),
      { numRuns: 300 },
    );
  });
});

describe("every typing mistake the checksum promises to catch is caught", () => {
  it("any single-word substitution", async () => {
    const share = await someShare;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 2047 }), async (position, replacement) => {
        fc.pre(WORDS[replacement] !== share.words[position]);
        const words = [...share.words];
        words[position] = WORDS[replacement] ?? "";
        expect(() => decodeShare(words.join(" "))).toThrow(ShareChecksumError);
      }),
      { numRuns: 2000 },
    );
  });

  it("any swap of two neighbouring words that differ", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, fc.integer({ min: 0, max: 31 }), async (secret, setId, position) => {
        const share = (await splitEscrowKey(secret, { k: 2, n: 2, setId }))[0] as EncodedShare;
        fc.pre(share.words[position] !== share.words[position + 1]);
        const words = [...share.words];
        [words[position], words[position + 1]] = [words[position + 1] ?? "", words[position] ?? ""];
        let error: unknown;
        try {
          decodeShare(words.join(" "));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ShareChecksumError);
        expect((error as ShareChecksumError).suspect).toEqual({ kind: "swapped", wordNumber: position + 1 });
      }),
      { numRuns: 300 },
    );
  });

  it("random corruption of several words (caught unless 2^-33 luck)", async () => {
    const share = await someShare;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 32 }), { minLength: 2, maxLength: 33 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 2047 })),
        async (positions, values) => {
          const words = [...share.words];
          const replacements = values.take(positions.length);
          let changed = false;
          for (const p of positions) {
            const w = WORDS[replacements.next().value as number] ?? "";
            changed ||= w !== words[p];
            words[p] = w;
          }
          fc.pre(changed);
          expect(() => decodeShare(words.join(" "))).toThrow(ShareDecodeError);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("combining catches shares that do not belong together", () => {
  it("a share of another set", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, setIdArb, thresholdArb, async (secret, setA, setB, [k, n]) => {
        fc.pre(Buffer.compare(setA, setB) !== 0);
        const ours = await decodedSplit(secret, k, n, setA);
        const theirs = await decodedSplit(secret, k, n, setB);
        const mixed = [...ours.slice(0, k - 1), theirs[0] as DecodedShare];
        await expect(combineShares(mixed)).rejects.toThrow(ShareSetMismatchError);
      }),
      RUNS,
    );
  });

  it("a share listed twice", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, thresholdArb, async (secret, setId, [k, n]) => {
        const decoded = await decodedSplit(secret, k, n, setId);
        const twice = [...decoded.slice(0, k), decoded[0] as DecodedShare];
        await expect(combineShares(twice)).rejects.toThrow(DuplicateShareError);
      }),
      RUNS,
    );
  });

  it("fewer than k shares", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, thresholdArb, fc.nat(), async (secret, setId, [k, n], cut) => {
        const decoded = await decodedSplit(secret, k, n, setId);
        const given = cut % k;
        const error = await combineShares(decoded.slice(0, given)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TooFewSharesError);
        expect((error as TooFewSharesError).needed).toBe(given === 0 ? 2 : k);
      }),
      RUNS,
    );
  });

  it("mixed k or n under one set ID", async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, setIdArb, thresholdArb, thresholdArb, async (secret, setId, [k, n], [k2, n2]) => {
        fc.pre(k !== k2 || n !== n2);
        const ours = await decodedSplit(secret, k, n, setId);
        const other = (await decodedSplit(secret, k2, n2, setId))[0] as DecodedShare;
        fc.pre(!ours.slice(0, k).some((s) => s.index === other.index));
        await expect(combineShares([...ours.slice(0, k), other])).rejects.toThrow(ShareParameterMismatchError);
      }),
      RUNS,
    );
  });
});
