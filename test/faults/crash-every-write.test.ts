/**
 * Crash matrix: a full root-CA and a full master-key rehearsal, the destruction of a master key
 * with every copy accounted for, a root rotation, a KEK rotation and a re-escrow, each killed with SIGKILL right after EVERY journal write
 * (every event seq of a clean run, one process per kill), then resumed by a fresh process. Each resumed ceremony must complete: every event the killed process had
 * written is still there, seqs are contiguous with no duplicates, each kind of event occurs as
 * often as the script allows with exactly one ceremony.completed, pkcs11-tool lists one key per
 * label, and the bundle verifies.
 */
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript, parseParams, type LoadedScript } from "../../src/ceremony/load-script.ts";
import { scriptRecheck } from "../../src/ceremony/script-recheck.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../src/hsm/index.ts";
import { type ChainedEvent, Journal } from "../../src/journal/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import { readFileSync } from "node:fs";
import { bundleMain } from "./support/bundles.ts";
import { EXPECTED_LABELS, eventProblems, tokenProblems } from "./support/ceremony-invariants.ts";
import { pool, runChild } from "./support/child.ts";
import { recordFaultRow } from "./support/fault-table.ts";
import { reEscrowParams } from "./support/prerequisites.ts";
import { scratchDir } from "./support/scratch.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const CONCURRENCY = Math.max(2, Math.min(4, availableParallelism()));
/** A bound for a hung matrix on a heavily loaded machine, not an expectation. */
const MATRIX_BOUND_MS = 2_400_000;
const work = scratchDir("crash-matrix-");
// A case that lost something keeps its folder (journal, token, bundle) for inspection.
afterAll(() => {
  if (readdirSync(work).length === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`crash cases kept for inspection in ${work}`);
});

interface KillOutcome {
  seq: number;
  type: string;
  phase: string;
  problems: string[];
}

/**
 * A journal and token a ceremony starts from: empty, or (for a destruction) holding the finished
 * master-key ceremony whose key it destroys, copied afresh for each case.
 */
interface CaseStart {
  from?: string;
  params?: string;
  /** Checks particular to the script, on the finished journal. */
  also?: (journal: Journal, events: ChainedEvent[]) => string[];
}

function loadScriptWith(scriptFile: string, paramsFile?: string): LoadedScript {
  const params = paramsFile ? parseParams(readFileSync(paramsFile, "utf8"), basename(paramsFile)) : undefined;
  return loadScript(readFileSync(join(ROOT, "ceremony-scripts", scriptFile), "utf8"), scriptFile, params);
}

/** Copies a prepared folder (env.json, journal.db, the SoftHSM2 configuration and tokens) to `dir`. */
function copyPrepared(from: string, dir: string): RehearsalEnvironment {
  cpSync(from, dir, { recursive: true });
  const env = JSON.parse(readFileSync(join(from, "env.json"), "utf8")) as RehearsalEnvironment;
  const moved = { ...env, dir: env.dir.replace(from, dir), env: { SOFTHSM2_CONF: env.env.SOFTHSM2_CONF.replace(from, dir) } };
  writeFileSync(moved.env.SOFTHSM2_CONF, readFileSync(moved.env.SOFTHSM2_CONF, "utf8").replaceAll(from, dir));
  return moved;
}

async function ceremonyCase(scriptFile: string, name: string, killAt: number, start: CaseStart = {}): Promise<{ written: string[]; problems: string[]; journalEvents: string[] }> {
  const dir = join(work, name);
  const env = start.from ? copyPrepared(start.from, dir) : await createRehearsalEnvironment([{ label: "crash" }], { parentDir: (mkdirSync(dir, { recursive: true }), dir) });
  const envJson = join(dir, "env.json");
  writeFileSync(envJson, JSON.stringify(env));
  mkdirSync(join(dir, "cards"), { recursive: true });
  const args = [envJson, join(dir, "journal.db"), join(ROOT, "ceremony-scripts", scriptFile), join(dir, "bundle"), join(dir, "cards")];
  const main = bundleMain("crash");
  const problems: string[] = [];
  const written: string[] = [];
  if (killAt >= 0) {
    const first = await runChild(main, [...args, String(killAt), ...(start.params ? [start.params] : [])], { killOn: "PAUSED" });
    written.push(...first.lines.filter((l) => l.startsWith("EVENT ")));
    if (!first.killed) problems.push(`the first run was not killed (exit ${first.code}): ${first.stderr.slice(-500)}`);
  }
  const second = await runChild(main, [...args, "-1", ...(start.params ? [start.params] : [])]);
  if (killAt < 0) written.push(...second.lines.filter((l) => l.startsWith("EVENT ")));
  if (!second.lines.includes("DONE")) problems.push(`the resumed run did not complete (exit ${second.code}): ${second.stderr.slice(-800)}`);

  const script = loadScriptWith(scriptFile, start.params);
  let journalEvents: string[] = [];
  try {
    const journal = Journal.open(join(dir, "journal.db"));
    try {
      const ids = journal.ceremonies();
      const before = start.from ? 1 : 0;
      if (ids.length !== before + 1) problems.push(`the journal holds ${ids.length} ceremonies, expected ${before + 1}`);
      const events = journal.events(ids.at(-1)!);
      journalEvents = events.map((e) => `EVENT ${e.seq} ${e.type} ${e.head}`);
      // Every event the killed process reported written survived the kill, unchanged in place (same seq, type and chain head).
      for (const line of written) if (!journalEvents.includes(line)) problems.push(`lost: ${line}`);
      const killedBeforeEnd = killAt >= 0 && !written.some((l) => l.split(" ")[2] === "ceremony.completed");
      problems.push(...eventProblems(events, script, { participants: 9, resumes: killedBeforeEnd ? 1 : 0, failures: 0 }));
      problems.push(...(start.also?.(journal, events) ?? []));
    } finally {
      journal.close();
    }
  } catch (e) {
    problems.push(`the journal does not reopen: ${(e as Error).message}`);
  }
  const v = await verifyBundle(join(dir, "bundle"), { extraChecks: [scriptRecheck] });
  if (!v.ok) problems.push(`the bundle does not verify: ${v.failures.map((f) => f.message).join("; ")}`);
  const token = env.tokens[0]!;
  problems.push(...(await tokenProblems({ modulePath: env.modulePath, env: env.env, tokenLabel: token.label, userPin: token.userPin }, EXPECTED_LABELS[scriptFile]!)));
  if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
  return { written, problems, journalEvents };
}

/** "sign-in", "air gap", "step 3", "finish": where in the ceremony event `seq` of a clean run falls. */
function phaseOf(events: readonly string[], seq: number, script: LoadedScript): string {
  const upTo = events.slice(0, seq + 1).map((l) => l.split(" ")[2]);
  if (upTo.includes("ceremony.completed")) return "finish";
  const started = upTo.filter((t) => t === "step.started").length;
  if (started > 0) return `step ${started} (${script.steps[started - 1]!.action.type})`;
  return upTo.includes("participants.confirmed") ? "air gap" : "sign-in";
}

async function crashMatrix(scriptFile: string, title: string, start: CaseStart = {}): Promise<KillOutcome[]> {
  const script = loadScriptWith(scriptFile, start.params);
  const clean = await ceremonyCase(scriptFile, `${scriptFile}-clean`, -1, start);
  expect(clean.problems, "the clean reference run").toEqual([]);
  const reference = clean.written;
  expect(reference.length).toBeGreaterThan(40);
  const outcomes = await pool(
    CONCURRENCY,
    reference.map((line, seq) => async (): Promise<KillOutcome> => {
      const r = await ceremonyCase(scriptFile, `${scriptFile}-kill-${seq}`, seq, start);
      const killedAt = r.written.at(-1)?.split(" ").slice(0, 3).join(" ");
      const expected = line.split(" ").slice(0, 3).join(" ");
      if (killedAt !== expected) r.problems.push(`killed after "${killedAt}", expected after "${expected}" (the clean run's event ${seq})`);
      return { seq, type: line.split(" ")[2]!, phase: phaseOf(reference, seq, script), problems: r.problems };
    }),
  );
  const steps = outcomes.filter((o) => o.phase.startsWith("step ")).map((o) => Number(o.phase.split(" ")[1]));
  recordFaultRow({
    faultClass: `crash: SIGKILL after a journal write (${title})`,
    tried: outcomes.length,
    survived: outcomes.filter((o) => o.problems.length === 0).length,
    lost: outcomes.filter((o) => o.problems.length > 0).map((o) => `seq ${o.seq} ${o.type}: ${o.problems[0]}`),
    coverage: `every event seq 0..${reference.length - 1} of a clean run: sign-in, air gap, steps ${Math.min(...steps)}-${Math.max(...steps)}, finish`,
  });
  return outcomes;
}

test("root CA: killed after every journal write, each resume completes with nothing lost", async () => {
  const outcomes = await crashMatrix("root-ca.yaml", "root CA");
  expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
}, MATRIX_BOUND_MS);

test("master key: killed after every journal write, each resume completes with nothing lost", async () => {
  const outcomes = await crashMatrix("master-key.yaml", "master key");
  expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
}, MATRIX_BOUND_MS);

/**
 * A master-key ceremony run once on a token (its bundle's cards and journal kept), and the
 * parameters of a destruction that accounts for every copy: the key on that token, the five
 * cards (number and printed fingerprint) and the wrapped key.
 */
async function preparedMasterKey(): Promise<{ from: string; params: string }> {
  const from = join(work, "destruction-base");
  mkdirSync(from, { recursive: true });
  const env = await createRehearsalEnvironment([{ label: "crash" }], { parentDir: from });
  writeFileSync(join(from, "env.json"), JSON.stringify(env));
  mkdirSync(join(from, "cards"));
  const master = await runChild(bundleMain("crash"), [join(from, "env.json"), join(from, "journal.db"), join(ROOT, "ceremony-scripts", "master-key.yaml"), join(from, "master-bundle"), join(from, "cards"), "-1"]);
  expect(master.lines, master.stderr).toContain("DONE");
  const journal = Journal.open(join(from, "journal.db"));
  try {
    const kek = journal.listKeysWithCopies().find((g) => g.label === "KEK-01")!;
    const cards = kek.copies.flatMap((c) => (c.kind === "card" ? [`"${c.card} ${c.fingerprint.slice(0, 16)}"`] : []));
    const blobs = kek.copies.flatMap((c) => (c.kind === "wrapped-key" ? [`"${c.sha256.slice(0, 16)}"`] : []));
    const params = join(work, "destruction-params.yaml");
    writeFileSync(params, `parameters:\n  keyLabel: KEK-01\n  expectedId: "${kek.tokens[0]!.ckaId}"\n  cardsCollected: [${cards.join(", ")}]\n  wrappedKeysDestroyed: [${blobs.join(", ")}]\n`);
    return { from, params };
  } finally {
    journal.close();
  }
}

/** After any kill and resume, the destruction still accounts for every copy once, and the inventory agrees. */
function everyCopyAccounted(journal: Journal, events: ChainedEvent[]): string[] {
  const problems: string[] = [];
  const verdicts = events.filter((e) => e.type === "key.copies.accounted").map((e) => e.body as { verdict: string; copies: Array<{ status: string }> });
  const last = verdicts.at(-1);
  if (last?.verdict !== "destroyed") problems.push(`the destruction's verdict is ${last?.verdict ?? "missing"}, expected destroyed`);
  if (last && last.copies.length !== 7) problems.push(`the verdict names ${last.copies.length} copies, expected 7 (the token, five cards, the wrapped key)`);
  if (events.filter((e) => e.type === "key.destroyed").length !== 1) problems.push(`${events.filter((e) => e.type === "key.destroyed").length} key.destroyed events, expected 1`);
  const kek = journal.listKeysWithCopies().find((g) => g.label === "KEK-01");
  if (kek?.status !== "destroyed") problems.push(`the inventory says KEK-01 is ${kek?.status ?? "missing"}, expected destroyed`);
  return problems;
}

test("key destruction of every copy: killed after every journal write, each resume completes with every copy accounted for", async () => {
  const prepared = await preparedMasterKey();
  try {
    const outcomes = await crashMatrix("key-destruction.yaml", "key destruction", { ...prepared, also: everyCopyAccounted });
    expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
  } finally {
    rmSync(prepared.from, { recursive: true, force: true });
    rmSync(prepared.params, { force: true });
  }
}, MATRIX_BOUND_MS);

/**
 * A ceremony of `scriptFile` run once on a token (its journal and bundle kept), and the
 * parameters a rotation of the key it made runs with: the case copies that token and journal.
 */
async function prepared(name: string, scriptFile: string, paramsFor: (bundle: string, journal: Journal) => string): Promise<{ from: string; params: string }> {
  const from = join(work, `${name}-base`);
  mkdirSync(from, { recursive: true });
  const env = await createRehearsalEnvironment([{ label: "crash" }], { parentDir: from });
  writeFileSync(join(from, "env.json"), JSON.stringify(env));
  mkdirSync(join(from, "cards"));
  const bundle = join(from, "first-bundle");
  const first = await runChild(bundleMain("crash"), [join(from, "env.json"), join(from, "journal.db"), join(ROOT, "ceremony-scripts", scriptFile), bundle, join(from, "cards"), "-1"]);
  expect(first.lines, first.stderr).toContain("DONE");
  const journal = Journal.open(join(from, "journal.db"));
  try {
    const params = join(work, `${name}-params.yaml`);
    writeFileSync(params, paramsFor(bundle, journal));
    return { from, params };
  } finally {
    journal.close();
  }
}

/** After any kill and resume, the rotation links the old key to the new one once, with the date it set. */
function rotationRecorded(oldLabel: string, newLabel: string, scheduled: boolean) {
  return (journal: Journal, events: ChainedEvent[]): string[] => {
    const problems: string[] = [];
    const recorded = events.filter((e) => e.type === "key.superseded");
    if (recorded.length !== 1) problems.push(`${recorded.length} key.superseded events, expected 1`);
    const keys = journal.listKeys();
    const old = keys.find((k) => k.label === oldLabel);
    const successor = keys.find((k) => k.label === newLabel);
    if (!old || !successor || old.supersededBy?.ckaId !== successor.ckaId) problems.push(`the inventory does not say ${newLabel} replaces ${oldLabel}`);
    if ((old?.destructionDueAt !== null) !== scheduled) problems.push(`${oldLabel}'s destruction date is ${old?.destructionDueAt ?? "none"}, expected ${scheduled ? "one" : "none"}`);
    return problems;
  };
}

test("root rotation: killed after every journal write, each resume completes with nothing lost", async () => {
  const start = await prepared("root-rotation", "root-ca.yaml", (bundle) => `parameters:\n  oldRootCertificate: ${JSON.stringify(join(bundle, "certs", "root-ca-r1.pem"))}\n`);
  try {
    const outcomes = await crashMatrix("root-rotation.yaml", "root rotation", { ...start, also: rotationRecorded("ROOT-CA-R1", "ROOT-CA-R2", false) });
    expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
  } finally {
    rmSync(start.from, { recursive: true, force: true });
    rmSync(start.params, { force: true });
  }
}, MATRIX_BOUND_MS);

/** After any kill and resume, the old set is revoked once, by this ceremony, superseded by the set it made; every old card destroyed. */
function oldSetRevoked(journal: Journal, events: ChainedEvent[]): string[] {
  const problems: string[] = [];
  const revoked = events.filter((e) => e.type === "escrow.set.revoked");
  if (revoked.length !== 1) problems.push(`${revoked.length} escrow.set.revoked events, expected 1`);
  // A split made again after a kill while printing voids a set in between: look the sets up by ID.
  const split = String(events.filter((e) => e.type === "escrow.split").at(-1)?.body.setId ?? "").toLowerCase();
  const previous = String(events.find((e) => e.type === "escrow.previous.checked")?.body.setId ?? "").toLowerCase();
  const old = journal.escrowSet(previous);
  if (!old?.revoked || old.revoked.byCeremony !== events[0]?.ceremonyId) problems.push(`the inventory does not say this ceremony revoked set ${previous}`);
  if (old?.revoked?.supersededBy !== split || journal.escrowSet(split)?.revoked !== null) problems.push("the old set is not superseded by the set this ceremony made");
  if (old && old.cards.some((c) => c.status !== "collected-and-destroyed")) problems.push("an old card handed in is not recorded as collected and destroyed");
  return problems;
}

test("re-escrow: killed after every journal write, each resume completes with the old set revoked once", async () => {
  const start = await prepared("re-escrow", "master-key.yaml", reEscrowParams);
  try {
    const outcomes = await crashMatrix("re-escrow.yaml", "re-escrow", { ...start, also: oldSetRevoked });
    expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
  } finally {
    rmSync(start.from, { recursive: true, force: true });
    rmSync(start.params, { force: true });
  }
}, MATRIX_BOUND_MS);

test("KEK rotation: killed after every journal write, each resume completes with nothing lost", async () => {
  const start = await prepared("kek-rotation", "master-key.yaml", (_bundle, journal) => `parameters:\n  oldKeyId: "${journal.listKeys().find((k) => k.label === "KEK-01")!.ckaId}"\n`);
  try {
    const outcomes = await crashMatrix("kek-rotation.yaml", "KEK rotation", { ...start, also: rotationRecorded("KEK-01", "KEK-02", true) });
    expect(outcomes.filter((o) => o.problems.length > 0)).toEqual([]);
  } finally {
    rmSync(start.from, { recursive: true, force: true });
    rmSync(start.params, { force: true });
  }
}, MATRIX_BOUND_MS);
