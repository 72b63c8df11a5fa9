import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/journal/journal.ts";
import { JOURNAL_APPLICATION_ID, migrate, schemaVersion } from "../../../src/journal/migrate.ts";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "../../../src/journal/migrations/index.ts";
import { leafHash, nextHead, GENESIS_HEAD } from "../../../src/journal/chain.ts";
import { useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();

function versionOf(name: string): number {
  const m = MIGRATIONS.find((x) => x.name === name);
  if (!m) throw new Error(`no migration named ${name}`);
  return m.version;
}

describe("journal migrations", () => {
  it("are numbered 1..N without gaps", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it("migrate to the version before key copies, insert, migrate to N keeps the data and adds the new tables", () => {
    const path = join(tempDir(), "j.db");
    const db = new Database(path);
    const beforeCopies = versionOf("key-copies") - 1;
    expect(migrate(db, beforeCopies)).toBe(beforeCopies);
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

  it("key rotation: a key recorded before it is unlinked and unscheduled", () => {
    const path = join(tempDir(), "j.db");
    const db = new Database(path);
    const before = versionOf("key-rotation") - 1;
    expect(migrate(db, before)).toBe(before);
    db.prepare(
      `INSERT INTO keys (token_serial, cka_id, label, token_label, algorithm, purpose, spki_sha256, created_at)
       VALUES ('SN1', '01', 'root-2026', 'ceremony', 'EC-P256', 'root-ca', ?, '2026-03-01T09:30:00.000Z')`,
    ).run("ab".repeat(32));
    expect(() => db.prepare("SELECT superseded_by_cka_id FROM keys").all()).toThrow("no such column");
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT superseded_by_cka_id, destruction_due_at FROM keys").get()).toEqual({ superseded_by_cka_id: null, destruction_due_at: null });
    db.close();
    const journal = Journal.open(path);
    expect(journal.listKeys({ now: new Date("2026-03-02T00:00:00.000Z") }).map((k) => [k.label, k.supersededBy, k.destructionDueAt, k.supersedes])).toEqual([["root-2026", null, null, []]]);
    journal.close();
  });

  it("escrow revocation: a set recorded before it stands unrevoked, and a revoked set stays revoked", () => {
    const path = join(tempDir(), "j.db");
    const db = new Database(path);
    const before = versionOf("escrow-revocation") - 1;
    expect(migrate(db, before)).toBe(before);
    db.prepare(
      `INSERT INTO escrow_sets (set_id, key_label, kcv_ecb0, kcv_cmac, k, n, wrapped_sha256, wrapped_path, ceremony_id, recorded_at)
       VALUES ('ea229d51a6', 'KEK-01', 'D0E88A', 'F7A6B86B16', 2, 3, ?, 'escrow/KEK-01.wrapped', 'master-key-1', '2026-03-01T09:30:00.000Z')`,
    ).run("ab".repeat(32));
    expect(() => db.prepare("SELECT revoked_by FROM escrow_sets").all()).toThrow("no such column");
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT revoked_by, superseded_by_set FROM escrow_sets").all()).toEqual([{ revoked_by: null, superseded_by_set: null }]);
    db.close();

    const journal = Journal.open(path);
    expect(journal.escrowSet("EA229D51A6")?.revoked).toBeNull();
    journal.revokeEscrowSet("EA229D51A6", { ceremonyId: "re-escrow-1", at: "2026-04-01T09:30:00.000Z", supersededBy: "0B51C7D2E4", reason: "Ivo left" });
    // Again by the same ceremony (a resumed step): nothing changes; by another: refused.
    journal.revokeEscrowSet("ea229d51a6", { ceremonyId: "re-escrow-1", at: "2026-04-01T09:31:00.000Z", supersededBy: "0B51C7D2E4", reason: "Ivo left" });
    expect(() => journal.revokeEscrowSet("ea229d51a6", { ceremonyId: "re-escrow-2", at: "2026-05-01T09:30:00.000Z", supersededBy: "1122334455", reason: "again" })).toThrow(
      "Escrow set ea229d51a6 was already revoked by ceremony re-escrow-1",
    );
    expect(journal.escrowSet("ea229d51a6")?.revoked).toEqual({ byCeremony: "re-escrow-1", at: "2026-04-01T09:30:00.000Z", supersededBy: "0b51c7d2e4", reason: "Ivo left" });
    journal.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE escrow_sets SET revoked_by = NULL").run()).toThrow("a revoked escrow set stays revoked");
    raw.close();
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
