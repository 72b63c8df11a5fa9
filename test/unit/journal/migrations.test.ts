import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/journal/journal.ts";
import { JOURNAL_APPLICATION_ID, migrate, schemaVersion } from "../../../src/journal/migrate.ts";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "../../../src/journal/migrations/index.ts";
import { leafHash, nextHead, GENESIS_HEAD } from "../../../src/journal/chain.ts";
import { useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();

describe("journal migrations", () => {
  it("are numbered 1..N without gaps", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it("migrate to N-1, insert, migrate to N keeps the data and adds the new table", () => {
    const path = join(tempDir(), "j.db");
    const db = new Database(path);
    expect(migrate(db, LATEST_SCHEMA_VERSION - 1)).toBe(LATEST_SCHEMA_VERSION - 1);
    const record = Buffer.from('{"actor":"system","body":{},"ceremonyId":"c-1","seq":0,"time":"2026-03-01T09:30:00.000Z","type":"ceremony.started"}');
    const leaf = leafHash(record);
    db.prepare("INSERT INTO events VALUES ('c-1', 0, ?, ?, ?)").run(record, leaf, nextHead(GENESIS_HEAD, leaf));
    db.prepare(
      `INSERT INTO keys (token_serial, cka_id, label, token_label, algorithm, purpose, spki_sha256, created_at)
       VALUES ('SN1', '01', 'root-2026', 'ceremony', 'EC-P256', 'root-ca', ?, '2026-03-01T09:30:00.000Z')`,
    ).run("ab".repeat(32));
    expect(() => db.prepare("SELECT * FROM escrow_sets").all()).toThrow("no such table");

    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) AS n FROM events").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT label FROM keys").pluck().all()).toEqual(["root-2026"]);
    expect(db.prepare("SELECT count(*) AS n FROM crl_numbers").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM attestation_credentials").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM escrow_sets").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT destroyed_note FROM keys").pluck().all()).toEqual([null]);
    expect(db.pragma("application_id", { simple: true })).toBe(JOURNAL_APPLICATION_ID);
    db.close();

    const journal = Journal.open(path);
    expect(journal.checkpoint("c-1").eventCount).toBe(1);
    expect(journal.listKeys({ now: new Date("2026-03-02T00:00:00.000Z") }).map((k) => k.label)).toEqual(["root-2026"]);
    expect(journal.nextCrlNumber("root-2026")).toBe(1n);
    journal.close();
  });

  it("each step runs once: migrating an up-to-date journal does nothing", () => {
    const db = new Database(join(tempDir(), "j.db"));
    migrate(db);
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it("refuses a journal from a newer program", () => {
    const path = join(tempDir(), "j.db");
    Journal.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Journal.open(path)).toThrow(
      `This journal has schema version ${LATEST_SCHEMA_VERSION + 1}, written by a newer Ceremony Workstation (this one knows up to ${LATEST_SCHEMA_VERSION}).`,
    );
  });
});
