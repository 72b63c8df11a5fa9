import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { describeKeys } from "../../../src/cli/keys-command.ts";
import { main } from "../../../src/cli/main.ts";
import { Journal } from "../../../src/journal/index.ts";

test("ceremony keys lists the inventory, flags overdue and due-soon keys, and exits 3 when one is overdue", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "keys-cli-")), "journal.db");
  const journal = Journal.open(path);
  const day = 86_400_000;
  const iso = (ms: number): string => new Date(Date.now() + ms).toISOString();
  const base = { tokenSerial: "SN1", tokenLabel: "root-hsm", createdAt: iso(-400 * day), createdByCeremony: "c-1" };
  journal.upsertKey({ ...base, label: "KEK-01", ckaId: "01", algorithm: "AES-256", purpose: "kek", kcvEcb0: "F29000", kcvCmac: "377822C093", rotationDueAt: iso(-35 * day) });
  journal.upsertKey({ ...base, label: "KEK-02", ckaId: "02", algorithm: "AES-256", purpose: "kek", kcvEcb0: "ABCDEF", kcvCmac: "0123456789", rotationDueAt: iso(10 * day) });
  journal.upsertKey({ ...base, label: "ROOT-CA-R1", ckaId: "03", algorithm: "EC-P384", purpose: "ca-signing", spkiSha256: "ab".repeat(32), rotationDueAt: iso(7000 * day) });
  journal.close();
  const out: string[] = [];
  const code = await main(["keys", "--journal", path], { out: (l) => out.push(l), err: (l) => out.push(l) });
  expect(code).toBe(3);
  expect(out.find((l) => l.includes("KEK-01"))).toMatch(/^OVERDUE\s+KEK-01\s+AES-256\s+kek .*KCV-ECB0 F290 00, KCV-CMAC 3778 22C0 93/);
  expect(out.find((l) => l.includes("KEK-02"))).toMatch(/^DUE SOON\s+KEK-02/);
  expect(out.find((l) => l.includes("ROOT-CA-R1"))).toMatch(/^active\s+ROOT-CA-R1\s+EC-P384\s+ca-signing .*SPKI ABAB ABAB ABAB ABAB…/);
  // Rotation due drives work: each due or overdue key names the ceremony that rotates it; an active one does not.
  const after = (label: string): string | undefined => out[out.findIndex((l) => l.includes(`${label} `)) + 1];
  expect(after("KEK-01")).toMatch(/^ {10}rotation overdue since \d{4}-\d{2}-\d{2}: rotate KEK-01 with kek-rotation\.yaml/);
  expect(after("KEK-02")).toMatch(/^ {10}rotation due \d{4}-\d{2}-\d{2}: rotate KEK-02 with kek-rotation\.yaml/);
  expect(out.filter((l) => l.includes("root-rotation.yaml"))).toEqual([]);
});

test("ceremony keys names root-rotation.yaml for a root key due for rotation, and says when no script rotates a key", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "keys-cli-")), "journal.db");
  const journal = Journal.open(path);
  const iso = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();
  const base = { tokenSerial: "SN1", tokenLabel: "root-hsm", createdAt: iso(-7000), createdByCeremony: "c-1", algorithm: "EC-P384", spkiSha256: "cd".repeat(32) };
  journal.upsertKey({ ...base, label: "ROOT-CA-R1", ckaId: "03", purpose: "ca-signing", rotationDueAt: iso(-2) });
  journal.upsertKey({ ...base, label: "SIGNER-9", ckaId: "04", purpose: "signing", spkiSha256: "ef".repeat(32), rotationDueAt: iso(5) });
  journal.close();
  const out: string[] = [];
  expect(await main(["keys", "--journal", path], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(3);
  expect(out[out.findIndex((l) => l.includes("ROOT-CA-R1 ")) + 1]).toMatch(/^ {10}rotation overdue since \d{4}-\d{2}-\d{2}: rotate ROOT-CA-R1 with root-rotation\.yaml/);
  expect(out[out.findIndex((l) => l.includes("SIGNER-9 ")) + 1]).toMatch(/^ {10}rotation due \d{4}-\d{2}-\d{2}: no ceremony script rotates a signing key; replace it in a new ceremony and destroy this one\.$/);
});

test("ceremony keys without a journal says where it looked", async () => {
  const err: string[] = [];
  expect(await main(["keys", "--journal", "/nonexistent/journal.db"], { out: () => undefined, err: (l) => err.push(l) })).toBe(1);
  expect(err[0]).toContain("No journal at /nonexistent/journal.db");
});

test("ceremony keys names a key made by an aborted ceremony, says what to do, and prints full IDs on request", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "keys-cli-")), "journal.db");
  const journal = Journal.open(path);
  journal.append("master-key-20261201-aaaaaa", "system", "ceremony.started", { ...SAMPLE_BODIES["ceremony.started"], scriptId: "master-key" });
  journal.append("master-key-20261201-aaaaaa", "p-1", "ceremony.abort-requested", { reason: "printer jammed", atStep: 4 });
  journal.append("master-key-20261201-bbbbbb", "system", "ceremony.started", { ...SAMPLE_BODIES["ceremony.started"], scriptId: "master-key" });
  const base = { tokenSerial: "SN1", tokenLabel: "kek-hsm", createdAt: new Date().toISOString(), algorithm: "AES-256", purpose: "kek", kcvEcb0: "F29000", kcvCmac: "377822C093" };
  const longId = "0123456789abcdef0123456789abcdef";
  journal.upsertKey({ ...base, label: "KEK-ABORTED", ckaId: longId, createdByCeremony: "master-key-20261201-aaaaaa" });
  journal.upsertKey({ ...base, label: "KEK-GOOD", ckaId: "fedcba9876543210fedcba", createdByCeremony: "master-key-20261201-bbbbbb" });
  journal.close();
  const out: string[] = [];
  expect(await main(["keys", "--journal", path], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
  const at = out.findIndex((l) => l.includes("KEK-ABORTED"));
  expect(out[at]).toMatch(/^ABORTED\s+KEK-ABORTED .* ID 0123 4567 89AB… /);
  expect(out[at + 1]).toContain(
    `made by ceremony master-key-20261201-aaaaaa, which was aborted: adopt the key in a new witnessed ceremony, or destroy it (key-destruction.yaml with expectedId ${longId}).`,
  );
  expect(out.find((l) => l.includes("KEK-GOOD"))).toMatch(/^active\s+KEK-GOOD/);
  const full: string[] = [];
  await main(["keys", "--journal", path, "--full-ids"], { out: (l) => full.push(l), err: (l) => full.push(l) });
  expect(full.find((l) => l.includes("KEK-GOOD"))).toContain("ID fedcba9876543210fedcba ");
  expect(full.find((l) => l.includes("KEK-ABORTED"))).toContain(`ID ${longId} `);
});

test("ceremony keys shows a rotation both ways, and the replaced key's scheduled destruction (overdue once its date has passed)", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "keys-cli-")), "journal.db");
  const day = 86_400_000;
  const iso = (ms: number): string => new Date(Date.now() + ms).toISOString();
  const journal = Journal.open(path);
  const base = { tokenSerial: "SN1", tokenLabel: "kek-hsm", algorithm: "AES-256", purpose: "kek" };
  journal.upsertKey({ ...base, label: "KEK-01", ckaId: "01", kcvEcb0: "F29000", kcvCmac: "377822C093", createdAt: iso(-400 * day), createdByCeremony: "c-1", rotationDueAt: iso(-35 * day) });
  journal.upsertKey({ ...base, label: "KEK-02", ckaId: "02", kcvEcb0: "ABCDEF", kcvCmac: "0123456789", createdAt: iso(-1 * day), createdByCeremony: "kek-rotation-1", rotationDueAt: iso(364 * day) });
  const destroyBy = new Date(Date.now() + 29 * day);
  destroyBy.setUTCHours(0, 0, 0, 0);
  journal.supersedeKey({ old: { tokenSerial: "SN1", ckaId: "01" }, successor: { tokenSerial: "SN1", ckaId: "02" }, ceremonyId: "kek-rotation-1", destructionDueAt: destroyBy.toISOString() });
  journal.close();
  const out: string[] = [];
  // KEK-01 was overdue for rotation; rotated, it is due by its destruction date instead (within 30 days: due soon).
  expect(await main(["keys", "--journal", path], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
  const at = out.findIndex((l) => /^\S.* KEK-01 /.test(l));
  expect(out[at]).toMatch(new RegExp(`^DUE SOON\\s+KEK-01 .*scheduled for destruction by ${destroyBy.toISOString().slice(0, 10)}$`));
  expect(out[at + 1]).toMatch(/^\s+replaced by KEK-02 \(ID 02, token kek-hsm\) in ceremony kek-rotation-1 on \d{4}-\d{2}-\d{2}$/);
  const next = out.findIndex((l) => /^\S.* KEK-02 /.test(l));
  expect(out[next + 1]).toMatch(/^\s+replaces KEK-01 \(ID 01, token kek-hsm\)$/);

  // Past the date, the replaced KEK is overdue for destruction.
  const reopened = Journal.open(path);
  const later = describeKeys(reopened.listKeysWithCopies({ now: new Date(destroyBy.getTime() + day) }));
  reopened.close();
  expect(later.find((l) => /^\S.* KEK-01 /.test(l))).toMatch(/^OVERDUE\s+KEK-01 .*scheduled for destruction by/);
});
