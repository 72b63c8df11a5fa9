/**
 * `ceremony verify` attacked as a forger would (issue 14), through the real CLI: each forgery
 * of the demo's genuine bundles must fail with the failure named, or — when only the trust anchor
 * can tell — must never be reported as plainly VERIFIED. Also the trust-anchor forms and the
 * documented exit statuses (0 verified, 1 failed, 2 usage, 3 not anchored).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { formatHexGroups, pgpWords } from "../../../src/common/index.ts";
import type { Transcript } from "../../../src/transcript/index.ts";
import { type DemoBundles, runCeremony, runDemo } from "../../helpers/demo-bundles.ts";
import { attackerSigner, copyBundle, fixManifest, readTranscript, rechain, resign } from "../../helpers/forge-bundle.ts";

// Each test spawns the CLI several times; on a loaded machine one start takes seconds. A bound only.
vi.setConfig({ testTimeout: 600_000 });

let demo: DemoBundles;
let work: string;
let genuineFp: string;

beforeAll(async () => {
  demo = await runDemo("verify-forgeries-");
  work = mkdtempSync(join(tmpdir(), "verify-forgeries-work-"));
  genuineFp = readTranscript(demo.bundle("root-ca")).signer!.spkiSha256;
}, 600_000);

afterAll(() => {
  demo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

let copies = 0;
const copyOf = (name: string): string => copyBundle(demo.bundle(name), join(work, `${name}-${copies++}`));
const noStack = (text: string): void => {
  expect(text).not.toMatch(/\n\s+at |unexpected error|Error:/);
};

describe("trust anchors", () => {
  test("without --signer: exit 3, 'NOT ANCHORED', and the signer fingerprint in hex groups and PGP words to compare with the witness sheet", async () => {
    const r = await runCeremony(["verify", demo.bundle("root-ca")]);
    expect(r.code).toBe(3);
    expect(r.out).toContain("VERIFIED — NOT ANCHORED");
    expect(r.out).toContain(formatHexGroups(genuineFp));
    expect(r.out).toContain(pgpWords(genuineFp).join(" "));
    expect(r.out).toContain("witness sheet");
  });

  test("the expected signer as a PEM file, as hex groups, as plain hex, or as PGP words: exit 0, VERIFIED", async () => {
    const pem = join(demo.bundle("root-ca"), "signer.pub.pem");
    for (const signer of [pem, formatHexGroups(genuineFp), genuineFp, pgpWords(genuineFp).join(" ")]) {
      const r = await runCeremony(["verify", demo.bundle("root-ca"), "--signer", signer]);
      expect(r.code, `${signer}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(/^VERIFIED: /m);
    }
  });

  test("an empty, unreadable or non-key --signer is a one-line error with exit 2, never 'no anchor'", async () => {
    const empty = join(work, "empty.pem");
    writeFileSync(empty, "");
    const notKey = join(work, "note.txt");
    writeFileSync(notKey, "this is not a key\n");
    const folder = join(work, "a-folder");
    mkdirSync(folder, { recursive: true });
    const cases: Array<[string, RegExp]> = [
      [empty, /holds no PEM key/],
      ["", /--signer is empty/],
      ["/dev/null", /is a device, not a regular file/],
      ["/nonexistent", /--signer \/nonexistent: no such file/],
      [folder, /is a folder, not a file/],
      [notKey, /holds no PEM key/],
      ["deadbeef", /64 hex digits, this has 8/],
      [pgpWords(genuineFp).slice(0, 31).join(" "), /32 PGP words, this has 31/],
      [[...pgpWords(genuineFp).slice(0, 5), ...pgpWords(genuineFp).slice(6)].concat("aardvark").join(" "), /word 6 .* belongs to the other PGP list/],
    ];
    for (const [signer, message] of cases) {
      const r = await runCeremony(["verify", demo.bundle("root-ca"), "--signer", signer]);
      expect(r.code, `--signer ${JSON.stringify(signer)}`).toBe(2);
      expect(r.err.trim().split("\n"), `--signer ${JSON.stringify(signer)}`).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.out).not.toContain("VERIFIED");
      noStack(r.err);
    }
  });

  test("a fully re-signed forgery: without --signer it is only 'NOT ANCHORED' (exit 3) with another fingerprint; with --signer it fails", async () => {
    const dir = copyOf("root-ca");
    const t = readTranscript(dir);
    t.ceremony.title = "Forged Root";
    await resign(dir, rechain(t), attackerSigner());
    const loose = await runCeremony(["verify", dir]);
    expect(loose.code).toBe(3);
    expect(loose.out).not.toContain(formatHexGroups(genuineFp));
    const pinned = await runCeremony(["verify", dir, "--signer", formatHexGroups(genuineFp)]);
    expect(pinned.code).toBe(1);
    expect(pinned.err).toContain("[SIGNER_KEY_UNEXPECTED]");
  });

  test("a fresh key in signer.pub.pem that the transcript does not record fails, even without --signer", async () => {
    const dir = copyOf("root-ca");
    await resign(dir, readTranscript(dir), attackerSigner(), { recordSigner: false });
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[SIGNER_NOT_RECORDED]");
  });

  test("milestone heads the witnesses wrote down must match the recomputed chain", async () => {
    const dir = copyOf("root-ca");
    const t = readTranscript(dir);
    // A forger removes an event and rebuilds the chain; the milestones are on the witnesses' paper.
    await resign(dir, rechain({ ...t, events: t.events.filter((e) => e.type !== "hsm.token.selected") }, { keepMilestones: true }), attackerSigner());
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[MILESTONE_MISMATCH]");
  });
});

describe("every file is signed", () => {
  test("an added certs/root-ca-r2.pem (same DN, other key) fails, naming the file, even with the genuine signature and --signer", async () => {
    const dir = copyOf("root-ca");
    const other = readFileSync(join(demo.bundle("intermediate"), "certs", "intermediate-ca-1.pem"));
    writeFileSync(join(dir, "certs", "root-ca-r2.pem"), other);
    fixManifest(dir);
    const r = await runCeremony(["verify", dir, "--signer", genuineFp]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[FILE_NOT_SIGNED\] certs\/root-ca-r2\.pem is in the bundle but the signed transcript does not list it/);
  });

  test("another ceremony's witness-sheet.pdf swapped in fails", async () => {
    const dir = copyOf("crl");
    writeFileSync(join(dir, "sheets", "witness-sheet.pdf"), readFileSync(join(demo.bundle("root-ca"), "sheets", "witness-sheet.pdf")));
    fixManifest(dir);
    const r = await runCeremony(["verify", dir, "--signer", genuineFp]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[OUTPUT_HASH_MISMATCH\] output document witness-sheet: sheets\/witness-sheet\.pdf has SHA-256/);
  });

  test("an extra card under print/ fails", async () => {
    const dir = copyOf("master-key");
    writeFileSync(join(dir, "print", "card-06-extra.pdf"), readFileSync(join(dir, "sheets", "witness-sheet.pdf")));
    fixManifest(dir);
    const r = await runCeremony(["verify", dir, "--signer", genuineFp]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("[FILE_NOT_SIGNED] print/card-06-extra.pdf");
  });

  test("a certificate swapped for another, its hash updated in a re-signed transcript, fails against the recorded serial and SPKI", async () => {
    const dir = copyOf("root-ca");
    const t = readTranscript(dir);
    const other = readFileSync(join(demo.bundle("intermediate"), "certs", "intermediate-ca-1.pem"));
    writeFileSync(join(dir, "certs", "root-ca-r1.pem"), other);
    const output = t.outputs.find((o) => o.file === "certs/root-ca-r1.pem")!;
    output.sha256 = createHash("sha256").update(other).digest("hex");
    await resign(dir, t, attackerSigner());
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[ARTIFACT_MISMATCH\] output certificate root-ca-r1: certs\/root-ca-r1\.pem: serial/);
  });
});

describe("script structure (reachable with an untrusted signer)", () => {
  const stepEvents = (t: Transcript, index: number) => t.events.filter((e) => "stepIndex" in e.body && e.body.stepIndex === index);

  test("a 'completed' transcript missing a whole script step fails", async () => {
    const dir = copyOf("root-ca");
    const t = readTranscript(dir);
    const last = Math.max(...t.events.filter((e) => e.type === "step.completed").map((e) => e.body.stepIndex as number));
    const drop = new Set(stepEvents(t, last));
    await resign(dir, rechain({ ...t, events: t.events.filter((e) => !drop.has(e)) }), attackerSigner());
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`\\[SCRIPT_RULES\\] the ceremony is recorded as completed, but step ${last + 1} of its ${last + 1}-step script never completed`));
  });

  test("steps out of order fail", async () => {
    const dir = copyOf("root-ca");
    const t = readTranscript(dir);
    const one = stepEvents(t, 1);
    const two = stepEvents(t, 2);
    const start = t.events.indexOf(one[0]!);
    const rest = t.events.filter((e) => !one.includes(e) && !two.includes(e));
    const reordered = [...rest.slice(0, start), ...two, ...one, ...rest.slice(start)];
    await resign(dir, rechain({ ...t, events: reordered }), attackerSigner());
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("step 3 started before step 2 was completed");
  });
});

describe("every copy of a key accounted for (reachable with an untrusted signer)", () => {
  test("a destruction re-signed to say DESTROYED while the copies it lists remain fails, naming the verdict and each copy", async () => {
    const dir = copyOf("key-destruction");
    const t = readTranscript(dir);
    const events = t.events.map((e) =>
      e.type === "key.copies.accounted" ? { ...e, body: { ...e.body, verdict: "destroyed", copies: e.body.copies.map((c) => ({ ...c, status: "destroyed" })) } } : e,
    ) as Transcript["events"];
    await resign(dir, rechain({ ...t, events }), attackerSigner());
    const r = await runCeremony(["verify", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[KEY_COPIES_MISMATCH\] event \d+: the transcript says KEK-01 is destroyed, but the copies it records make it partly-destroyed/);
    expect(r.err).toMatch(/\[KEY_COPIES_MISMATCH\] event \d+: the copy on token demo-recovery .* is destroyed in the verdict, but present in the events before it/);
    noStack(r.err);
  });

  test("a destruction listing a card the master-key bundle never printed fails once that bundle is given too", async () => {
    const dir = copyOf("copies-destruction");
    const t = readTranscript(dir);
    const listed = t.events.find((e) => e.type === "key.copies.listed")!.body as { copies: Array<{ kind: string; fingerprint?: string }> };
    const genuine = listed.copies.find((c) => c.kind === "card")!.fingerprint!;
    const forged = `${genuine.slice(0, 60)}0000`;
    // The same card everywhere in the forged transcript, so that its verdict still adds up.
    const events = JSON.parse(JSON.stringify(t.events).replaceAll(genuine, forged)) as Transcript["events"];
    await resign(dir, rechain({ ...t, events }), attackerSigner());
    const alone = await runCeremony(["verify", dir]);
    expect(alone.code, alone.err).toBe(3);
    const linked = await runCeremony(["verify", dir, demo.bundle("master-key")]);
    expect(linked.code).toBe(1);
    expect(linked.out).toMatch(new RegExp(`LINK_MISMATCH\\] copies of KEK-01 in \\S+04-master-key: that bundle printed card 1 of set [0-9a-f]+ with share fingerprint ${genuine}, the destruction listed ${forged}`));
  });
});

describe("archive audit", () => {
  test("a folder of bundles: one line each and a summary; --json is a machine-readable report; one failure makes the exit 1", async () => {
    const r = await runCeremony(["verify", demo.out, "--signer", genuineFp, "--signer", readTranscript(demo.bundle("key-recovery")).signer!.spkiSha256]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split("\n")).toHaveLength(11);
    expect(r.out).toMatch(/10 bundles: 10 verified \(10 anchored, 0 not anchored, 0 aborted\), 0 failed\./);

    const json = await runCeremony(["verify", demo.out, "--json"]);
    expect(json.code).toBe(3);
    const report = JSON.parse(json.out) as { format: string; exitStatus: number; bundles: Array<{ verdict: string; links: string[]; signerSpkiSha256: string }> };
    expect(report.format).toBe("ceremony-workstation.verify-report.v1");
    expect(report.exitStatus).toBe(3);
    expect(report.bundles.map((b) => b.verdict)).toEqual(Array(10).fill("verified-not-anchored"));
    // Links checked because both ends were given: intermediate, CRL and root rotation → root, recovery → master key.
    expect(report.bundles.flatMap((b) => b.links).join("\n")).toMatch(/recovery of KEK-01 ← .*04-master-key/);
    // Both destructions list the key's escrow set: checked against the master-key bundle that split it.
    expect(report.bundles.flatMap((b) => b.links).filter((l) => /^copies of KEK-01 ← .*04-master-key \(card set [0-9a-f]+, wrapped key\)$/.test(l))).toHaveLength(2);
    expect(report.bundles.flatMap((b) => b.links).filter((l) => l.startsWith("issuer root-ca-r1"))).toHaveLength(3);
    // The re-escrow names the KEK rotation's bundle whose card set it replaced.
    expect(report.bundles.flatMap((b) => b.links).join("\n")).toMatch(/re-escrow of KEK-02 ← .*07-kek-rotation \(signer, card set, wrapped key, KCVs\)/);

    const archive = join(work, "archive");
    copyBundle(demo.out, archive);
    writeFileSync(join(archive, "03-crl", "certs", "extra.pem"), "x");
    const broken = await runCeremony(["verify", archive]);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^NOT VERIFIED\s+\S+03-crl .*\[/m);
    expect(broken.out).toMatch(/10 bundles: 9 verified .*1 failed\./);
  });

  test("a path with no bundle and a missing path each fail on their own line", async () => {
    const empty = join(work, "no-bundles");
    mkdirSync(empty, { recursive: true });
    const r = await runCeremony(["verify", empty, join(work, "missing"), demo.bundle("root-ca")]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${empty} holds no bundle`);
    expect(r.out).toMatch(/missing does not exist/);
    noStack(r.out + r.err);
  });
});
