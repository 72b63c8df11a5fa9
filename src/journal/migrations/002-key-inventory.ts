import type { Migration } from "./migration.ts";

/**
 * Every key a ceremony creates or uses, identified as PKCS#11 identifies it: token serial and
 * CKA_ID. A key is recognised by its SPKI fingerprint (asymmetric) or by both check values
 * (symmetric, docs/architecture.md "Key check values"), never both and never neither. Destroyed keys stay
 * listed: the inventory is also the record that they are gone.
 */
export const migration002KeyInventory: Migration = {
  version: 2,
  name: "key-inventory",
  up(db) {
    db.exec(`
      CREATE TABLE keys (
        token_serial TEXT NOT NULL,
        cka_id TEXT NOT NULL,
        label TEXT NOT NULL,
        token_label TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        purpose TEXT NOT NULL,
        spki_sha256 TEXT,
        kcv_ecb0 TEXT,
        kcv_cmac TEXT,
        created_at TEXT NOT NULL,
        created_by_ceremony TEXT,
        retired_at TEXT,
        destroyed_at TEXT,
        destroyed_by_ceremony TEXT,
        rotation_due_at TEXT,
        PRIMARY KEY (token_serial, cka_id),
        UNIQUE (token_serial, label),
        CHECK ((spki_sha256 IS NOT NULL AND kcv_ecb0 IS NULL AND kcv_cmac IS NULL)
            OR (spki_sha256 IS NULL AND kcv_ecb0 IS NOT NULL AND kcv_cmac IS NOT NULL)),
        CHECK ((destroyed_at IS NULL) = (destroyed_by_ceremony IS NULL))
      ) STRICT;
      CREATE TRIGGER keys_stay_listed BEFORE DELETE ON keys
        BEGIN SELECT RAISE(ABORT, 'keys are never removed from the inventory; mark them destroyed'); END;
    `);
  },
};
