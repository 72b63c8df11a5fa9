import { describe, expect, it } from "vitest";

import {
  KcvMismatchError,
  KeyUnwrapError,
  decodeShare,
  splitEscrowKey,
  verifyEscrowOffline,
  wrapKeyWithPadding,
} from "../../../src/escrow/index.ts";
import { SET_ID } from "./fixtures.ts";

// docs/architecture.md's KCV vector key stands in for the master key.
const MASTER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const EXPECTED = { ecb0: "F29000", cmac: "377822C093" };

async function escrow(escrowKey: Uint8Array) {
  const cards = await splitEscrowKey(escrowKey, { k: 2, n: 3, setId: SET_ID });
  return {
    wrapped: wrapKeyWithPadding(escrowKey, MASTER_KEY),
    shares: cards.map((c, i) => decodeShare(c.words.join(" "), { label: `share from card ${i + 1}` })),
  };
}

describe("verifyEscrowOffline", () => {
  const escrowKey = Uint8Array.from({ length: 32 }, (_, i) => 0xee ^ (i * 3));

  it("recovers the master key's KCVs from k cards and the wrapped blob", async () => {
    const { wrapped, shares } = await escrow(escrowKey);
    await expect(verifyEscrowOffline({ wrapped, shares: shares.slice(1), expected: EXPECTED })).resolves.toEqual({
      setId: "3F9A81C0D2",
      kcv: EXPECTED,
    });
  });

  it("accepts expected KCVs in lower case", async () => {
    const { wrapped, shares } = await escrow(escrowKey);
    const expected = { ecb0: "f29000", cmac: "377822c093" };
    await expect(verifyEscrowOffline({ wrapped, shares, expected })).resolves.toMatchObject({ kcv: EXPECTED });
  });

  it("says which KCV differs from the transcript", async () => {
    const { wrapped, shares } = await escrow(escrowKey);
    const error = await verifyEscrowOffline({ wrapped, shares, expected: { ecb0: "F29001", cmac: "377822C093" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KcvMismatchError);
    expect((error as KcvMismatchError).message).toBe(
      "The recovered key's KCV-ECB0 is F29000, but the transcript says F29001: this is not the escrowed key. " +
        "Stop, and tell the ceremony administrator.",
    );
  });

  it("fails the RFC 5649 integrity check when the cards belong to another escrow", async () => {
    const { wrapped } = await escrow(escrowKey);
    const other = await escrow(escrowKey.map((b) => b ^ 0xff));
    await expect(verifyEscrowOffline({ wrapped, shares: other.shares })).rejects.toThrow(KeyUnwrapError);
  });
});
