import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/journal/journal.ts";
import { ChainWalker, GENESIS_HEAD_HEX, recordJson } from "../../../src/journal/chain.ts";
import { JournalEventInvalidError, JournalSecretRefusedError, JournalUnavailableError } from "../../../src/journal/errors.ts";
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { steppingClock, useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();

describe("Journal", () => {
  it("appends events with contiguous seq, UTC millisecond times and chained heads", () => {
    const journal = Journal.open(join(tempDir(), "j.db"), { clock: steppingClock() });
    const a = journal.append("c-1", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
    const b = journal.append("c-1", "officer-1", "step.started", SAMPLE_BODIES["step.started"]);
    expect([a.seq, b.seq]).toEqual([0, 1]);
    expect([a.time, b.time]).toEqual(["2026-03-01T09:30:00.000Z", "2026-03-01T09:30:01.000Z"]);
    const walker = new ChainWalker();
    walker.addRecordJson(recordJson(a));
    expect(a.head).toBe(walker.head.toString("hex"));
    walker.addRecordJson(recordJson(b));
    expect(b.head).toBe(walker.head.toString("hex"));
    expect(journal.events("c-1")).toEqual([a, b]);
    expect(journal.checkpoint("c-1")).toEqual({ ceremonyId: "c-1", eventCount: 2, head: b.head });
    expect(journal.milestoneHead("c-1")).toBe(b.head.slice(0, 8));
    journal.close();
  });

  it("decodes each event once: later reads see new appends (this handle's and another's), a journal rewritten under it is read again, and shared events cannot be changed", () => {
    const path = join(tempDir(), "j.db");
    const journal = Journal.open(path, { clock: steppingClock() });
    const other = Journal.open(path, { clock: steppingClock("2026-03-02T00:00:00.000Z") });
    const a = journal.append("c-1", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
    const first = journal.events("c-1");
    expect(first).toEqual([a]);
    const b = journal.append("c-1", "officer-1", "step.started", SAMPLE_BODIES["step.started"]);
    const c = other.append("c-1", "officer-1", "step.completed", SAMPLE_BODIES["step.completed"]);
    expect(journal.events("c-1")).toEqual([a, b, c]);
    expect(first).toEqual([a]); // an earlier result is a copy, not the live list
    // The same event objects are handed out again, frozen all the way down.
    const again = journal.events("c-1");
    expect(again[0]).toBe(journal.events("c-1")[0]);
    expect(() => {
      (again[0]!.body as Record<string, unknown>)["ceremonyType"] = "changed";
    }).toThrow(TypeError);
    expect(() => again.pop()).not.toThrow(); // the array is the caller's own
    // Rewritten under it (the last row replaced by another event at the same seq): read again whole.
    // (A forger's tool: the journal's own triggers refuse to delete an event.)
    const db = new Database(path);
    db.exec("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;");
    db.prepare("DELETE FROM events WHERE ceremony_id = ? AND seq = 2").run("c-1");
    db.close();
    const d = other.append("c-1", "officer-1", "step.started", SAMPLE_BODIES["step.started"]);
    expect(journal.events("c-1")).toEqual([a, b, d]);
    // Emptied under it: nothing.
    const db2 = new Database(path);
    db2.prepare("DELETE FROM events WHERE ceremony_id = ?").run("c-1");
    db2.close();
    expect(journal.events("c-1")).toEqual([]);
    other.close();
    journal.close();
  });

  it("keeps a separate chain per ceremony and lists ceremonies in the order they began", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    journal.append("c-b", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
    journal.append("c-a", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
    journal.append("c-b", "system", "ceremony.completed", {});
    expect(journal.ceremonies()).toEqual(["c-b", "c-a"]);
    expect(journal.checkpoint("c-a").eventCount).toBe(1);
    expect(journal.checkpoint("c-b").eventCount).toBe(2);
    journal.close();
  });

  it("continues the chain after close and reopen", () => {
    const path = join(tempDir(), "j.db");
    const first = Journal.open(path);
    first.append("c-1", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
    const before = first.append("c-1", "system", "step.started", SAMPLE_BODIES["step.started"]);
    first.close();
    const second = Journal.open(path);
    expect(second.checkpoint("c-1")).toEqual({ ceremonyId: "c-1", eventCount: 2, head: before.head });
    const after = second.append("c-1", "system", "step.completed", SAMPLE_BODIES["step.completed"]);
    expect(after.seq).toBe(2);
    expect(second.verifyChain("c-1")).toEqual({ ceremonyId: "c-1", eventCount: 3, head: after.head });
    second.close();
  });

  it("returns what it stored, not the caller's object", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    const body = structuredClone(SAMPLE_BODIES["attestation.recorded"]);
    const event = journal.append("c-1", "system", "attestation.recorded", body);
    body.checklist.push("b");
    expect(event.body).toEqual(SAMPLE_BODIES["attestation.recorded"]);
    expect(journal.events("c-1")[0]?.body).toEqual(SAMPLE_BODIES["attestation.recorded"]);
    journal.close();
  });

  it("opens in WAL mode with synchronous=FULL and foreign keys on", () => {
    const path = join(tempDir(), "j.db");
    Journal.open(path).close();
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
    // synchronous and foreign_keys are per connection, so they are checked on the journal's own.
    const journal = Journal.open(path);
    const db = (journal as unknown as { db: Database.Database }).db;
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    journal.close();
  });

  it("refuses secrets in a body, naming the path", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    expect(() => journal.append("c-1", "officer-1", "hsm.login" as never, { token: { soPin: "1234" } } as never)).toThrow(JournalSecretRefusedError);
    expect(() => journal.append("c-1", "officer-1", "hsm.login" as never, { token: { soPin: "1234" } } as never)).toThrow(
      'Refused to journal body.token.soPin: a member named "soPin" holds a secret.',
    );
    expect(() => journal.append("c-1", "officer-1", "escrow.split", { cards: [{ x: 1 }, { key: new Uint8Array(32) }] } as never)).toThrow(
      "Refused to journal body.cards[1].key: binary values (Buffer/Uint8Array) may hold key material.",
    );
    expect(journal.ceremonies()).toEqual([]);
    journal.close();
  });

  it("refuses bodies canonical JSON cannot carry, and malformed names", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    expect(() => journal.append("c-1", "system", "ceremony.completed", { when: new Date() } as never)).toThrow("body.when is a Date object");
    expect(() => journal.append("c-1", "system", "StepStarted" as never, {} as never)).toThrow(JournalEventInvalidError);
    expect(() => journal.append("c-1", "system", "StepStarted" as never, {} as never)).toThrow('Refused to journal a StepStarted event: type "StepStarted" is not a known event type.');
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 40; i++) cursor = cursor.next = {} as Record<string, unknown>;
    expect(() => journal.append("c-1", "system", "ceremony.completed", deep as never)).toThrow("is nested more than 32 levels deep");
    expect(() => journal.append("", "system", "ceremony.completed", {})).toThrow("ceremonyId must be 1 to 200 printable characters");
    expect(() => journal.append("c-1", "a\nb", "ceremony.completed", {})).toThrow("actor must be 1 to 200 printable characters");
    journal.close();
  });

  it("names an unknown ceremony and a closed journal", () => {
    const journal = Journal.open(join(tempDir(), "j.db"));
    expect(() => journal.checkpoint("nope")).toThrow("The journal has no events for ceremony nope.");
    expect(journal.verifyChain("nope")).toEqual({ ceremonyId: "nope", eventCount: 0, head: GENESIS_HEAD_HEX });
    journal.close();
    expect(() => journal.events("c-1")).toThrow(JournalUnavailableError);
    expect(() => journal.events("c-1")).toThrow("The journal is closed.");
  });

  it("refuses a file that is not a journal", () => {
    const dir = tempDir();
    const other = new Database(join(dir, "other.db"));
    other.exec("CREATE TABLE t (x)");
    other.close();
    expect(() => Journal.open(join(dir, "other.db"))).toThrow("not a ceremony journal");
  });
});
