/**
 * Whether the card set a recovery would use is still the key's escrow (docs/architecture.md,
 * "Re-escrow"). A re-escrow revokes the old set: its cards were to be handed in and destroyed,
 * and a later bundle's set replaced it. A recovery given the old set's bundle is refused before
 * anyone signs in or types a card, whenever this workstation's key inventory recorded the
 * revocation or the later bundle is given (each later bundle is verified first).
 */
import { formatSetId, formatUtcDate } from "../common/index.ts";
import { CeremonyError } from "../errors.ts";
import { eventsOfType } from "../events/index.ts";
import type { EscrowSetRecord } from "../journal/index.ts";
import { type ExtraCheck, verifyBundle } from "../transcript/index.ts";

export interface SetRevocation {
  setId: string;
  keyLabel: string;
  byCeremony: string;
  at: string;
  supersededBy: string;
  reason: string;
  /** Where it is recorded: "this workstation's key inventory" or "the bundle at DIR". */
  where: string;
}

/** The inventory's record of an escrow set, by ID (Journal.escrowSet). */
export type EscrowSetLookup = (setId: string) => EscrowSetRecord | null;

export class RecoveryRevokedError extends CeremonyError {}

export function revocationInInventory(lookup: EscrowSetLookup, setId: string): SetRevocation | null {
  const set = lookup(setId.toLowerCase());
  if (!set?.revoked) return null;
  return { setId: set.setId, keyLabel: set.keyLabel, ...set.revoked, where: "this workstation's key inventory" };
}

/** The first later bundle (each verified) that revokes `setId`, or null. */
export async function revocationInBundles(dirs: readonly string[], setId: string, extraChecks: readonly ExtraCheck[]): Promise<SetRevocation | null> {
  for (const dir of dirs) {
    const v = await verifyBundle(dir, { extraChecks: [...extraChecks] });
    if (!v.ok || !v.transcript) {
      throw new RecoveryRevokedError(
        "RECOVERY_LATER_BUNDLE_INVALID",
        `The later bundle at ${dir} does not verify, so it cannot say whether set ${formatSetId(setId)} is still the key's escrow: ${v.failures.map((f) => f.message).join("; ")}. Give a bundle that verifies.`,
      );
    }
    for (const e of eventsOfType(v.transcript.events, "escrow.set.revoked")) {
      if (e.body.setId.toLowerCase() !== setId.toLowerCase()) continue;
      return {
        setId: e.body.setId.toLowerCase(),
        keyLabel: e.body.keyLabel,
        byCeremony: e.ceremonyId,
        at: e.time,
        supersededBy: e.body.supersededBySetId,
        reason: e.body.reason,
        where: `the bundle at ${dir}`,
      };
    }
  }
  return null;
}

/** What the officer reads before anyone types a card: which set, revoked by whom, and what to use instead. */
export function revokedSetMessage(r: SetRevocation): string {
  return (
    `Set ${formatSetId(r.setId)} of ${r.keyLabel} was REVOKED by ${r.byCeremony} on ${formatUtcDate(r.at)} (${r.reason}), as ${r.where} records; ` +
    `set ${formatSetId(r.supersededBy)} replaced it. Its cards are to be destroyed, not used: recover with the bundle of ${r.byCeremony} and the cards of set ${formatSetId(r.supersededBy)}. Nobody types a card of set ${formatSetId(r.setId)}.`
  );
}

/** Throws RECOVERY_SET_REVOKED when the set is revoked in the inventory or in a later bundle. */
export async function refuseRevokedSet(setId: string, options: { lookup?: EscrowSetLookup; laterBundles?: readonly string[]; extraChecks: readonly ExtraCheck[] }): Promise<void> {
  const found = (options.lookup ? revocationInInventory(options.lookup, setId) : null) ?? (await revocationInBundles(options.laterBundles ?? [], setId, options.extraChecks));
  if (found) throw new RecoveryRevokedError("RECOVERY_SET_REVOKED", revokedSetMessage(found));
}
