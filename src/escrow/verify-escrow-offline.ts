/**
 * The offline verifier: cards + the wrapped key from the bundle → the KCVs of the escrowed key,
 * with no HSM. It proves that a set of cards recovers the key (the read-back before holders
 * leave, an audit years later) and leaves no copy behind: the escrow key and the unwrapped key
 * are wiped before it returns. Recovery into an HSM is src/hsm's job.
 */
import { CeremonyError, wipe } from "../errors.ts";
import { combineShares } from "./combine-shares.ts";
import type { DecodedShare } from "./share-decode.ts";
import type { KeyCheckValues } from "./kcv.ts";
import { keyCheckValues } from "./kcv.ts";
import { unwrapKeyWithPadding } from "./key-wrap.ts";

export class KcvMismatchError extends CeremonyError {
  constructor(
    readonly which: "KCV-ECB0" | "KCV-CMAC",
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      "ESCROW_KCV_MISMATCH",
      `The recovered key's ${which} is ${actual}, but the transcript says ${expected}: this is not the escrowed key. ` +
        `Stop, and tell the ceremony administrator.`,
    );
  }
}

export interface OfflineVerification {
  /** The shares' set ID, uppercase hex. */
  readonly setId: string;
  readonly kcv: KeyCheckValues;
}

export async function verifyEscrowOffline(input: {
  wrapped: Uint8Array;
  shares: readonly DecodedShare[];
  /** The KCVs from the transcript; when given, both must match. */
  expected?: KeyCheckValues;
}): Promise<OfflineVerification> {
  const escrowKey = await combineShares(input.shares);
  let key: Uint8Array | undefined;
  try {
    key = unwrapKeyWithPadding(escrowKey, input.wrapped);
    const kcv = keyCheckValues(key);
    if (input.expected) {
      if (input.expected.ecb0.toUpperCase() !== kcv.ecb0) throw new KcvMismatchError("KCV-ECB0", input.expected.ecb0, kcv.ecb0);
      if (input.expected.cmac.toUpperCase() !== kcv.cmac) throw new KcvMismatchError("KCV-CMAC", input.expected.cmac, kcv.cmac);
    }
    return { setId: input.shares[0]?.setId ?? "", kcv };
  } finally {
    wipe(escrowKey, key);
  }
}
