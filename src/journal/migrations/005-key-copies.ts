import type BetterSqlite3 from "better-sqlite3";
import type { RecordedEvent } from "../../events/index.ts";
import { deliveredEscrowSets } from "../../events/key-copies.ts";
import type { Migration } from "./migration.ts";

/**
 * A key's copies beyond the tokens that hold it (docs/architecture.md, "Key copies"): each escrow
 * set of a key (set ID, k of n, the wrapped blob and the ceremony whose bundle holds it) and each
 * of its share cards (number, holder, share fingerprint), with what became of each: present,
 * collected and destroyed in front of witnesses, or lost (unknown). The key is the label and both
 * check values, as in `keys`. A copy on a token stays a row of `keys`; `destroyed_note` says how a
 * copy destroyed elsewhere was declared.
 *
 * Journals written before this version get their sets and cards from their events (all present:
 * nothing destroyed cards before).
 */
export const migration005KeyCopies: Migration = {
  version: 5,
  name: "key-copies",
  up(db) {
    db.exec(`
      CREATE TABLE escrow_sets (
        set_id TEXT PRIMARY KEY,
        key_label TEXT NOT NULL,
        kcv_ecb0 TEXT NOT NULL,
        kcv_cmac TEXT NOT NULL,
        k INTEGER NOT NULL CHECK (k >= 1),
        n INTEGER NOT NULL CHECK (n >= k),
        wrapped_sha256 TEXT NOT NULL CHECK (length(wrapped_sha256) = 64),
        wrapped_path TEXT NOT NULL,
        ceremony_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        wrapped_status TEXT NOT NULL DEFAULT 'present' CHECK (wrapped_status IN ('present', 'collected-and-destroyed', 'unknown')),
        wrapped_by TEXT,
        wrapped_at TEXT,
        wrapped_note TEXT,
        CHECK ((wrapped_status = 'present') = (wrapped_by IS NULL))
      ) STRICT;
      CREATE TABLE escrow_cards (
        set_id TEXT NOT NULL REFERENCES escrow_sets (set_id),
        card INTEGER NOT NULL CHECK (card >= 1),
        holder TEXT NOT NULL,
        fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
        status TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'collected-and-destroyed', 'unknown')),
        status_by TEXT,
        status_at TEXT,
        note TEXT,
        PRIMARY KEY (set_id, card),
        CHECK ((status = 'present') = (status_by IS NULL))
      ) STRICT;
      CREATE TRIGGER escrow_sets_stay_listed BEFORE DELETE ON escrow_sets
        BEGIN SELECT RAISE(ABORT, 'escrow sets are never removed from the inventory; mark their copies destroyed'); END;
      CREATE TRIGGER escrow_cards_stay_listed BEFORE DELETE ON escrow_cards
        BEGIN SELECT RAISE(ABORT, 'share cards are never removed from the inventory; mark them destroyed'); END;
      CREATE TRIGGER escrow_cards_stay_destroyed BEFORE UPDATE OF status ON escrow_cards
        WHEN OLD.status = 'collected-and-destroyed' AND NEW.status <> OLD.status
        BEGIN SELECT RAISE(ABORT, 'a destroyed card cannot come back'); END;
      CREATE TRIGGER escrow_blobs_stay_destroyed BEFORE UPDATE OF wrapped_status ON escrow_sets
        WHEN OLD.wrapped_status = 'collected-and-destroyed' AND NEW.wrapped_status <> OLD.wrapped_status
        BEGIN SELECT RAISE(ABORT, 'a destroyed wrapped key cannot come back'); END;
      ALTER TABLE keys ADD COLUMN destroyed_note TEXT;
    `);
    backfillEscrowSets(db);
  },
};

/** Sets and cards from the events already in the journal: a card is a copy once it was delivered. */
function backfillEscrowSets(db: BetterSqlite3.Database): void {
  const insertSet = db.prepare(`INSERT OR IGNORE INTO escrow_sets (set_id, key_label, kcv_ecb0, kcv_cmac, k, n, wrapped_sha256, wrapped_path, ceremony_id, recorded_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertCard = db.prepare("INSERT OR IGNORE INTO escrow_cards (set_id, card, holder, fingerprint) VALUES (?, ?, ?, ?)");
  // Records are canonical JSON (RFC 8785), so a type is written exactly this way.
  const rows = db.prepare<[], { record: Buffer }>(
    `SELECT record FROM events
     WHERE CAST(record AS TEXT) LIKE '%"type":"escrow.split"%' OR CAST(record AS TEXT) LIKE '%"type":"escrow.card.delivered"%'
     ORDER BY ceremony_id, seq`,
  );
  const records = [...rows.iterate()].map((row) => JSON.parse(row.record.toString("utf8")) as RecordedEvent);
  for (const s of deliveredEscrowSets(records)) {
    insertSet.run(s.setId, s.keyLabel, s.kcvEcb0, s.kcvCmac, s.k, s.n, s.wrappedSha256, s.wrappedPath, s.ceremonyId, s.at);
    for (const c of s.cards) insertCard.run(s.setId, c.card, c.holder, c.fingerprint);
  }
}
