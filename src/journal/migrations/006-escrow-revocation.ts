import type { Migration } from "./migration.ts";

/**
 * A re-escrow revokes a key's card set (docs/architecture.md, "Re-escrow"): the set keeps its
 * cards and wrapped blob as copies of the key (each handed in and destroyed, lost, or still out),
 * and records which ceremony revoked it, when, why, and the set that supersedes it. A recovery
 * given the revoked set's bundle is refused. Once revoked, a set stays revoked.
 *
 * No journal written before this version holds a revocation, so nothing is backfilled.
 */
export const migration006EscrowRevocation: Migration = {
  version: 6,
  name: "escrow-revocation",
  up(db) {
    db.exec(`
      ALTER TABLE escrow_sets ADD COLUMN revoked_by TEXT;
      ALTER TABLE escrow_sets ADD COLUMN revoked_at TEXT;
      ALTER TABLE escrow_sets ADD COLUMN superseded_by_set TEXT;
      ALTER TABLE escrow_sets ADD COLUMN revoke_reason TEXT;
      CREATE TRIGGER escrow_sets_stay_revoked BEFORE UPDATE OF revoked_by, revoked_at, superseded_by_set, revoke_reason ON escrow_sets
        WHEN OLD.revoked_by IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a revoked escrow set stays revoked, by the ceremony that revoked it'); END;
    `);
  },
};
