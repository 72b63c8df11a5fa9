/**
 * A key's copies and whether all of them are gone (docs/architecture.md, "Key copies"). One rule,
 * used by the key inventory (`ceremony keys`, the key screen), the destruction ceremony's verdict
 * and `verify`'s recomputation of that verdict: a key is destroyed only when every copy known is
 * accounted for.
 *
 * A copy is the key on a token (where it was made, or recovered into), one share card of an
 * escrow set, or the wrapped blob of an escrow set (which k cards of that set unwrap).
 */
import { formatFingerprintPrefix, formatKeyId, formatSetId, formatUtcDate } from "./format.ts";

/**
 * present: as far as anyone recorded, it still exists. destroyed: a token copy destroyed, or
 * declared destroyed, under witness. collected-and-destroyed: a card or wrapped blob handed in and
 * destroyed in front of witnesses. unknown: declared lost; nobody can say it is gone.
 */
export const COPY_STATUSES = ["present", "destroyed", "collected-and-destroyed", "unknown"] as const;
export type CopyStatus = (typeof COPY_STATUSES)[number];

interface CopyFate {
  status: CopyStatus;
  /** The ceremony that destroyed, collected or declared it; null while present. */
  by: string | null;
  /** UTC ISO-8601, when `by` recorded it. */
  at: string | null;
  /** How, in the officer's words, for a declared copy ("token zeroised 2026-05-01"). */
  note: string | null;
}

export interface TokenCopy extends CopyFate {
  kind: "token";
  tokenSerial: string;
  tokenLabel: string;
  /** CKA_ID, hex. */
  id: string;
  /** The ceremony that made the key there or recovered it into that token, if known. */
  origin: string | null;
}

export interface CardCopy extends CopyFate {
  kind: "card";
  setId: string;
  card: number;
  holder: string;
  /** SHA-256 of the share, as printed on the card. */
  fingerprint: string;
}

export interface WrappedKeyCopy extends CopyFate {
  kind: "wrapped-key";
  setId: string;
  sha256: string;
  /** Where the bundle keeps it, e.g. escrow/KEK-01.wrapped. */
  path: string;
  /** The ceremony whose bundle holds it. */
  ceremonyId: string;
}

export type KeyCopy = TokenCopy | CardCopy | WrappedKeyCopy;

export type CopiesVerdict = "destroyed" | "partly-destroyed" | "not-destroyed";

/** Whether a copy is gone under witness (destroyed, or collected and destroyed). */
export function isAccountedFor(copy: Pick<KeyCopy, "status">): boolean {
  return copy.status === "destroyed" || copy.status === "collected-and-destroyed";
}

/**
 * destroyed: every copy is accounted for. partly-destroyed: a copy on a token was destroyed, yet
 * something remains. not-destroyed: no token copy was destroyed (retired cards of a re-split do
 * not make a key partly destroyed).
 */
export function copiesVerdict(copies: readonly KeyCopy[]): CopiesVerdict {
  if (copies.length > 0 && copies.every(isAccountedFor)) return "destroyed";
  return copies.some((c) => c.kind === "token" && isAccountedFor(c)) ? "partly-destroyed" : "not-destroyed";
}

/** The copies that are not accounted for, in the order given. */
export function remainingCopies<T extends Pick<KeyCopy, "status">>(copies: readonly T[]): T[] {
  return copies.filter((c) => !isAccountedFor(c));
}

/** The verdict in the words every surface uses: terminal, key screen, witness sheet, transcript summary. */
export function verdictText(verdict: CopiesVerdict): string {
  switch (verdict) {
    case "destroyed":
      return "DESTROYED — every copy accounted for";
    case "partly-destroyed":
      return "PARTLY DESTROYED — copies remain";
    case "not-destroyed":
      return "not destroyed";
  }
}

/** What the copy is and where, in one line: "token demo-recovery (serial 5A3C…), ID 3F9A 0C1D". */
export function describeCopy(copy: KeyCopy): string {
  switch (copy.kind) {
    case "token":
      return `copy on token ${copy.tokenLabel} (serial ${copy.tokenSerial}), ID ${formatKeyId(copy.id)}`;
    case "card":
      return `card ${copy.card} of escrow set ${formatSetId(copy.setId)} (held by ${copy.holder}), share fingerprint ${formatFingerprintPrefix(copy.fingerprint)}`;
    case "wrapped-key":
      return `wrapped key of escrow set ${formatSetId(copy.setId)}, SHA-256 ${formatFingerprintPrefix(copy.sha256)} (${copy.path} of bundle ${copy.ceremonyId}, and printed on each card)`;
  }
}

/** Its fate in words: "present", "destroyed 2026-05-01 by key-destruction-…", "LOST (status unknown)". */
export function describeFate(copy: KeyCopy): string {
  const when = copy.at ? ` ${formatUtcDate(copy.at)}` : "";
  const by = copy.by ? ` by ${copy.by}` : "";
  const note = copy.note ? ` (${copy.note})` : "";
  switch (copy.status) {
    case "present":
      return "PRESENT";
    case "destroyed":
      return `destroyed${when}${by}${note}`;
    case "collected-and-destroyed":
      return `collected and destroyed${when}${by}${note}`;
    case "unknown":
      return `LOST, status unknown${when ? ` since${when}` : ""}${by ? `, declared${by}` : ""}${note}`;
  }
}

/** Where what remains is, one line per copy: for the "remains" list of every surface. */
export function describeRemaining(copies: readonly KeyCopy[]): string[] {
  return remainingCopies(copies).map((c) => `${describeCopy(c)}: ${describeFate(c)}`);
}

/** What identifies a copy among a key's copies: the token and CKA_ID, the set and card number, or the set's blob. */
export function copyIdentity(copy: KeyCopy): string {
  switch (copy.kind) {
    case "token":
      return `token:${copy.tokenSerial}:${copy.id.toLowerCase()}`;
    case "card":
      return `card:${copy.setId.toLowerCase()}:${copy.card}`;
    case "wrapped-key":
      return `wrapped-key:${copy.setId.toLowerCase()}`;
  }
}
