/**
 * Checked shares → the escrow key. shamir-secret-sharing interpolates whatever it is given, so
 * every way shares can fail to belong together is checked first: different set, different k or
 * n under one set ID, the same index twice, fewer than k. When more than k shares are given,
 * the extra ones must lie on the polynomial the first k define, which catches an altered card
 * that still checks. Exactly k shares cannot be cross-checked; the RFC 5649 integrity check and
 * the KCVs after unwrapping are what accept a reconstruction (docs/architecture.md, Shares).
 *
 * The caller's shares are read, never modified; the caller owns and wipes the returned key.
 */
import { timingSafeEqual } from "node:crypto";

import { combine } from "shamir-secret-sharing";

import { wipe } from "../errors.ts";
import { gf256LagrangeWeights, gf256Mul } from "./gf256.ts";
import type { DecodedShare } from "./share-decode.ts";
import { ESCROW_KEY_LENGTH, SHARE_FORMAT_VERSION, envelopeProblem } from "./share-envelope.ts";
import {
  DuplicateShareError,
  InconsistentShareError,
  MalformedShareError,
  ShareParameterMismatchError,
  ShareSetMismatchError,
  TooFewSharesError,
} from "./share-errors.ts";

const MIN_THRESHOLD = 2;

export async function combineShares(shares: readonly DecodedShare[]): Promise<Uint8Array> {
  if (!Array.isArray(shares)) throw new TypeError("combineShares: shares must be an array");
  if (shares.length === 0) throw new TooFewSharesError(0, MIN_THRESHOLD);
  const labelled = shares.map((share, i) => ({ share, label: share.label || `share ${i + 1}` }));
  for (const { share, label } of labelled) checkStructure(share, label);
  checkSameSet(labelled);
  checkSameParameters(labelled);
  checkDistinctIndices(labelled);
  const { k } = labelled[0]?.share ?? { k: MIN_THRESHOLD };
  if (shares.length < k) throw new TooFewSharesError(shares.length, k);

  const basis = labelled.slice(0, k);
  const secret = await interpolate(basis.map((l) => l.share));
  try {
    for (const extra of labelled.slice(k)) {
      if (!liesOnPolynomial(basis.map((l) => l.share), extra.share)) {
        throw new InconsistentShareError(extra.label, basis.map((l) => l.label));
      }
    }
  } catch (error) {
    wipe(secret);
    throw error;
  }
  return secret;
}

type Labelled = { share: DecodedShare; label: string };

/** Decoded shares are checked already; this guards objects built by hand. */
function checkStructure(share: DecodedShare, label: string): void {
  if (share.version !== SHARE_FORMAT_VERSION) throw new MalformedShareError(label, `its version is ${share.version}`);
  if (!(share.payload instanceof Uint8Array) || share.payload.length !== ESCROW_KEY_LENGTH) {
    throw new MalformedShareError(label, `its payload is not ${ESCROW_KEY_LENGTH} bytes`);
  }
  const problem = envelopeProblem(share);
  if (problem) throw new MalformedShareError(label, problem);
}

function checkSameSet(labelled: readonly Labelled[]): void {
  const majority = mostCommon(labelled.map((l) => l.share.setId));
  const strays = labelled.filter((l) => l.share.setId !== majority);
  if (strays.length > 0) {
    throw new ShareSetMismatchError(
      strays.map((l) => ({ label: l.label, setId: l.share.setId })),
      majority,
    );
  }
}

function checkSameParameters(labelled: readonly Labelled[]): void {
  const key = (s: DecodedShare): string => `${s.k}/${s.n}`;
  const majority = mostCommon(labelled.map((l) => key(l.share)));
  const stray = labelled.find((l) => key(l.share) !== majority);
  if (stray) {
    const [k, n] = majority.split("/").map(Number);
    throw new ShareParameterMismatchError(stray.label, { k: stray.share.k, n: stray.share.n }, { k: k ?? 0, n: n ?? 0 });
  }
}

function checkDistinctIndices(labelled: readonly Labelled[]): void {
  const seen = new Map<number, Labelled>();
  for (const current of labelled) {
    const earlier = seen.get(current.share.index);
    if (earlier) {
      const identical = timingSafeEqual(earlier.share.payload, current.share.payload);
      throw new DuplicateShareError([earlier.label, current.label], current.share.index, identical);
    }
    seen.set(current.share.index, current);
  }
}

/** The most frequent value; ties go to the one seen first, so the first card sets the norm. */
function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? "";
  for (const [value, count] of counts) if (count > (counts.get(best) ?? 0)) best = value;
  return best;
}

/** The library wants each share as y ‖ x in a plain Uint8Array; those copies are wiped. */
async function interpolate(basis: readonly DecodedShare[]): Promise<Uint8Array> {
  const libraryShares = basis.map((s) => {
    const bytes = new Uint8Array(ESCROW_KEY_LENGTH + 1);
    bytes.set(s.payload);
    bytes[ESCROW_KEY_LENGTH] = s.index;
    return bytes;
  });
  try {
    return await combine(libraryShares);
  } finally {
    wipe(...libraryShares);
  }
}

/** Whether Σ ℓ_i(x_extra)·y_i equals the extra share's y, byte for byte. */
function liesOnPolynomial(basis: readonly DecodedShare[], extra: DecodedShare): boolean {
  const weights = gf256LagrangeWeights(
    basis.map((s) => s.index),
    extra.index,
  );
  let difference = 0;
  for (let b = 0; b < ESCROW_KEY_LENGTH; b++) {
    let y = 0;
    basis.forEach((s, i) => {
      y ^= gf256Mul(weights[i] ?? 0, s.payload[b] ?? 0);
    });
    difference |= y ^ (extra.payload[b] ?? 0);
  }
  weights.fill(0);
  return difference === 0;
}
