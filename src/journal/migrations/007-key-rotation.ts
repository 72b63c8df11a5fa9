import type { Migration } from "./migration.ts";

/**
 * Rotation links (issue 15): a key replaced by a rotation ceremony names its successor (token
 * serial and CKA_ID, the same identity the keys table uses), when and by which ceremony, and the
 * date by which it is to be destroyed after the overlap the rotation script set (a KEK), or none
 * (an old root keeps signing CRLs for what it issued). The successor's side of the link is found
 * by looking the other way, so the link is stored once and cannot disagree with itself.
 */
export const migration007KeyRotation: Migration = {
  version: 7,
  name: "key-rotation",
  up(db) {
    db.exec(`
      ALTER TABLE keys ADD COLUMN superseded_by_token_serial TEXT;
      ALTER TABLE keys ADD COLUMN superseded_by_cka_id TEXT;
      ALTER TABLE keys ADD COLUMN superseded_at TEXT;
      ALTER TABLE keys ADD COLUMN superseded_by_ceremony TEXT;
      ALTER TABLE keys ADD COLUMN destruction_due_at TEXT;
    `);
  },
};
