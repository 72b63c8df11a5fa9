import { PrintInputError } from "./errors.ts";
import { requireArray, requireHex, requireInteger, requireText } from "./validate.ts";

/**
 * A re-escrow's two card sets, for the witness sheet and the transcript summary (docs/architecture.md,
 * "Re-escrow"): the old set, revoked, the new set that supersedes it, and the fate of each old card.
 */
export interface PrintedReEscrow {
  keyLabel: string;
  /** Why, in words: "a share holder left: Ivo Holder left the company (HR ticket 4411)". */
  why: string;
  oldSet: PrintedCardSet & { splitBy: string };
  newSet: PrintedCardSet;
  /** False while the ceremony has not reached its revocation (aborted before it): the old set still stands. */
  revoked: boolean;
  oldCards: ReadonlyArray<{ card: number; holder: string; fingerprint: string; fate: "collected" | "lost" | "outstanding" }>;
}

export interface PrintedCardSet {
  setId: string;
  k: number;
  n: number;
  wrappedSha256: string;
}

const FATES = ["collected", "lost", "outstanding"] as const;

function validateSet(set: PrintedCardSet | undefined, path: string): void {
  requireHex(set?.setId, `${path}.setId`);
  requireInteger(set!.k, `${path}.k`, 1, 255);
  requireInteger(set!.n, `${path}.n`, set!.k, 255);
  requireHex(set!.wrappedSha256, `${path}.wrappedSha256`, 64);
}

export function validateReEscrow(input: PrintedReEscrow | undefined, path = "reEscrow"): void {
  if (input === undefined) return;
  requireText(input.keyLabel, `${path}.keyLabel`, 64);
  requireText(input.why, `${path}.why`, 400);
  validateSet(input.oldSet, `${path}.oldSet`);
  requireText(input.oldSet.splitBy, `${path}.oldSet.splitBy`, 200);
  validateSet(input.newSet, `${path}.newSet`);
  if (typeof input.revoked !== "boolean") throw new PrintInputError(`${path}.revoked`, "must be true or false");
  requireArray(input.oldCards, `${path}.oldCards`, 1).forEach((c, i) => {
    requireInteger(c?.card, `${path}.oldCards[${i}].card`, 1, 255);
    requireText(c.holder, `${path}.oldCards[${i}].holder`, 200);
    requireHex(c.fingerprint, `${path}.oldCards[${i}].fingerprint`, 64);
    if (!FATES.includes(c.fate)) throw new PrintInputError(`${path}.oldCards[${i}].fate`, `must be one of ${FATES.join(", ")}`);
  });
}
