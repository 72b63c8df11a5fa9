/**
 * Splits the 32-byte escrow key k-of-n with shamir-secret-sharing and wraps each share in the
 * envelope. The library returns each share as y-bytes ‖ x (x in the last byte, its src/index.ts
 * `split`); those arrays are wiped once encoded. The library's own per-byte coefficient arrays
 * are internal to it and cannot be reached to wipe.
 */
import { split } from "shamir-secret-sharing";

import { wipe } from "../errors.ts";
import type { EncodedShare } from "./share-encode.ts";
import { encodeShareEnvelope } from "./share-encode.ts";
import { ESCROW_KEY_LENGTH, MAX_SHARES, SET_ID_LENGTH, SHARE_FORMAT_VERSION } from "./share-envelope.ts";

export interface SplitOptions {
  /** Shares needed to recover, 2..n. */
  k: number;
  /** Shares made, k..255. */
  n: number;
  /** SET_ID_LENGTH random bytes; in a ceremony from the HSM's generator. */
  setId: Uint8Array;
}

export async function splitEscrowKey(secret: Uint8Array, options: SplitOptions): Promise<EncodedShare[]> {
  checkSplitArguments(secret, options);
  const { k, n, setId } = options;
  // The library insists on secret.constructor === Uint8Array, which a Buffer fails.
  const plain = secret.constructor === Uint8Array ? undefined : Uint8Array.from(secret);
  let raw: Uint8Array[] = [];
  try {
    raw = await split(plain ?? secret, n, k);
    return raw.map((share) =>
      encodeShareEnvelope({
        version: SHARE_FORMAT_VERSION,
        setId,
        k,
        n,
        index: share[ESCROW_KEY_LENGTH] ?? 0,
        payload: share.subarray(0, ESCROW_KEY_LENGTH),
      }),
    );
  } finally {
    wipe(plain, ...raw);
  }
}

function checkSplitArguments(secret: Uint8Array, { k, n, setId }: SplitOptions): void {
  if (!(secret instanceof Uint8Array)) throw new TypeError("splitEscrowKey: secret must be a Uint8Array");
  if (secret.length !== ESCROW_KEY_LENGTH) {
    throw new RangeError(`splitEscrowKey: secret must be ${ESCROW_KEY_LENGTH} bytes, got ${secret.length}`);
  }
  if (!(setId instanceof Uint8Array)) throw new TypeError("splitEscrowKey: setId must be a Uint8Array");
  if (setId.length !== SET_ID_LENGTH) {
    throw new RangeError(`splitEscrowKey: setId must be ${SET_ID_LENGTH} bytes, got ${setId.length}`);
  }
  if (!Number.isInteger(k) || k < 2 || k > MAX_SHARES) throw new RangeError(`splitEscrowKey: k must be an integer 2..255, got ${k}`);
  if (!Number.isInteger(n) || n < k || n > MAX_SHARES) throw new RangeError(`splitEscrowKey: n must be an integer k..255, got ${n}`);
}
