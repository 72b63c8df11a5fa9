/**
 * Crash matrix: a full root-CA and a full master-key rehearsal, each killed with SIGKILL right
 * after EVERY journal write (every event seq of a clean run, one process per kill), then resumed
 * by a fresh process. Each resumed ceremony must complete: every event the killed process had
 * written is still there, seqs are contiguous with no duplicates, each kind of event occurs as
 * often as the script allows with exactly one ceremony.completed, pkcs11-tool lists one key per
 * label, and the bundle verifies.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript, type LoadedScript } from "../../src/ceremony/load-script.ts";
import { scriptRecheck } from "../../src/ceremony/script-recheck.ts";
import { createRehearsalEnvironment } from "../../src/hsm/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import { readFileSync } from "node:fs";
import { bundleMain } from "./support/bundles.ts";
import { EXPECTED_LABELS, eventProblems, tokenProblems } from "./support/ceremony-invariants.ts";
import { pool, runChild } from "./support/child.ts";
import { recordFaultRow } from "./support/fault-table.ts";
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

async function ceremonyCase(scriptFile: string, name: string, killAt: number): Promise<{ written: string[]; problems: string[]; journalEvents: string[] }> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const env = await createRehearsalEnvironment([{ label: "crash" }], { parentDir: dir });
  const envJson = join(dir, "env.json");
  writeFileSync(envJson, JSON.stringify(env));
  mkdirSync(join(dir, "cards"));
  const args = [envJson, join(dir, "journal.db"), join(ROOT, "ceremony-scripts", scriptFile), join(dir, "bundle"), join(dir, "cards")];
  const main = bundleMain("crash");
  const problems: string[] = [];
  const written: string[] = [];
  if (killAt >= 0) {
    const first = await runChild(main, [...args, String(killAt)], { killOn: "PAUSED" });
    written.push(...first.lines.filter((l) => l.startsWith("EVENT ")));
    if (!first.killed) problems.push(`the first run was not killed (exit ${first.code}): ${first.stderr.slice(-500)}`);
  }
  const second = await runChild(main, [...args, "-1"]);
  if (killAt < 0) written.push(...second.lines.filter((l) => l.startsWith("EVENT ")));
  if (!second.lines.includes("DONE")) problems.push(`the resumed run did not complete (exit ${second.code}): ${second.stderr.slice(-800)}`);

  const script = loadScript(readFileSync(join(ROOT, "ceremony-scripts", scriptFile), "utf8"), scriptFile);
  let journalEvents: string[] = [];
  try {
    const journal = Journal.open(join(dir, "journal.db"));
    try {
      const ids = journal.ceremonies();
      if (ids.length !== 1) problems.push(`the journal holds ${ids.length} ceremonies`);
      const events = journal.events(ids[0]!);
      journalEvents = events.map((e) => `EVENT ${e.seq} ${e.type} ${e.head}`);
      // Every event the killed process reported written survived the kill, unchanged in place (same seq, type and chain head).
      for (const line of written) if (!journalEvents.includes(line)) problems.push(`lost: ${line}`);
      const killedBeforeEnd = killAt >= 0 && !written.some((l) => l.split(" ")[2] === "ceremony.completed");
      problems.push(...eventProblems(events, script, { participants: 9, resumes: killedBeforeEnd ? 1 : 0, failures: 0 }));
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

async function crashMatrix(scriptFile: string, title: string): Promise<KillOutcome[]> {
  const script = loadScript(readFileSync(join(ROOT, "ceremony-scripts", scriptFile), "utf8"), scriptFile);
  const clean = await ceremonyCase(scriptFile, `${scriptFile}-clean`, -1);
  expect(clean.problems, "the clean reference run").toEqual([]);
  const reference = clean.written;
  expect(reference.length).toBeGreaterThan(40);
  const outcomes = await pool(
    CONCURRENCY,
    reference.map((line, seq) => async (): Promise<KillOutcome> => {
      const r = await ceremonyCase(scriptFile, `${scriptFile}-kill-${seq}`, seq);
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
