import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../../../src/journal/journal.ts";
import { type KeyInput, keyStatus } from "../../../src/journal/key-inventory.ts";
import { KeyInventoryConflictError } from "../../../src/journal/errors.ts";
import { steppingClock, useTempDir } from "./temp-dir.ts";

const tempDir = useTempDir();

const rootKey: KeyInput = {
  label: "root-2026",
  ckaId: "0A1B",
  tokenSerial: "SN-0001",
  tokenLabel: "ceremony",
  algorithm: "EC-P384",
  purpose: "root-ca",
  spkiSha256: "AB".repeat(32),
  createdAt: "2026-03-01T09:30:00.000Z",
  createdByCeremony: "c-1",
  rotationDueAt: "2036-03-01T00:00:00.000Z",
};
const kek: KeyInput = {
  label: "master-kek",
  ckaId: "02",
  tokenSerial: "SN-0001",
  tokenLabel: "ceremony",
  algorithm: "AES-256",
  purpose: "kek",
  kcvEcb0: "f29000",
  kcvCmac: "377822c093",
  createdAt: "2026-03-01T09:40:00.000Z",
  createdByCeremony: "c-1",
};

function open(): Journal {
  return Journal.open(join(tempDir(), "j.db"), { clock: steppingClock("2026-04-01T00:00:00.000Z") });
}

describe("key inventory", () => {
  it("records keys with normalised hex and lists them with their status", () => {
    const journal = open();
    const stored = journal.upsertKey(rootKey);
    expect(stored).toMatchObject({ ckaId: "0a1b", spkiSha256: "ab".repeat(32), kcvEcb0: null, destroyedAt: null, retiredAt: null });
    expect(journal.upsertKey(kek)).toMatchObject({ kcvEcb0: "F29000", kcvCmac: "377822C093", spkiSha256: null, rotationDueAt: null });
    expect(journal.listKeys({ now: new Date("2026-05-01T00:00:00.000Z") }).map((k) => [k.label, k.status])).toEqual([
      ["root-2026", "active"],
      ["master-kek", "active"],
    ]);
    journal.close();
  });

  it.each([
    ["2030-01-01T00:00:00.000Z", "active"],
    ["2036-01-30T23:59:59.999Z", "active"],
    ["2036-01-31T00:00:00.000Z", "due-soon"],
    ["2036-02-29T23:59:59.999Z", "due-soon"],
    ["2036-03-01T00:00:00.000Z", "overdue"],
    ["2040-01-01T00:00:00.000Z", "overdue"],
  ])("with rotation due on 2036-03-01, at %s it is %s", (now, status) => {
    expect(keyStatus({ destroyedAt: null, rotationDueAt: "2036-03-01T00:00:00.000Z" }, new Date(now))).toBe(status);
  });

  it("updates what may change and keeps who created it", () => {
    const journal = open();
    journal.upsertKey(rootKey);
    const updated = journal.upsertKey({ ...rootKey, tokenLabel: "ceremony-2", retiredAt: "2030-01-01T00:00:00.000Z", createdByCeremony: "c-9", createdAt: "2027-01-01T00:00:00.000Z" });
    expect(updated).toMatchObject({ tokenLabel: "ceremony-2", retiredAt: "2030-01-01T00:00:00.000Z", createdByCeremony: "c-1", createdAt: "2026-03-01T09:30:00.000Z" });
    journal.close();
  });

  it("refuses a different key under the same CKA_ID, or a reused label", () => {
    const journal = open();
    journal.upsertKey(rootKey);
    expect(() => journal.upsertKey({ ...rootKey, spkiSha256: "cd".repeat(32) })).toThrow(KeyInventoryConflictError);
    expect(() => journal.upsertKey({ ...rootKey, spkiSha256: "cd".repeat(32) })).toThrow(
      `Key CKA_ID 0a1b on token SN-0001 is recorded with spkiSha256 ${"ab".repeat(32)}, not ${"cd".repeat(32)}`,
    );
    expect(() => journal.upsertKey({ ...rootKey, ckaId: "ff" })).toThrow("Token SN-0001 already has a key labelled root-2026 (CKA_ID 0a1b)");
    journal.close();
  });

  it.each([
    [{ ...rootKey, kcvEcb0: "F29000", kcvCmac: "377822C093" }, "needs either spkiSha256 (a key pair) or both kcvEcb0 and kcvCmac"],
    [{ ...kek, kcvCmac: null }, "needs either spkiSha256 (a key pair) or both kcvEcb0 and kcvCmac"],
    [{ ...kek, kcvEcb0: "F290" }, 'Key kcvEcb0 "F290" must be 3 bytes of hex.'],
    [{ ...rootKey, createdAt: "1 March 2026" }, 'Key createdAt "1 March 2026" is not a UTC time like 2026-03-01T09:30:00.000Z.'],
    [{ ...rootKey, label: "" }, "Key label is missing"],
  ])("refuses an incomplete entry", (input, message) => {
    const journal = open();
    expect(() => journal.upsertKey(input as KeyInput)).toThrow(message);
    journal.close();
  });

  it("marks a key destroyed, idempotently for the same ceremony, and never brings it back", () => {
    const journal = open();
    journal.upsertKey(kek);
    const destroyed = journal.markDestroyed({ tokenSerial: "SN-0001", ckaId: "02" }, "c-7");
    expect(destroyed).toMatchObject({ destroyedAt: "2026-04-01T00:00:00.000Z", destroyedByCeremony: "c-7" });
    expect(journal.markDestroyed({ tokenSerial: "SN-0001", ckaId: "02" }, "c-7")).toEqual(destroyed);
    expect(() => journal.markDestroyed({ tokenSerial: "SN-0001", ckaId: "02" }, "c-8")).toThrow("Key master-kek was already destroyed by ceremony c-7");
    expect(() => journal.upsertKey(kek)).toThrow("was destroyed by ceremony c-7 and cannot be recorded again");
    expect(() => journal.markDestroyed({ tokenSerial: "SN-0001", ckaId: "99" }, "c-8")).toThrow("No key with CKA_ID 99 on token SN-0001");
    expect(journal.listKeys()[0]?.status).toBe("destroyed");
    journal.close();
  });
});

describe("rotation links (issue 15)", () => {
  const kek2: KeyInput = { ...kek, label: "master-kek-2", ckaId: "03", kcvEcb0: "B75420", kcvCmac: "1A2B3C4D5E", createdAt: "2026-04-01T00:00:00.000Z", createdByCeremony: "c-9" };
  const oldRef = { tokenSerial: "SN-0001", ckaId: "02" };
  const newRef = { tokenSerial: "SN-0001", ckaId: "03" };

  it("links the old key to its successor, both ways, and its scheduled destruction drives its status", () => {
    const journal = open();
    journal.upsertKey({ ...kek, rotationDueAt: "2026-04-15T00:00:00.000Z" });
    journal.upsertKey(kek2);
    expect(journal.listKeys({ now: new Date("2026-04-20T00:00:00.000Z") })[0]?.status).toBe("overdue");
    const linked = journal.supersedeKey({ old: oldRef, successor: newRef, ceremonyId: "c-9", destructionDueAt: "2026-06-01T00:00:00.000Z" });
    expect(linked).toMatchObject({ supersededBy: newRef, supersededAt: "2026-04-01T00:00:00.000Z", supersededByCeremony: "c-9", destructionDueAt: "2026-06-01T00:00:00.000Z" });
    const at = (now: string) => journal.listKeys({ now: new Date(now) }).map((k) => [k.label, k.status, k.supersedes]);
    // Replaced, it is no longer overdue for rotation; it is due by its destruction date.
    expect(at("2026-04-20T00:00:00.000Z")).toEqual([
      ["master-kek", "active", []],
      ["master-kek-2", "active", [oldRef]],
    ]);
    expect(at("2026-05-15T00:00:00.000Z")[0]?.[1]).toBe("due-soon");
    expect(at("2026-06-01T00:00:00.000Z")[0]?.[1]).toBe("overdue");
    journal.markDestroyed(oldRef, "c-10");
    expect(at("2026-06-02T00:00:00.000Z")[0]?.[1]).toBe("destroyed");
    journal.close();
  });

  it("is idempotent for the same ceremony and refuses a second rotation, itself, a missing or destroyed key", () => {
    const journal = open();
    journal.upsertKey(kek);
    journal.upsertKey(kek2);
    const first = journal.supersedeKey({ old: oldRef, successor: newRef, ceremonyId: "c-9", destructionDueAt: null });
    expect(first.destructionDueAt).toBeNull();
    expect(journal.supersedeKey({ old: oldRef, successor: newRef, ceremonyId: "c-9", destructionDueAt: null })).toEqual(first);
    expect(() => journal.supersedeKey({ old: oldRef, successor: newRef, ceremonyId: "c-11", destructionDueAt: null })).toThrow(
      "Key master-kek was already replaced (by CKA_ID 03) in ceremony c-9",
    );
    expect(() => journal.supersedeKey({ old: newRef, successor: newRef, ceremonyId: "c-11", destructionDueAt: null })).toThrow("Key master-kek-2 cannot replace itself");
    expect(() => journal.supersedeKey({ old: { tokenSerial: "SN-0001", ckaId: "99" }, successor: newRef, ceremonyId: "c-11", destructionDueAt: null })).toThrow(
      "No key with CKA_ID 99 on token SN-0001 is in the inventory",
    );
    journal.markDestroyed(newRef, "c-12");
    journal.upsertKey({ ...kek, label: "k3", ckaId: "04", kcvEcb0: "000001", kcvCmac: "0000000001" });
    expect(() => journal.supersedeKey({ old: newRef, successor: { tokenSerial: "SN-0001", ckaId: "04" }, ceremonyId: "c-13", destructionDueAt: null })).toThrow(
      "Key master-kek-2 was destroyed by ceremony c-12; a destroyed key is not rotated.",
    );
    journal.close();
  });
});

describe("CRL numbers", () => {
  it("only grow, per issuer, and survive reopening", () => {
    const path = join(tempDir(), "j.db");
    const journal = Journal.open(path);
    expect([journal.nextCrlNumber("root-2026"), journal.nextCrlNumber("root-2026"), journal.nextCrlNumber("other")]).toEqual([1n, 2n, 1n]);
    expect(journal.nextCrlNumber("other", { atLeast: 100n })).toBe(100n);
    expect(journal.nextCrlNumber("other", { atLeast: 5n })).toBe(101n);
    journal.close();
    const again = Journal.open(path);
    expect(again.nextCrlNumber("root-2026")).toBe(3n);
    expect(() => again.nextCrlNumber("root-2026", { atLeast: 0n })).toThrow(RangeError);
    again.close();
  });
});
