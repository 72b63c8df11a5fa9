/**
 * `ceremony report` over the demo's genuine bundles, through the real CLI (docs/evidence-report.md):
 * a requirement evidenced with the events that show it, one missing, an overdue rotation at a
 * later --at, a destroyed key whose other copies the bundles do not account for (and, with the
 * demo's last destruction, do account for), a tampered
 * bundle reported as NOT VERIFIED and left out of the evidence, and one-line errors for bad
 * input. The PDF is read back with pdftotext and every page rendered with pdftoppm
 * (test-results/evidence-report/, to look at).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { EvidenceReport, RequirementResult } from "../../../src/evidence/index.ts";
import { type DemoBundles, runCeremony, runDemo } from "../../helpers/demo-bundles.ts";
import { attackerSigner, copyBundle, readTranscript, rechain, resign } from "../../helpers/forge-bundle.ts";
import { flatText, pageCount } from "../print-tools.ts";

vi.setConfig({ testTimeout: 600_000 });

const PAGES_DIR = resolve(import.meta.dirname, "../../../test-results/evidence-report");

let demo: DemoBundles;
let work: string;
let runs = 0;

beforeAll(async () => {
  demo = await runDemo("evidence-report-");
  work = mkdtempSync(join(tmpdir(), "evidence-report-work-"));
}, 600_000);

afterAll(() => {
  demo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function report(args: string[]): Promise<{ code: number; out: string; err: string; json: EvidenceReport; pdf: Buffer; dir: string }> {
  const dir = join(work, `report-${runs++}`);
  const r = await runCeremony(["report", ...args, "--out", dir]);
  expect(r.err, r.out).toBe("");
  return { ...r, dir, json: JSON.parse(readFileSync(join(dir, "evidence-report.json"), "utf8")) as EvidenceReport, pdf: readFileSync(join(dir, "evidence-report.pdf")) };
}

const requirement = (json: EvidenceReport, id: string): RequirementResult => {
  const r = json.requirements.find((x) => x.id === id);
  if (!r) throw new Error(`no requirement ${id}`);
  return r;
};

/** The demo's bundles before its last destruction: KEK-01 is destroyed on demo-root only. */
const beforeLastDestruction = (): string[] =>
  readdirSync(demo.out)
    .filter((n) => /^0\d-/.test(n))
    .sort()
    .map((n) => join(demo.out, n));

describe("the demo's ten bundles", () => {
  let run: Awaited<ReturnType<typeof report>>;
  beforeAll(async () => {
    run = await report([demo.out]);
  });

  test("every bundle is verified with its signer named, not anchored without --signer, and used as evidence", () => {
    expect(run.json.format).toBe("ceremony-workstation.evidence-report.v1");
    expect(run.json.bundles.map((b) => b.scriptId)).toEqual(["root-ca", "intermediate-signing", "crl-signing", "master-key", "key-recovery", "root-rotation", "kek-rotation", "re-escrow", "key-destruction", "key-destruction"]);
    for (const b of run.json.bundles) {
      expect(b).toMatchObject({ verdict: "verified-not-anchored", anchored: false, use: "evidence", rehearsal: true, failures: [] });
      expect(b.signerSpkiSha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(run.out).toMatch(/verified, NOT anchored\s+\S+01-root-ca \(root-ca-\d{8}-[0-9a-f]{6}\) signer [0-9A-F]{4} /);
    expect(run.json.notes.some((n) => n.includes("No --signer was given"))).toBe(true);
    expect(run.json.notes.some((n) => n.includes("REHEARSALS"))).toBe(true);
  });

  test("split knowledge is evidenced by the master key's escrow: 3 of 5, every card read back, trial recovery, with the events cited", () => {
    const split = requirement(run.json, "split-knowledge");
    expect(split.status).toBe("evidenced");
    const master = run.json.bundles.find((b) => b.scriptId === "master-key")!;
    const item = split.evidence.find((e) => e.ceremonyId === master.ceremonyId)!;
    expect(item.text).toMatch(/^KEK-01 escrow set [0-9A-F ]+ \(3 of 5 cards\): 5 different holders, no one with 3 cards; all 5 read back by their holders; trial recovery with 3 cards matched both KCVs$/);
    expect(item.seq).toBeGreaterThan(0);
    expect(item.actor?.role).toBe("crypto-officer");
    expect(split.sources.map((s) => `${s.seedFile} ${s.section}`)).toContain("001_96d557ca56aef4e1.txt §7 Key Escrow & Recovery");
  });

  test("dual control is evidenced step by step: performer and two witnesses for every key operation", () => {
    const dual = requirement(run.json, "dual-control");
    expect(dual.status).toBe("evidenced");
    expect(dual.evidence.some((e) => /step 4 "Generate the master key in the HSM" of master-key-\S+: performed by Cy Officer \(Crypto officer\), attested by \S+ Witness \(Internal witness(, [^)]+)?\) and \S+ Witness \(Internal witness(, [^)]+)?\)/.test(e.text))).toBe(true);
    expect(requirement(run.json, "audit-trail").status).toBe("evidenced");
  });

  test("the CISO witness rule is evidenced by both rotations: the Director of Cybersecurity attested their key steps", () => {
    const rule = requirement(run.json, "rotation-witnesses");
    expect(rule.status).toBe("evidenced");
    for (const script of ["root-rotation", "kek-rotation"]) {
      expect(rule.evidence.some((e) => new RegExp(`^Rotation ceremony ${script}-\\S+ \\(${script}\\): 2 witnesses attested its key steps, among them Xu Witness \\(Internal witness, Director of Cybersecurity\\)`).test(e.text)), script).toBe(true);
    }
    expect(rule.sources[0]?.quote).toBe("Key rotation ceremonies must include at least two witnesses, one being the CISO or Director of Cybersecurity.");
  });

  test("the master key destroyed on both tokens, every card and the wrapped key collected and destroyed: no copy unaccounted", () => {
    const destruction = requirement(run.json, "destruction");
    expect(destruction.evidence.some((e) => /^KEK-01 .* destroyed on token demo-recovery .* proof: not found by label; not found by ID/.test(e.text))).toBe(true);
    expect(destruction.findings.filter((f) => f.text.startsWith("KEK-01"))).toEqual([]);
    expect(destruction.evidence.some((e) => /^key-destruction-\S+ recorded its verdict on KEK-01: DESTROYED, every copy it listed accounted for$/.test(e.text))).toBe(true);
    expect(run.json.keys.find((k) => k.label === "KEK-01")?.rotation).toBe("retired");
  });

  test("no substitution: every generation, signature (cross-certificates too) and destruction had its preview confirmed; the old root's certificate read from media is an input, not a signature", () => {
    const rule = requirement(run.json, "no-substitution");
    expect(rule.findings).toEqual([]);
    expect(rule.status).toBe("evidenced");
    expect(rule.evidence.filter((e) => /^step \d+ "[^"]*" of root-rotation-\S+: .* confirmed what the HSM would do before it acted/.test(e.text)).length).toBeGreaterThanOrEqual(4);
    expect(rule.evidence.some((e) => /"Check the old root key/.test(e.text))).toBe(false);
  });

  test("the demo's roots take the scripts' default validity, the policy's 10 years (001 §4)", () => {
    const schedule = requirement(run.json, "rotation-schedule");
    expect(schedule.findings.filter((f) => f.kind === "contradicted")).toEqual([]);
    expect(schedule.evidence.some((e) => /root certificate root-ca-r1 valid \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}, within 10 years$/.test(e.text))).toBe(true);
    // Every copy of KEK-01 is destroyed by the demo's last ceremony: nothing is left to rotate.
    expect(schedule.evidence.some((e) => /^KEK-01 .*, made \d{4}-\d{2}-\d{2}: rotated to KEK-02 by kek-rotation-\S+ on \d{4}-\d{2}-\d{2}; no copy left \(every copy destroyed or retired\)$/.test(e.text))).toBe(true);
  });

  test("exit 3 (every requirement evidenced by the demo's ten ceremonies, but no --signer anchors them); the PDF says the same, on pages that render", () => {
    expect(run.code, run.err).toBe(3);
    const text = flatText(run.pdf);
    expect(text).toContain("POLICY EVIDENCE REPORT");
    expect(text).toContain("All 11 requirements evidenced");
    expect(text).toContain('000 Key Rotation and Master Key Access: "Key rotation ceremonies must include at least two witnesses, one being the CISO or Director of Cybersecurity."');
    expect(text).toContain("Split knowledge: a master key's escrow is split k-of-n with Shamir's Secret Sharing EVIDENCED");
    expect(text).toMatch(/PCI-DSS 3\.7\.1 to 3\.7\.7/);
    expect(text).toContain("no row in the seed's mapping");
    for (const b of run.json.bundles) expect(text).toContain(b.ceremonyId!);
    rmSync(PAGES_DIR, { recursive: true, force: true });
    mkdirSync(PAGES_DIR, { recursive: true });
    execFileSync("pdftoppm", ["-r", "60", "-png", join(run.dir, "evidence-report.pdf"), join(PAGES_DIR, "demo")]);
    const pngs = readdirSync(PAGES_DIR).filter((f) => f.startsWith("demo") && f.endsWith(".png"));
    expect(pngs.length).toBe(pageCount(run.pdf));
  });
});

test("a root certificate valid 20 years (asked for in the parameters) contradicts the policy's 10 years (001 §4)", async () => {
  const params = join(work, "root-20y.yaml");
  writeFileSync(params, 'parameters:\n  validityYears: 20\n  subject: "CN=Long Root, O=Evidence Test, C=US"\n');
  const bundle = join(work, "root-20y");
  const rehearsed = await runCeremony(["rehearse", resolve(import.meta.dirname, "../../../ceremony-scripts/root-ca.yaml"), "--params", params, "--out", bundle]);
  expect(rehearsed.code, rehearsed.err).toBe(0);
  const run = await report([bundle]);
  const schedule = requirement(run.json, "rotation-schedule");
  expect(schedule.status).toBe("contradicted");
  expect(schedule.findings.some((f) => f.kind === "contradicted" && /root certificate root-ca-r1 is valid 20 years .* 001 §4 gives a root CA 10 years/.test(f.text))).toBe(true);
});

test("the demo ends with the same report over its bundles, in evidence-report/", () => {
  const json = JSON.parse(readFileSync(join(demo.out, "evidence-report", "evidence-report.json"), "utf8")) as EvidenceReport;
  expect(json.format).toBe("ceremony-workstation.evidence-report.v1");
  expect(json.summary.usedAsEvidence).toBe(10);
  expect(flatText(readFileSync(join(demo.out, "evidence-report", "evidence-report.pdf")))).toContain("POLICY EVIDENCE REPORT");
});

test("before the last destruction, the destroyed master key's other copies (the recovered token, the escrow set) are named as not accounted for", async () => {
  const run = await report(beforeLastDestruction());
  const destruction = requirement(run.json, "destruction");
  expect(destruction.evidence.some((e) => /^KEK-01 .* destroyed on token demo-root .* proof: not found by label; not found by ID/.test(e.text))).toBe(true);
  const texts = destruction.findings.map((f) => f.text);
  expect(texts.some((t) => /its copy on token demo-recovery .*recovered by key-recovery-\S+ .* is not recorded as destroyed/.test(t))).toBe(true);
  expect(texts.some((t) => /its KEK-01 escrow set [0-9A-F ]+ \(3 of 5 cards\) held by .*; cards 1, 2, 3, 4, 5 and the wrapped key not collected and destroyed\) is not recorded as destroyed/.test(t))).toBe(true);
  expect(destruction.evidence.some((e) => /^key-destruction-\S+ recorded its verdict on KEK-01: PARTLY DESTROYED, \d+ of \d+ copies it listed remaining$/.test(e.text))).toBe(true);
  expect(destruction.status).toBe("missing");
  // KEK-01 was rotated (key.superseded): its rotation is done, its destruction is scheduled after the overlap.
  expect(requirement(run.json, "rotation-schedule").evidence.some((e) => /^KEK-01 .*, made \d{4}-\d{2}-\d{2}: rotated to KEK-02 by kek-rotation-\S+ on \d{4}-\d{2}-\d{2}$/.test(e.text))).toBe(true);
  expect(destruction.evidence.some((e) => /^KEK-01 .* was replaced by KEK-02 in kek-rotation-\S+; its destruction is scheduled by \d{4}-\d{2}-\d{2}, after the overlap \(held meanwhile on .*token demo-recovery/.test(e.text))).toBe(true);
  expect(requirement(run.json, "replacement").evidence.some((e) => /^KEK-01 .* replaced by KEK-02 in kek-rotation-\S+, to be destroyed by \d{4}-\d{2}-\d{2}$/.test(e.text))).toBe(true);
});

test("thirteen months later the KEK the rotation made is overdue for rotation (kek-rotation.yaml), and the KEK it replaced is overdue for destruction", async () => {
  const master = JSON.parse(readFileSync(join(demo.bundle("master-key"), "transcript.json"), "utf8")) as { ceremony: { startedAt: string } };
  const later = new Date(Date.parse(master.ceremony.startedAt) + 400 * 86_400_000).toISOString().slice(0, 10);
  const run = await report([...beforeLastDestruction(), "--at", later]);
  const schedule = requirement(run.json, "rotation-schedule");
  expect(schedule.status).toBe("overdue");
  const overdue = schedule.findings.filter((f) => f.kind === "overdue");
  expect(overdue.map((f) => f.text)).toEqual([
    expect.stringMatching(/^KEK-02 \(AES-256 master key \(KEK\), KCV [0-9A-F]{6}\), made \d{4}-\d{2}-\d{2}, was due for rotation on \d{4}-\d{2}-\d{2}: 3[45] days overdue \(past the policy's 7-day alert\); rotate it with kek-rotation.yaml$/),
  ]);
  // KEK-01 was rotated, so its rotation is done; but its overlap ended and copies are still held.
  expect(schedule.evidence.some((e) => /^KEK-01 .*: rotated to KEK-02 /.test(e.text))).toBe(true);
  const destruction = requirement(run.json, "destruction");
  expect(destruction.status).toBe("overdue");
  expect(destruction.findings.filter((f) => f.kind === "overdue").map((f) => f.text)).toEqual([
    expect.stringMatching(/^KEK-01 .* was replaced by KEK-02 in kek-rotation-\S+ and was to be destroyed by \d{4}-\d{2}-\d{2} after its overlap: \d+ days overdue, still held on (?=.*token demo-recovery)(?=.*KEK-01 escrow set [0-9A-F ]+ \(3 of 5 cards\))/),
  ]);
  expect(run.json.asOf).toBe(`${later}T00:00:00.000Z`);
  expect(run.json.keys.find((k) => k.label === "KEK-01")?.rotation).toBe("retired");
  expect(run.json.keys.find((k) => k.label === "KEK-02")?.rotation).toBe("overdue");
  expect(run.out).toMatch(/^ +overdue: KEK-02 .*rotate it with kek-rotation.yaml$/m);
  expect(run.out).toMatch(/^ +overdue: KEK-01 .* was to be destroyed by /m);
});

test("a tampered bundle is reported NOT VERIFIED and none of its events is evidence", async () => {
  // The bundles before the demo's last destruction, so that a copy of KEK-01 is still held.
  const copy = join(work, "tampered-archive");
  for (const dir of beforeLastDestruction()) cpSync(dir, join(copy, basename(dir)), { recursive: true });
  const master = readdirSync(copy).find((n) => n.endsWith("-master-key"))!;
  const file = join(copy, master, "transcript.json");
  const bytes = readFileSync(file);
  const at = bytes.indexOf("Master key generation") + 3;
  bytes[at] = bytes[at]! ^ 0x01;
  writeFileSync(file, bytes);
  const run = await report([copy]);
  const bad = run.json.bundles.find((b) => b.path.endsWith(master))!;
  expect(bad).toMatchObject({ verdict: "failed", use: "not-verified" });
  expect(bad.failures.map((f) => f.code)).toContain("MANIFEST_HASH_MISMATCH");
  expect(run.json.summary).toMatchObject({ bundles: 9, usedAsEvidence: 8, notVerified: 1 });
  const cited = run.json.requirements.flatMap((r) => r.evidence.map((e) => e.bundle));
  expect(cited).not.toContain(bad.path);
  // Split knowledge is now shown only by KEK-02's escrows (the rotation's set, revoked, and the re-escrow's), not by the tampered master key's.
  expect(requirement(run.json, "split-knowledge").evidence.map((e) => e.text)).toEqual([
    expect.stringMatching(/^KEK-02 escrow set [0-9A-F ]+ \(2 of 3 cards\) revoked by re-escrow-\S+ \(Ivo Holder left the company; all three cards handed in\); set [0-9A-F ]+ holds the split knowledge since$/),
    expect.stringMatching(/^KEK-02 escrow set [0-9A-F ]+ \(2 of 3 cards\): 3 different holders/),
    expect.stringMatching(/^KEK-02 escrow set [0-9A-F ]+ \(2 of 3 cards\): 3 different holders/),
  ]);
  // Without the master key's bundle, the destroyed KEK is known by its recovered copy: the
  // destruction on the demo's first token (same CKA_ID and label) still leaves that copy named.
  expect(requirement(run.json, "destruction").findings.map((f) => f.text)).toEqual([expect.stringMatching(/^KEK-01 .* was destroyed by key-destruction-\S+, but its copy on token demo-recovery .* is not recorded as destroyed/)]);
  expect(run.json.keys.find((k) => k.label === "KEK-01")?.copies.map((c) => c.how)).toEqual(["recovered", "elsewhere"]);
  expect(run.code).toBe(1);
  expect(run.out).toMatch(new RegExp(`NOT VERIFIED, excluded\\s+\\S+${master} .*\\[MANIFEST_HASH_MISMATCH\\]`));
  expect(flatText(run.pdf)).toContain("NOT VERIFIED: excluded");
});

test("a key rotation ceremony whose witnesses include no CISO or Director of Cybersecurity contradicts the rule", async () => {
  // A master-key transcript recast as a KEK rotation (script id, text and hash), rechained and
  // re-signed: a bundle that verifies (not anchored), with two witnesses and no job titles.
  const dir = copyBundle(demo.bundle("master-key"), join(work, "archive-rotation", "04-kek-rotation"));
  const t = readTranscript(dir);
  const text = t.script.text.replace(/^id: master-key$/m, "id: kek-rotation");
  const sha = createHash("sha256").update(text, "utf8").digest("hex");
  // The demo's cast gives Xu Witness a job title (Director of Cybersecurity): taken away here, so nobody has one.
  const untitled = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([k]) => k !== "title")) as T;
  const events = t.events.map((e) =>
    e.type === "ceremony.started"
      ? { ...e, body: { ...e.body, scriptId: "kek-rotation", scriptText: text, scriptSha256: sha } }
      : e.type === "participant.joined"
        ? { ...e, body: untitled(e.body) }
        : e,
  );
  const participants = t.participants.map(untitled);
  await resign(dir, rechain({ ...t, ceremony: { ...t.ceremony, scriptId: "kek-rotation" }, script: { ...t.script, text, sha256: sha }, participants, events }), attackerSigner());
  const run = await report([dir]);
  expect(run.json.bundles[0]).toMatchObject({ scriptId: "kek-rotation", verdict: "verified-not-anchored", use: "evidence" });
  const rule = requirement(run.json, "rotation-witnesses");
  expect(rule.status).toBe("contradicted");
  expect(rule.findings.map((f) => f.text)).toEqual([
    expect.stringMatching(/^Rotation ceremony master-key-\S+ \(kek-rotation\): no witness who attested its key steps is the CISO or Director of Cybersecurity \(nobody gave a job title at sign-in\)\.$/),
  ]);
  expect(run.json.pciDss.find((p) => p.id === "3.7.4")?.status).toBe("contradicted");
  expect(flatText(run.pdf)).toContain("no witness who attested its key steps is the CISO or Director of Cybersecurity");
});

describe("bad input: one line, exit 2, no stack trace", () => {
  const oneLine = (r: { code: number; out: string; err: string }, pattern: RegExp): void => {
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\n\s+at |unexpected error/);
  };

  test("no path, no --out", async () => {
    oneLine(await runCeremony(["report", "--out", join(work, "x")]), /^ceremony report: give one or more bundle folders/);
    oneLine(await runCeremony(["report", demo.out]), /^ceremony report: give a folder for the PDF and JSON with --out DIR/);
  });

  test("a folder with no bundle in it, and a path that does not exist", async () => {
    const empty = join(work, "no-bundles");
    mkdirSync(join(empty, "sub"), { recursive: true });
    writeFileSync(join(empty, "sub", "notes.txt"), "not a bundle");
    oneLine(await runCeremony(["report", empty, "--out", join(work, "r-empty")]), /^ceremony report: No ceremony bundle found in \S+no-bundles \(a bundle is a folder holding transcript\.json/);
    oneLine(await runCeremony(["report", join(work, "nowhere"), "--out", join(work, "r-nowhere")]), /^ceremony report: No ceremony bundle found in \S+nowhere/);
  });

  test("a bad --at, and report files that already exist", async () => {
    oneLine(await runCeremony(["report", demo.out, "--at", "next year", "--out", join(work, "r-at")]), /^ceremony report: --at "next year" is not a date; give it as 2027-12-31/);
    const dir = join(work, "r-exists");
    mkdirSync(dir);
    writeFileSync(join(dir, "evidence-report.json"), "{}");
    oneLine(await runCeremony(["report", demo.out, "--out", dir]), /evidence-report\.json already exists; a report is never written over another/);
  });
});
