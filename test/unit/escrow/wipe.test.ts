/**
 * What our code hands to and gets from shamir-secret-sharing holds secret material; the library
 * is wrapped here so the test can see those buffers after our functions return.
 */
import type * as Shamir from "shamir-secret-sharing";
import { describe, expect, it, vi } from "vitest";

import type { DecodedShare } from "../../../src/escrow/index.ts";
import { combineShares, decodeShare, splitEscrowKey, verifyEscrowOffline, wrapKeyWithPadding } from "../../../src/escrow/index.ts";
import { SET_ID } from "./fixtures.ts";

const seen = vi.hoisted(() => ({ splitOutputs: [] as Uint8Array[], combineInputs: [] as Uint8Array[], combineOutputs: [] as Uint8Array[] }));

vi.mock("shamir-secret-sharing", async (importOriginal) => {
  const library = await importOriginal<typeof Shamir>();
  return {
    split: async (secret: Uint8Array, n: number, k: number) => {
      const shares = await library.split(secret, n, k);
      seen.splitOutputs.push(...shares);
      return shares;
    },
    combine: async (shares: Uint8Array[]) => {
      seen.combineInputs.push(...shares);
      const secret = await library.combine(shares);
      seen.combineOutputs.push(secret);
      return secret;
    },
  };
});

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

describe("wiping secret temporaries", () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => 0x5a ^ i);

  it("splitEscrowKey wipes the library's shares once encoded, and not the caller's secret", async () => {
    seen.splitOutputs.length = 0;
    const shares = await splitEscrowKey(secret, { k: 3, n: 5, setId: SET_ID });
    expect(seen.splitOutputs).toHaveLength(5);
    expect(seen.splitOutputs.every(allZero)).toBe(true);
    expect(secret).toEqual(Uint8Array.from({ length: 32 }, (_, i) => 0x5a ^ i));
    expect(shares).toHaveLength(5);
  });

  it("combineShares wipes the y ‖ x copies it gave the library, and returns the key", async () => {
    const decoded = (await splitEscrowKey(secret, { k: 2, n: 3, setId: SET_ID })).map((s) => decodeShare(s.qrText));
    seen.combineInputs.length = 0;
    const key = await combineShares(decoded);
    expect(key).toEqual(secret);
    expect(seen.combineInputs).toHaveLength(2);
    expect(seen.combineInputs.every(allZero)).toBe(true);
    expect(decoded.every((d) => !allZero(d.payload))).toBe(true);
  });

  it("combineShares wipes the key it recovered when a later check fails", async () => {
    const decoded = (await splitEscrowKey(secret, { k: 2, n: 3, setId: SET_ID })).map((s) => decodeShare(s.qrText));
    const altered: DecodedShare = { ...(decoded[2] as DecodedShare), payload: (decoded[2] as DecodedShare).payload.map((b) => b ^ 1) };
    seen.combineOutputs.length = 0;
    await expect(combineShares([decoded[0] as DecodedShare, decoded[1] as DecodedShare, altered])).rejects.toThrow(/does not agree/);
    expect(seen.combineOutputs).toHaveLength(1);
    expect(seen.combineOutputs.every(allZero)).toBe(true);
  });

  it("verifyEscrowOffline wipes the escrow key it recovered", async () => {
    const kek = Uint8Array.from({ length: 32 }, (_, i) => i);
    const decoded = (await splitEscrowKey(secret, { k: 2, n: 2, setId: SET_ID })).map((s) => decodeShare(s.qrText));
    seen.combineOutputs.length = 0;
    const result = await verifyEscrowOffline({ wrapped: wrapKeyWithPadding(secret, kek), shares: decoded });
    expect(result.kcv).toEqual({ ecb0: "F29000", cmac: "377822C093" });
    expect(seen.combineOutputs.every(allZero)).toBe(true);
  });
});
