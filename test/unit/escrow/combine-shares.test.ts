import { randomBytes } from "node:crypto";

import { combine } from "shamir-secret-sharing";
import { describe, expect, it } from "vitest";

import type { DecodedShare, EncodedShare } from "../../../src/escrow/index.ts";
import {
  DuplicateShareError,
  InconsistentShareError,
  MalformedShareError,
  ShareCombineError,
  ShareParameterMismatchError,
  ShareSetMismatchError,
  TooFewSharesError,
  combineShares,
  decodeShare,
  encodeShareEnvelope,
  splitEscrowKey,
  wipeDecodedShares,
} from "../../../src/escrow/index.ts";
import { SET_ID, envelope } from "./fixtures.ts";

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 0xc0 ^ i);
const OTHER_SET = Uint8Array.from([0x81, 0xc0, 0x11, 0x22, 0x33]);

async function split(k = 3, n = 5, setId = SET_ID, secret = SECRET): Promise<EncodedShare[]> {
  return splitEscrowKey(secret, { k, n, setId });
}

function decodeAll(shares: readonly EncodedShare[], firstCard = 1): DecodedShare[] {
  return shares.map((s, i) => decodeShare(s.words.join(" "), { label: `share from card ${firstCard + i}` }));
}

async function combineError(shares: readonly DecodedShare[]): Promise<ShareCombineError> {
  try {
    await combineShares(shares);
  } catch (error) {
    if (error instanceof ShareCombineError) return error;
    throw error;
  }
  throw new Error("combineShares accepted the shares");
}

describe("splitEscrowKey → decodeShare → combineShares", () => {
  it("recovers the key from any 3 of 5 cards, in any order", async () => {
    const decoded = decodeAll(await split());
    for (const pick of [
      [0, 1, 2],
      [4, 2, 0],
      [1, 3, 4],
    ]) {
      expect(await combineShares(pick.map((i) => decoded[i] as DecodedShare))).toEqual(SECRET);
    }
  });

  it("uses and cross-checks more than k shares", async () => {
    expect(await combineShares(decodeAll(await split()))).toEqual(SECRET);
  });

  it("describes each card: index, k, n, set ID, 33 words, QR text, fingerprint", async () => {
    const shares = await split(2, 3);
    expect(shares).toHaveLength(3);
    for (const share of shares) {
      expect(share).toMatchObject({ k: 2, n: 3, setId: "3F9A81C0D2" });
      expect(share.index).toBeGreaterThanOrEqual(1);
      expect(share.words).toHaveLength(33);
      expect(share.qrText).toBe(`CWS1:${share.words.join(" ").toUpperCase()}`);
      expect(share.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(shares.map((s) => s.index)).size).toBe(3);
  });

  it("agrees with the library's combine on the envelope's y ‖ x", async () => {
    const decoded = decodeAll(await split());
    const raw = decoded.slice(0, 3).map((d) => Uint8Array.from([...d.payload, d.index]));
    expect(await combine(raw)).toEqual(SECRET);
  });

  it("rejects bad arguments by name", async () => {
    await expect(splitEscrowKey(new Uint8Array(31), { k: 3, n: 5, setId: SET_ID })).rejects.toThrow(/secret must be 32 bytes/);
    await expect(splitEscrowKey(SECRET, { k: 3, n: 5, setId: new Uint8Array(4) })).rejects.toThrow(/setId must be 5 bytes/);
    await expect(splitEscrowKey(SECRET, { k: 1, n: 5, setId: SET_ID })).rejects.toThrow(RangeError);
    await expect(splitEscrowKey(SECRET, { k: 4, n: 3, setId: SET_ID })).rejects.toThrow(/n must be an integer k..255/);
    await expect(splitEscrowKey(SECRET, { k: 2, n: 256, setId: SET_ID })).rejects.toThrow(RangeError);
    await expect(splitEscrowKey("key" as unknown as Uint8Array, { k: 2, n: 3, setId: SET_ID })).rejects.toThrow(TypeError);
  });

  it("accepts a Buffer as the secret", async () => {
    const decoded = decodeAll(await splitEscrowKey(Buffer.from(SECRET), { k: 2, n: 2, setId: SET_ID }));
    expect(await combineShares(decoded)).toEqual(SECRET);
  });

  it("splits up to 255 shares", async () => {
    const shares = await split(2, 255);
    expect(new Set(shares.map((s) => s.index)).size).toBe(255);
    expect(await combineShares(decodeAll([shares[254] as EncodedShare, shares[17] as EncodedShare]))).toEqual(SECRET);
  });
});

describe("combineShares refuses shares that do not belong together", () => {
  it("too few shares", async () => {
    const error = await combineError(decodeAll((await split()).slice(0, 2)));
    expect(error).toBeInstanceOf(TooFewSharesError);
    expect(error.code).toBe("ESCROW_TOO_FEW_SHARES");
    expect(error.message).toBe("2 shares given, 3 needed: bring 1 more card of this set.");
  });

  it("no shares", async () => {
    expect((await combineError([])).message).toBe("no shares given: bring at least 2 cards of this set.");
  });

  it("a share from another set, named with both set IDs", async () => {
    const ours = decodeAll((await split()).slice(0, 3));
    const foreign = decodeAll((await split(3, 5, OTHER_SET)).slice(0, 1), 2)[0] as DecodedShare;
    const error = await combineError([ours[0] as DecodedShare, foreign, ours[1] as DecodedShare]);
    expect(error).toBeInstanceOf(ShareSetMismatchError);
    expect(error.code).toBe("ESCROW_SET_MISMATCH");
    expect(error.message).toBe(
      "Share from card 2 belongs to set 81C0 1122 33, the others to set 3F9A 81C0 D2: the cards come from different escrows. " +
        "Use only cards whose set ID is the one in the transcript.",
    );
  });

  it("a share claiming other k or n under the same set ID", async () => {
    const decoded = decodeAll((await split()).slice(0, 3));
    const altered = decodeShare(encodeShareEnvelope(envelope({ k: 2, n: 5, index: 200 })).words.join(" "), {
      label: "Alice's card",
    });
    const error = await combineError([...decoded, altered]);
    expect(error).toBeInstanceOf(ShareParameterMismatchError);
    expect(error.code).toBe("ESCROW_PARAMETER_MISMATCH");
    expect(error.message).toBe(
      "Alice's card says 2 of 5, the others say 3 of 5, although the set IDs match: a card was altered. " +
        "Put it aside and tell the ceremony administrator.",
    );
  });

  it("the same card twice", async () => {
    const decoded = decodeAll(await split());
    const again = { ...(decoded[0] as DecodedShare), label: "share from card 4" };
    const error = await combineError([decoded[0] as DecodedShare, decoded[1] as DecodedShare, again]);
    expect(error).toBeInstanceOf(DuplicateShareError);
    expect(error.code).toBe("ESCROW_DUPLICATE_SHARE");
    expect(error.message).toBe(
      "Share from card 1 and share from card 4 are the same card (the same words): bring a different card of this set.",
    );
  });

  it("two different shares claiming one index", async () => {
    const decoded = decodeAll(await split());
    const first = decoded[0] as DecodedShare;
    const clash = { ...(decoded[1] as DecodedShare), index: first.index };
    const error = await combineError([first, clash, decoded[2] as DecodedShare]);
    expect(error).toBeInstanceOf(DuplicateShareError);
    expect(error.message).toBe(
      `Share from card 1 and share from card 2 claim the same place in the split (share index ${first.index}) but differ: one of them was altered. ` +
        "Put both aside and tell the ceremony administrator.",
    );
  });

  it("x = 0 in a share built by hand", async () => {
    const decoded = decodeAll(await split());
    const zero = { ...(decoded[2] as DecodedShare), index: 0 };
    await expect(combineShares([decoded[0] as DecodedShare, decoded[1] as DecodedShare, zero])).rejects.toThrow(
      MalformedShareError,
    );
  });

  it("a share that checks but is not on the others' polynomial, when more than k are given", async () => {
    const decoded = decodeAll(await split());
    const altered = { ...(decoded[3] as DecodedShare), payload: (decoded[3] as DecodedShare).payload.slice() };
    altered.payload[5] = (altered.payload[5] ?? 0) ^ 0x01;
    const error = await combineError([...decoded.slice(0, 3), altered]);
    expect(error).toBeInstanceOf(InconsistentShareError);
    expect(error.code).toBe("ESCROW_INCONSISTENT_SHARE");
    expect(error.message).toBe(
      "Share from card 4 does not agree with share from card 1, share from card 2 and share from card 3, " +
        "although the words of each check: one of these cards was altered. " +
        "Recover with a different choice of cards and tell the ceremony administrator.",
    );
  });

  it("labels hand-built shares without a label by position", async () => {
    const decoded = decodeAll((await split()).slice(0, 2)).map((d) => ({ ...d, label: "" }));
    const foreign = { ...decodeAll((await split(3, 5, OTHER_SET)).slice(0, 1))[0], label: "" } as DecodedShare;
    expect((await combineError([...decoded, foreign])).message).toMatch(/^Share 3 belongs to set 81C0 1122 33/);
  });
});

describe("secret material", () => {
  it("leaves the caller's secret and decoded shares untouched, and wipes on request", async () => {
    const secret = Uint8Array.from(randomBytes(32));
    const copy = secret.slice();
    const decoded = decodeAll(await splitEscrowKey(secret, { k: 2, n: 3, setId: SET_ID }));
    expect(secret).toEqual(copy);
    const before = decoded.map((d) => d.payload.slice());
    const recovered = await combineShares(decoded);
    expect(recovered).toEqual(copy);
    expect(decoded.map((d) => d.payload)).toEqual(before);
    wipeDecodedShares(decoded);
    for (const d of decoded) expect(d.payload.every((b) => b === 0)).toBe(true);
  });

  it("hands each caller its own key buffer", async () => {
    const decoded = decodeAll(await split(2, 2));
    const a = await combineShares(decoded);
    const b = await combineShares(decoded);
    a.fill(0);
    expect(b).toEqual(SECRET);
  });
});
