/**
 * The share envelope, format version 1: what one card carries, as 41 canonical bytes.
 *
 *   offset  length  field
 *   0       1       version = 0x01
 *   1       5       set ID, random per split (from the HSM's generator in a ceremony)
 *   6       1       k, the threshold, 2..255
 *   7       1       n, the number of shares, k..255
 *   8       1       x, the share's Shamir x-coordinate (index), 1..255; x = 0 would be the secret
 *   9       32      y, one byte of the share per byte of the 32-byte escrow key
 *
 * The fields are fixed-size so the word count is too (33 words), and a missing or extra word is
 * caught by counting before anything else. The set ID is 40 bits: enough that shares of two
 * different splits are told apart by accident only with probability 2^-40; it is not a security
 * control (a share is not authenticated; the RFC 5649 integrity check and the KCVs are).
 * docs/share-format.md is the normative description.
 */
import { createHash } from "node:crypto";

import { MalformedShareError } from "./share-errors.ts";

export const SHARE_FORMAT_VERSION = 1;
export const SET_ID_LENGTH = 5;
export const ESCROW_KEY_LENGTH = 32;
export const ENVELOPE_LENGTH = 1 + SET_ID_LENGTH + 3 + ESCROW_KEY_LENGTH;
export const MAX_SHARES = 255;

export interface ShareEnvelope {
  readonly version: number;
  readonly setId: Uint8Array;
  readonly k: number;
  readonly n: number;
  /** The Shamir x-coordinate, 1..255. shamir-secret-sharing picks it at random; it is not the card number. */
  readonly index: number;
  /** The Shamir y-values: secret material, wipe after use. */
  readonly payload: Uint8Array;
}

/** Why an envelope's fields cannot be a share, or undefined when they can. */
export function envelopeProblem(e: Omit<ShareEnvelope, "payload" | "setId">): string | undefined {
  if (e.index === 0) return "its index (x) is 0, which would be the secret itself";
  if (!Number.isInteger(e.index) || e.index < 1 || e.index > MAX_SHARES) return `its index ${e.index} is outside 1..255`;
  if (!Number.isInteger(e.k) || e.k < 2 || e.k > MAX_SHARES) return `its threshold k = ${e.k} is outside 2..255`;
  if (!Number.isInteger(e.n) || e.n < e.k || e.n > MAX_SHARES) return `it says ${e.k} of ${e.n}, but n must be k..255`;
  return undefined;
}

/** The canonical bytes; the caller wipes them. Throws RangeError for fields no share can have. */
export function serializeShareEnvelope(e: ShareEnvelope): Uint8Array {
  if (e.version !== SHARE_FORMAT_VERSION) throw new RangeError(`version must be ${SHARE_FORMAT_VERSION}, got ${e.version}`);
  if (!(e.setId instanceof Uint8Array)) throw new TypeError("setId must be a Uint8Array");
  if (e.setId.length !== SET_ID_LENGTH) throw new RangeError(`setId must be ${SET_ID_LENGTH} bytes, got ${e.setId.length}`);
  if (!(e.payload instanceof Uint8Array)) throw new TypeError("payload must be a Uint8Array");
  if (e.payload.length !== ESCROW_KEY_LENGTH) {
    throw new RangeError(`payload must be ${ESCROW_KEY_LENGTH} bytes, got ${e.payload.length}`);
  }
  const problem = envelopeProblem(e);
  if (problem) throw new RangeError(`share envelope: ${problem}`);
  const bytes = new Uint8Array(ENVELOPE_LENGTH);
  bytes[0] = e.version;
  bytes.set(e.setId, 1);
  bytes[1 + SET_ID_LENGTH] = e.k;
  bytes[2 + SET_ID_LENGTH] = e.n;
  bytes[3 + SET_ID_LENGTH] = e.index;
  bytes.set(e.payload, 4 + SET_ID_LENGTH);
  return bytes;
}

/**
 * Reads canonical bytes whose checksum already held. The payload is a copy the caller owns.
 * Rejects what a crafted card could still say: x = 0, impossible k or n.
 */
export function parseShareEnvelope(bytes: Uint8Array, label: string): ShareEnvelope {
  if (bytes.length !== ENVELOPE_LENGTH) throw new RangeError(`envelope must be ${ENVELOPE_LENGTH} bytes, got ${bytes.length}`);
  const fields = {
    version: bytes[0] ?? 0,
    k: bytes[1 + SET_ID_LENGTH] ?? 0,
    n: bytes[2 + SET_ID_LENGTH] ?? 0,
    index: bytes[3 + SET_ID_LENGTH] ?? 0,
  };
  const problem = envelopeProblem(fields);
  if (problem) throw new MalformedShareError(label, problem);
  return {
    ...fields,
    setId: bytes.slice(1, 1 + SET_ID_LENGTH),
    payload: bytes.slice(4 + SET_ID_LENGTH),
  };
}

/** SHA-256 of the canonical bytes, lowercase hex: what the transcript records for each card. */
export function shareFingerprint(canonicalBytes: Uint8Array): string {
  return createHash("sha256").update(canonicalBytes).digest("hex");
}

/** Set IDs are shown and compared as uppercase hex, e.g. "3F9A81C0D2". */
export function setIdHex(setId: Uint8Array): string {
  return Buffer.from(setId).toString("hex").toUpperCase();
}
