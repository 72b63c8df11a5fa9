import type { Migration } from "./migration.ts";

/**
 * The last CRL number issued per issuer. RFC 5280 §5.2.3 requires CRL numbers to increase
 * monotonically for a given issuer, so a number, once handed out, is never handed out again —
 * even if the ceremony that took it aborted before the CRL was signed.
 */
export const migration003CrlNumbers: Migration = {
  version: 3,
  name: "crl-numbers",
  up(db) {
    db.exec(`
      CREATE TABLE crl_numbers (
        issuer_label TEXT PRIMARY KEY,
        last_number INTEGER NOT NULL CHECK (last_number > 0)
      ) STRICT;
      CREATE TRIGGER crl_numbers_only_grow BEFORE UPDATE ON crl_numbers
        WHEN NEW.last_number <= OLD.last_number
        BEGIN SELECT RAISE(ABORT, 'CRL numbers only grow'); END;
      CREATE TRIGGER crl_numbers_never_forgotten BEFORE DELETE ON crl_numbers
        BEGIN SELECT RAISE(ABORT, 'CRL numbers are never forgotten'); END;
    `);
  },
};
