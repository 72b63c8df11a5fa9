/**
 * Crash matrix: a full root-CA and a full master-key rehearsal, the destruction of a master key
 * with every copy accounted for, a root rotation, a KEK rotation and a re-escrow, each crashed
 * right after EVERY journal write (every event seq of a clean run), then resumed by a fresh
 * process. The clean run stops dead after each write (its process blocks; nothing else of it
 * runs) while its folder — journal with its WAL, SoftHSM2 token files, cards, bundle — is copied
 * as it is at that instant, which is what a SIGKILL there leaves on disk; a new process per copy
 * then resumes and completes the ceremony. (test/integration/crash/crash-resume.test.ts kills
 * real processes with SIGKILL, root CA and master key.) Each resumed ceremony must complete:
 * every event written before the crash is still there, seqs are contiguous with no duplicates,
 * each kind of event occurs as often as the script allows with exactly one ceremony.completed,
 * pkcs11-tool lists one key per label, and the bundle verifies.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript, parseParams, type LoadedScript } from "../../src/ceremony/load-script.ts";
import { scriptRecheck } from "../../src/ceremony/script-recheck.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../src/hsm/index.ts";
import { type ChainedEvent, Journal } from "../../src/journal/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import { bundleMain } from "./support/bundles.ts";
import { EXPECTED_LABELS, eventProblems, tokenProblems } from "./support/ceremony-invariants.ts";
import { pool, runChild } from "./support/child.ts";
import { recordFaultRow } from "./support/fault-table.ts";
import { reEscrowParams } from "./support/prerequisites.ts";
import { scratchDir } from "./support/scratch.ts";

const ROOT = resolve(import.meta.dirname, "../..");
// One case per core (a case more in flight took longer: 654 s for npm test against 618 s).
const CONCURRENCY = Math.max(2, Math.min(4, availableParallelism()));
/**
 * Every process of the crash bundle runs without V8's optimising compiler (TurboFan). A resumed
 * case lives for about half a second: TurboFan compiled functions on its background thread that
 * the case was done with before the optimised code paid back (17 % of the matrix's CPU in a perf
 * profile). The same flags for every process of the bundle, so that the V8 code cache the first
 * one writes (start.cjs) is accepted by the others.
 */
const CRASH_CHILD_FLAGS = ["--no-opt"];
/** Runs the crash bundle (crash-entry.ts) with `args`, as every process of this matrix runs. */
const runCrashChild = (args: string[], options: Parameters<typeof runChild>[2] = {}): ReturnType<typeof runChild> =>
  runChild(bundleMain("crash"), args, { ...options, nodeFlags: CRASH_CHILD_FLAGS });
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

/** Loaded once per script and parameters file: every case of a matrix checks its journal against the same script. */
const loadedScripts = new Map<string, LoadedScript>();
function loadScriptWith(scriptFile: string, paramsFile?: string): LoadedScript {
  const key = `${scriptFile}\n${paramsFile ?? ""}`;
  let loaded = loadedScripts.get(key);
  if (!loaded) {
    const params = paramsFile ? parseParams(readFileSync(paramsFile, "utf8"), basename(paramsFile)) : undefined;
    loaded = loadScript(readFileSync(join(ROOT, "ceremony-scripts", scriptFile), "utf8"), scriptFile, params);
    loadedScripts.set(key, loaded);
  }
  return loaded;
}

/** Copies a prepared folder (env.json, journal.db, the SoftHSM2 configuration and tokens) to `dir`. */
/** Copies a ceremony's folder (env.json, journal, the SoftHSM2 configuration and tokens, cards, bundle) to `dir`, pointing it at its new place. */
function copyCaseFolder(from: string, dir: string): RehearsalEnvironment {
  cpSync(from, dir, { recursive: true });
  const env = JSON.parse(readFileSync(join(from, "env.json"), "utf8")) as RehearsalEnvironment;
  const moved = { ...env, dir: env.dir.replace(from, dir), env: { SOFTHSM2_CONF: env.env.SOFTHSM2_CONF.replace(from, dir) } };
  writeFileSync(moved.env.SOFTHSM2_CONF, readFileSync(moved.env.SOFTHSM2_CONF, "utf8").replaceAll(from, dir));
  writeFileSync(join(dir, "env.json"), JSON.stringify(moved));
  return moved;
}

/** The child's arguments for the ceremony in `dir`, up to KILL_AT. */
function caseArgs(dir: string, scriptFile: string): string[] {
  return [join(dir, "env.json"), join(dir, "journal.db"), join(ROOT, "ceremony-scripts", scriptFile), join(dir, "bundle"), join(dir, "cards")];
}

/** A new case folder: empty, or a copy of the prepared start (a destruction or rotation needs the key's own ceremony). */
async function newCaseFolder(name: string, start: CaseStart): Promise<string> {
  const dir = join(work, name);
  const env = start.from ? copyCaseFolder(start.from, dir) : await createRehearsalEnvironment([{ label: "crash" }], { parentDir: (mkdirSync(dir, { recursive: true }), dir) });
  writeFileSync(join(dir, "env.json"), JSON.stringify(env));
  mkdirSync(join(dir, "cards"), { recursive: true });
  return dir;
}

/**
 * The ceremony in `dir` after its run(s): every event the stopped process reported written
 * survived, unchanged in place; the events make a whole ceremony; the bundle verifies; the token
 * holds one key per label. A case with no problem is removed.
 */
async function caseProblems(scriptFile: string, dir: string, written: readonly string[], killedBeforeEnd: boolean, start: CaseStart): Promise<string[]> {
  const problems: string[] = [];
  const script = loadScriptWith(scriptFile, start.params);
  try {
    const journal = Journal.open(join(dir, "journal.db"));
    try {
      const ids = journal.ceremonies();
      const before = start.from ? 1 : 0;
      if (ids.length !== before + 1) problems.push(`the journal holds ${ids.length} ceremonies, expected ${before + 1}`);
      const journalEvents = journal.events(ids.at(-1)!).map((e) => `EVENT ${e.seq} ${e.type} ${e.head}`);
      // Every event the stopped process reported written survived, unchanged in place (same seq, type and chain head).
      for (const line of written) if (!journalEvents.includes(line)) problems.push(`lost: ${line}`);
      const events = journal.events(ids.at(-1)!);
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
  const env = JSON.parse(readFileSync(join(dir, "env.json"), "utf8")) as RehearsalEnvironment;
  const token = env.tokens[0]!;
  problems.push(...(await tokenProblems({ modulePath: env.modulePath, env: env.env, tokenLabel: token.label, userPin: token.userPin }, EXPECTED_LABELS[scriptFile]!)));
  if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
  return problems;
}

/**
 * The clean run, stopped dead after every journal write (the child blocks; nothing else of it
 * runs) while its folder is copied as it is at that instant — what a SIGKILL there leaves on
 * disk — into the folder of that write's case; then it goes on to the end. Returns the events
 * written and the problems of the clean run itself.
 */
async function recordedRun(scriptFile: string, start: CaseStart): Promise<{ reference: string[]; snapshots: number; problems: string[] }> {
  const dir = await newCaseFolder(`${scriptFile}-clean`, start);
  const reference: string[] = [];
  let snapshots = 0;
  const run = await runCrashChild([...caseArgs(dir, scriptFile), "each", ...(start.params ? [start.params] : [])], {
    onLine(line) {
      if (line.startsWith("EVENT ")) reference.push(line);
      const snapshot = /^SNAPSHOT (\d+)$/.exec(line);
      if (!snapshot) return;
      copyCaseFolder(dir, join(work, `${scriptFile}-kill-${snapshot[1]}`));
      snapshots++;
      return "\n";
    },
  });
  const problems: string[] = [];
  if (!run.lines.includes("DONE")) problems.push(`the clean run did not complete (exit ${run.code}): ${run.stderr.slice(-800)}`);
  problems.push(...(await caseProblems(scriptFile, dir, reference, false, start)));
  return { reference, snapshots, problems };
}

/** Case `seq`: a fresh process resumes from the folder as the clean run left it right after event `seq`. */
async function resumedCase(scriptFile: string, seq: number, reference: readonly string[], start: CaseStart): Promise<string[]> {
  const dir = join(work, `${scriptFile}-kill-${seq}`);
  const written = reference.slice(0, seq + 1);
  const problems: string[] = [];
  const run = await runCrashChild([...caseArgs(dir, scriptFile), "-1", ...(start.params ? [start.params] : [])]);
  if (!run.lines.includes("DONE")) problems.push(`the resumed run did not complete (exit ${run.code}): ${run.stderr.slice(-800)}`);
  const killedBeforeEnd = !written.some((l) => l.split(" ")[2] === "ceremony.completed");
  problems.push(...(await caseProblems(scriptFile, dir, written, killedBeforeEnd, start)));
  return problems;
}

function phaseOf(events: readonly string[], seq: number, script: LoadedScript): string {
  const upTo = events.slice(0, seq + 1).map((l) => l.split(" ")[2]);
  if (upTo.includes("ceremony.completed")) return "finish";
  const started = upTo.filter((t) => t === "step.started").length;
  if (started > 0) return `step ${started} (${script.steps[started - 1]!.action.type})`;
  return upTo.includes("participants.confirmed") ? "air gap" : "sign-in";
}


async function crashMatrix(scriptFile: string, title: string, start: CaseStart = {}): Promise<KillOutcome[]> {
  const script = loadScriptWith(scriptFile, start.params);
  const clean = await recordedRun(scriptFile, start);
  expect(clean.problems, "the clean reference run").toEqual([]);
  const reference = clean.reference;
  expect(reference.length).toBeGreaterThan(40);
  expect(clean.snapshots, "a copy of the folder after every journal write").toBe(reference.length);
  const outcomes = await pool(
    CONCURRENCY,
    reference.map((line, seq) => async (): Promise<KillOutcome> => {
      const problems = await resumedCase(scriptFile, seq, reference, start);
      return { seq, type: line.split(" ")[2]!, phase: phaseOf(reference, seq, script), problems };
    }),
  );
  const steps = outcomes.filter((o) => o.phase.startsWith("step ")).map((o) => Number(o.phase.split(" ")[1]));
  recordFaultRow({
    faultClass: `crash: stopped dead after a journal write, resumed by a new process (${title})`,
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
  const master = await runCrashChild([join(from, "env.json"), join(from, "journal.db"), join(ROOT, "ceremony-scripts", "master-key.yaml"), join(from, "master-bundle"), join(from, "cards"), "-1"]);
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
  const first = await runCrashChild([join(from, "env.json"), join(from, "journal.db"), join(ROOT, "ceremony-scripts", scriptFile), bundle, join(from, "cards"), "-1"]);
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
