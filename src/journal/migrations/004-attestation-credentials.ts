import type { Migration } from "./migration.ts";

/**
 * Witnesses' attestation PINs, as salted scrypt hashes only, per ceremony. Kept outside the
 * events so that they never reach a transcript; kept on disk so that a ceremony resumed after a
 * crash can still check its witnesses. Deleted when the ceremony ends.
 */
export const migration004AttestationCredentials: Migration = {
  version: 4,
  name: "attestation-credentials",
  up(db) {
    db.exec(`
      CREATE TABLE attestation_credentials (
        ceremony_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        n INTEGER NOT NULL,
        r INTEGER NOT NULL,
        p INTEGER NOT NULL,
        PRIMARY KEY (ceremony_id, participant_id)
      ) STRICT;
    `);
  },
};
