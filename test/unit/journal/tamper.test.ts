import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/journal/journal.ts";
import { JournalTamperedError, JournalUnavailableError } from "../../../src/journal/errors.ts";
import { leafHash, nextHead } from "../../../src/journal/chain.ts";
import { steppingClock, useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();

/** A journal with 25 events for c-1 and 3 for c-2, closed. */
function makeJournal(): string {
  const path = join(tempDir(), "j.db");
  const journal = Journal.open(path, { clock: steppingClock() });
  for (let i = 0; i < 25; i++) journal.append("c-1", "officer-1", "ceremony.resumed", { atEvent: i });
  for (let i = 0; i < 3; i++) journal.append("c-2", "officer-1", "ceremony.resumed", { atEvent: i });
  journal.close();
  return path;
}

/**
 * What someone with the file can do: open it with any SQLite client and drop the triggers that
 * stop the program itself from rewriting events.
 */
function tamper(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  db.exec("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;");
  edit(db);
  db.close();
}

function row(db: Database.Database, seq: number): { record: Buffer; leaf: Buffer; head: Buffer } {
  return db.prepare("SELECT record, leaf, head FROM events WHERE ceremony_id = 'c-1' AND seq = ?").get(seq) as { record: Buffer; leaf: Buffer; head: Buffer };
}

function openError(path: string): JournalTamperedError {
  try {
    Journal.open(path).close();
  } catch (e) {
    expect(e).toBeInstanceOf(JournalTamperedError);
    return e as JournalTamperedError;
  }
  throw new Error("open succeeded on a tampered journal");
}

describe("journal tampering is caught on open", () => {
  it("an untouched journal opens", () => {
    const journal = Journal.open(makeJournal());
    expect(journal.checkpoint("c-1").eventCount).toBe(25);
    journal.close();
  });

  it("the program itself cannot update or delete events", () => {
    const journal = Journal.open(makeJournal());
    const db = (journal as unknown as { db: Database.Database }).db;
    expect(() => db.prepare("DELETE FROM events WHERE seq = 3").run()).toThrow("journal events are append-only");
    expect(() => db.prepare("UPDATE events SET record = x'00' WHERE seq = 3").run()).toThrow("journal events are append-only");
    journal.close();
  });

  it("an edited record byte", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const r = row(db, 17);
      const edited = Buffer.from(r.record.toString("utf8").replace('"atEvent":17', '"atEvent":71'), "utf8");
      db.prepare("UPDATE events SET record = ? WHERE ceremony_id = 'c-1' AND seq = 17").run(edited);
    });
    const error = openError(path);
    expect(error.message).toContain("event 17: hash does not chain from event 16");
    expect(error.message).toContain("Journal of ceremony c-1");
    expect([error.code, error.ceremonyId, error.seq]).toEqual(["JOURNAL_TAMPERED", "c-1", 17]);
  });

  it("an edited record whose own leaf and head were recomputed breaks at the next event", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const edited = Buffer.from(row(db, 17).record.toString("utf8").replace('"atEvent":17', '"atEvent":71'), "utf8");
      const leaf = leafHash(edited);
      const head = nextHead(row(db, 16).head, leaf);
      db.prepare("UPDATE events SET record = ?, leaf = ?, head = ? WHERE ceremony_id = 'c-1' AND seq = 17").run(edited, leaf, head);
    });
    expect(openError(path).message).toContain("event 18: hash does not chain from event 17");
  });

  it("the first event edited", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      db.prepare("UPDATE events SET record = ? WHERE ceremony_id = 'c-1' AND seq = 0").run(Buffer.from(row(db, 0).record.toString().replace("officer-1", "officer-2")));
    });
    expect(openError(path).message).toContain("event 0: hash does not chain from the start of the journal");
  });

  it("a deleted event", () => {
    const path = makeJournal();
    tamper(path, (db) => db.prepare("DELETE FROM events WHERE ceremony_id = 'c-1' AND seq = 17").run());
    expect(openError(path).message).toContain("event 17 is missing (the journal goes from event 16 to event 18)");
  });

  it("the first event deleted", () => {
    const path = makeJournal();
    tamper(path, (db) => db.prepare("DELETE FROM events WHERE ceremony_id = 'c-2' AND seq = 0").run());
    const error = openError(path);
    expect(error.message).toContain("Journal of ceremony c-2: event 0 is missing (the journal starts at event 1)");
  });

  it("two events swapped (rows renumbered)", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const a = row(db, 10);
      const b = row(db, 11);
      const put = db.prepare("UPDATE events SET record = ?, leaf = ?, head = ? WHERE ceremony_id = 'c-1' AND seq = ?");
      put.run(b.record, b.leaf, b.head, 10);
      put.run(a.record, a.leaf, a.head, 11);
    });
    expect(openError(path).message).toContain("event 10: the stored record says it is event 11 of ceremony c-1 (events were moved or reordered)");
  });

  it("two events swapped with their records rewritten to fit their new seq", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const a = row(db, 10).record.toString().replace('"seq":10', '"seq":11');
      const b = row(db, 11).record.toString().replace('"seq":11', '"seq":10');
      const put = db.prepare("UPDATE events SET record = ? WHERE ceremony_id = 'c-1' AND seq = ?");
      put.run(Buffer.from(b), 10);
      put.run(Buffer.from(a), 11);
    });
    expect(openError(path).message).toContain("event 10: hash does not chain from event 9");
  });

  it("an inserted event", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const record = Buffer.from(
        '{"actor":"officer-1","body":{"i":99},"ceremonyId":"c-1","seq":25,"time":"2026-03-01T10:00:00.000Z","type":"step.note"}',
      );
      db.prepare("INSERT INTO events VALUES ('c-1', 25, ?, ?, ?)").run(record, leafHash(record), Buffer.alloc(32, 7));
    });
    expect(openError(path).message).toContain("event 25: hash does not chain from event 24");
  });

  it("an event moved to another ceremony", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      const r = row(db, 24);
      db.prepare("DELETE FROM events WHERE ceremony_id = 'c-1' AND seq = 24").run();
      db.prepare("INSERT INTO events VALUES ('c-2', 3, ?, ?, ?)").run(r.record, r.leaf, r.head);
    });
    expect(openError(path).message).toContain("event 3: the stored record says it is event 24 of ceremony c-1");
  });

  it("a record that is no longer canonical JSON", () => {
    const path = makeJournal();
    tamper(path, (db) => {
      db.prepare("UPDATE events SET record = ? WHERE ceremony_id = 'c-1' AND seq = 5").run(Buffer.from(row(db, 5).record.toString().replace(":", ": ")));
    });
    expect(openError(path).message).toContain("event 5: the stored record is not canonical JSON");
  });

  it("a file that is not SQLite at all", () => {
    const path = join(tempDir(), "garbage.db");
    writeFileSync(path, Buffer.alloc(4096, 0x41));
    expect(() => Journal.open(path)).toThrow(JournalUnavailableError);
  });
});
