import type { Migration } from "./migration.ts";

/**
 * The hash-chained event log. Only the canonical record bytes are stored, with their leaf and head
 * (docs/architecture.md "Journal chain"); no column repeats a record member, so there is one source of truth
 * to verify. The triggers stop this program's own bugs from rewriting history; they do not stop
 * someone with the file, which is what the chain is for.
 */
export const migration001Events: Migration = {
  version: 1,
  name: "events",
  up(db) {
    db.exec(`
      CREATE TABLE events (
        ceremony_id TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        record BLOB NOT NULL,
        leaf BLOB NOT NULL CHECK (length(leaf) = 32),
        head BLOB NOT NULL CHECK (length(head) = 32),
        PRIMARY KEY (ceremony_id, seq)
      ) STRICT;
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;
      CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END;
    `);
  },
};
