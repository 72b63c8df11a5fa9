/**
 * The key's copies in the inventory (migration 005, real SQLite files): escrow sets and cards
 * recorded, their fates, the per-key status that follows, and the backfill of an older journal
 * from its events — a card is a copy only once it was delivered.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { EventBody, EventType } from "../../../src/events/index.ts";
import { GENESIS_HEAD, leafHash, nextHead, recordJson } from "../../../src/journal/chain.ts";
import { Journal } from "../../../src/journal/journal.ts";
import { migrate } from "../../../src/journal/migrate.ts";
import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();
const NOW = new Date("2026-06-01T00:00:00.000Z");
const fp = (n: number): string => n.toString(16).padStart(2, "0").repeat(32);
const kcvs = { kcvEcb0: "F29000", kcvCmac: "377822C093" };
const kek = { label: "KEK-01", ckaId: "0a0b", algorithm: "AES-256", purpose: "kek", ...kcvs, createdAt: "2026-01-01T00:00:00.000Z", createdByCeremony: "master-key-1" };
const set = (cards: number[]) => ({
  setId: "3F9A81C0D2",
  keyLabel: "KEK-01",
  ...kcvs,
  k: 2,
  n: 3,
  wrappedSha256: fp(0xee),
  wrappedPath: "escrow/KEK-01.wrapped",
  ceremonyId: "master-key-1",
  recordedAt: "2026-01-01T00:00:01.000Z",
  cards: cards.map((card) => ({ card, holder: `Holder ${card}`, fingerprint: fp(card) })),
});

function open(): Journal {
  return Journal.open(join(tempDir(), "j.db"), { clock: () => NOW });
}

describe("key copies in the inventory", () => {
  it("a key with a token copy and an escrow set lists each copy; recording the set again adds cards, never changes it", () => {
    const j = open();
    j.upsertKey({ ...kek, tokenSerial: "SN1", tokenLabel: "root-hsm" });
    j.recordEscrowSet(set([1]));
    j.recordEscrowSet(set([1, 2, 3]));
    const [key] = j.listKeysWithCopies();
    expect(key!.status).toBe("active");
    expect(key!.copies.map((c) => `${c.kind}${c.kind === "card" ? c.card : ""}:${c.status}`)).toEqual([
      "token:present",
      "card1:present",
      "card2:present",
      "card3:present",
      "wrapped-key:present",
    ]);
    expect(() => j.recordEscrowSet({ ...set([]), wrappedSha256: fp(0xdd) })).toThrow(/two sets cannot share an ID/);
    expect(() => j.recordEscrowSet({ ...set([]), cards: [{ card: 2, holder: "Holder 2", fingerprint: fp(9) }] })).toThrow(/card 2 of set 3f9a81c0d2 is recorded with share fingerprint/i);
    expect(() => j.recordEscrowSet({ ...set([]), cards: [{ card: 4, holder: "Holder 4", fingerprint: fp(4) }] })).toThrow("Set 3f9a81c0d2 has cards 1 to 3; card 4 cannot be recorded.");
    j.close();
  });

  it("destroyed only when every copy is accounted for; partly destroyed, with what remains, in between", () => {
    const j = open();
    j.upsertKey({ ...kek, tokenSerial: "SN1", tokenLabel: "root-hsm" });
    j.upsertKey({ ...kek, tokenSerial: "SN2", tokenLabel: "drill-hsm", createdByCeremony: "key-recovery-1" });
    j.recordEscrowSet(set([1, 2, 3]));
    j.markDestroyed({ tokenSerial: "SN1", ckaId: "0a0b" }, "key-destruction-1");
    let [key] = j.listKeysWithCopies();
    expect(key!.status).toBe("partly-destroyed");
    expect(key!.copies.filter((c) => c.status === "present")).toHaveLength(5);

    const fate = { ceremonyId: "key-destruction-2", at: "2026-06-01T00:00:00.000Z" };
    for (const card of [1, 2, 3]) j.markEscrowCopy({ kind: "card", setId: "3F9A81C0D2", card }, { status: "collected-and-destroyed", ...fate });
    j.markDestroyed({ tokenSerial: "SN2", ckaId: "0a0b" }, "key-destruction-2", { note: "token zeroised" });
    [key] = j.listKeysWithCopies();
    expect(key!.status).toBe("partly-destroyed");
    expect(key!.copies.filter((c) => c.status === "present").map((c) => c.kind)).toEqual(["wrapped-key"]);
    expect(key!.copies.find((c) => c.kind === "token" && c.tokenSerial === "SN2")).toMatchObject({ status: "destroyed", by: "key-destruction-2", note: "token zeroised" });

    j.markEscrowCopy({ kind: "wrapped-key", setId: "3f9a81c0d2" }, { status: "collected-and-destroyed", ...fate });
    [key] = j.listKeysWithCopies();
    expect(key!.status).toBe("destroyed");
    j.close();
  });

  it("a lost card keeps the key from being destroyed; a destroyed card stays destroyed", () => {
    const j = open();
    j.upsertKey({ ...kek, tokenSerial: "SN1", tokenLabel: "root-hsm" });
    j.recordEscrowSet(set([1, 2]));
    const at = "2026-06-01T00:00:00.000Z";
    j.markDestroyed({ tokenSerial: "SN1", ckaId: "0a0b" }, "key-destruction-1");
    j.markEscrowCopy({ kind: "wrapped-key", setId: "3f9a81c0d2" }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-1", at });
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 1 }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-1", at });
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 2 }, { status: "unknown", ceremonyId: "key-destruction-1", at, note: "declared lost" });
    expect(j.listKeysWithCopies()[0]!.status).toBe("partly-destroyed");
    // The same record again (a resumed step) changes nothing; another ceremony cannot destroy it twice.
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 1 }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-1", at });
    expect(() => j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 1 }, { status: "unknown", ceremonyId: "key-destruction-2", at })).toThrow(
      "Card 1 of set 3f9a81c0d2 was already collected and destroyed by ceremony key-destruction-1.",
    );
    // A lost card found later and destroyed: now every copy is accounted for.
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 2 }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-2", at });
    expect(j.listKeysWithCopies()[0]!.status).toBe("destroyed");
    j.close();
  });

  it("retired cards of an active key do not make it partly destroyed", () => {
    const j = open();
    j.upsertKey({ ...kek, tokenSerial: "SN1", tokenLabel: "root-hsm", rotationDueAt: "2027-01-01T00:00:00.000Z" });
    j.recordEscrowSet(set([1]));
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 1 }, { status: "collected-and-destroyed", ceremonyId: "re-escrow-1", at: "2026-06-01T00:00:00.000Z" });
    expect(j.listKeysWithCopies()[0]!.status).toBe("active");
    j.close();
  });

  it("the database refuses to bring a destroyed card back or to forget one", () => {
    const path = join(tempDir(), "j.db");
    const j = Journal.open(path, { clock: () => NOW });
    j.upsertKey({ ...kek, tokenSerial: "SN1", tokenLabel: "root-hsm" });
    j.recordEscrowSet(set([1]));
    j.markEscrowCopy({ kind: "card", setId: "3f9a81c0d2", card: 1 }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-1", at: "2026-06-01T00:00:00.000Z" });
    j.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE escrow_cards SET status = 'present', status_by = NULL").run()).toThrow("a destroyed card cannot come back");
    expect(() => db.prepare("DELETE FROM escrow_cards").run()).toThrow("share cards are never removed");
    db.close();
  });
});

describe("migration 005 on a journal written before it", () => {
  it("finds the escrow sets in the events: a card is a copy once delivered, a split whose cards never left is none", () => {
    const path = join(tempDir(), "old.db");
    const db = new Database(path);
    migrate(db, 4);
    let head = GENESIS_HEAD;
    let seq = 0;
    const append = <T extends EventType>(type: T, body: EventBody<T>): void => {
      const bytes = Buffer.from(recordJson({ ceremonyId: "master-key-1", seq, time: `2026-01-01T00:00:0${seq}.000Z`, actor: "p-1", type, body }));
      const leaf = leafHash(bytes);
      head = nextHead(head, leaf);
      db.prepare("INSERT INTO events VALUES ('master-key-1', ?, ?, ?, ?)").run(seq++, bytes, leaf, head);
    };
    const split = SAMPLE_BODIES["escrow.split"];
    // A split interrupted before any card was printed, then the rerun whose card 2 was delivered.
    append("escrow.split", { ...split, setId: "0000000001" });
    append("escrow.split", { ...split, setId: "0000000002" });
    append("escrow.card.delivered", { ...SAMPLE_BODIES["escrow.card.delivered"], card: 2 });
    db.close();

    const j = Journal.open(path, { clock: () => NOW });
    j.upsertKey({ ...kek, kcvEcb0: split.kcvEcb0, kcvCmac: split.kcvCmac, tokenSerial: "SN1", tokenLabel: "root-hsm" });
    const copies = j.listKeysWithCopies()[0]!.copies;
    expect(copies.map((c) => (c.kind === "card" ? `card ${c.card} of ${c.setId} held by ${c.holder}` : c.kind === "wrapped-key" ? `blob of ${c.setId} in ${c.ceremonyId}` : c.kind))).toEqual([
      "token",
      "card 2 of 0000000002 held by Ivo Holder",
      "blob of 0000000002 in master-key-1",
    ]);
    j.close();
  });
});
