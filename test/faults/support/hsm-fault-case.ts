/**
 * One HSM fault case: a ceremony whose first module load fails at its Nth PKCS#11 call with a
 * chosen CKR_ code (and keeps failing, like a pulled USB device), then a "replug": every later
 * load is clean. The case passes when the failing action left a clear paused state and the
 * ceremony then completed to a verifying bundle with one key per label.
 *
 * Sign-in and the air-gap step are done once per script and copied for every case: they touch no
 * HSM. The people are scripted as in scripted-people.ts, so that hundreds of cases fit the time
 * budget.
 */
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import type { LoadedScript } from "../../../src/ceremony/load-script.ts";
import type { Participant } from "../../../src/ceremony/participants.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony, type ScriptedParticipant } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { adviceFor, DEFAULT_REHEARSAL_PINS, HsmClient, SOFTHSM2_MODULE, softhsm2Config, type FaultPlan } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { EXPECTED_LABELS, eventProblems, tokenProblems } from "./ceremony-invariants.ts";
import { cheaplyCheckedCredentials, latestCardOf } from "./scripted-people.ts";
import { loadWithParams, preparedToken } from "./prerequisites.ts";

export const FAULT_CODES: ReadonlyArray<FaultPlan["code"]> = ["CKR_DEVICE_REMOVED", "CKR_SESSION_HANDLE_INVALID", "CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_ERROR"];

/** CEREMONY_FAULTS=full (npm run test:faults:full) fails every call with each of the four codes. */
export const EVERY_CODE_AT_EVERY_CALL = process.env.CEREMONY_FAULTS === "full";

/**
 * The codes call N fails with. The app treats the four alike (src/hsm/errors.ts: the device is
 * gone; reopen it and log in again) and differs only in the advice it shows, so by default the
 * codes take turns: call N fails with code (N - 1) mod 4, and every code meets every step that
 * makes four calls or more. CEREMONY_FAULTS=full crosses every call with every code.
 */
export function codesAt(n: number): ReadonlyArray<FaultPlan["code"]> {
  return EVERY_CODE_AT_EVERY_CALL ? FAULT_CODES : [FAULT_CODES[(n - 1) % FAULT_CODES.length]!];
}
const TOKEN_LABEL = "fault";

export interface FaultBase {
  scriptFile: string;
  script: LoadedScript;
  dir: string;
  ceremonyId: string;
  serial: string;
  cast: ScriptedParticipant[];
}

export interface FaultOutcome {
  scriptFile: string;
  failAtCall: number;
  code: string;
  /** The officer saw the fault: an action paused, or finishing failed. */
  triggered: boolean;
  /** Where it surfaced: "step 3 transcript.ensure-signer" or "finish". */
  surfacedAt: string | null;
  survived: boolean;
  problems: string[];
  ms: number;
}

/**
 * A token and a journal with sign-in and the air-gap step done, for every case to copy. A
 * rotation script's token first gets the key it rotates (prerequisites.ts).
 */
export async function prepareBase(scriptsDir: string, scriptFile: string, parentDir: string): Promise<FaultBase> {
  const prepared = await preparedToken(scriptsDir, scriptFile, TOKEN_LABEL, parentDir);
  const script = await loadWithParams(scriptsDir, scriptFile, prepared.paramsText);
  const env = prepared.env;
  const journal = Journal.open(join(env.dir, "journal.db"));
  const cast = rehearsalCast(5);
  const token = env.tokens[0]!;
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: () => Promise.reject(new Error("the base needs no HSM")),
    token: { label: token.label, serial: token.serial },
    cards: new RehearsalCardSink(join(env.dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted",
  });
  await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, stopAfterSteps: 1 });
  journal.close();
  return { scriptFile, script, dir: env.dir, ceremonyId: runner.ceremonyId, serial: token.serial, cast };
}

export async function runFaultCase(base: FaultBase, failAtCall: number, code: FaultPlan["code"], workDir: string): Promise<FaultOutcome> {
  const started = performance.now();
  const dir = join(workDir, `${base.scriptFile.replace(".yaml", "")}-${failAtCall}-${code}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(base.dir, dir, { recursive: true });
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, softhsm2Config(join(dir, "tokens")));
  const env = { SOFTHSM2_CONF: conf };
  const journal = Journal.open(join(dir, "journal.db"));
  const problems: string[] = [];
  const surfaced: string[] = [];
  let loads = 0;
  const sink = new RehearsalCardSink(join(dir, "cards"));
  const runner = CeremonyRunner.resume(base.ceremonyId, {
    journal,
    credentials: cheaplyCheckedCredentials(journal, base.cast),
    // The first load is the device that will fail; every later one is the replugged device.
    openHsm: () => HsmClient.open({ modulePath: SOFTHSM2_MODULE, env, ...(loads++ === 0 ? { faults: { failAtCall, code, sticky: true } } : {}) }),
    token: { label: TOKEN_LABEL, serial: base.serial },
    cards: sink,
    rehearsal: true,
  });
  const holderCard = (holder: Participant): Promise<string> => latestCardOf(runner.events(), sink, holder.id);
  const expectPaused = (e: unknown, where: string): void => {
    surfaced.push(where);
    if (!(e instanceof CeremonyError)) {
      problems.push(`${where}: ${String(e)} is not a CeremonyError`);
      return;
    }
    if (e.code !== code) problems.push(`${where}: surfaced as ${e.code}, not ${code}: ${e.message}`);
    if (!e.message.includes(adviceFor(code))) problems.push(`${where}: the message does not say what to do: ${e.message}`);
    if (runner.hsmReady()) problems.push(`${where}: the runner still holds the failed HSM session`);
  };
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await driveCeremony(runner, { participants: base.cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin, readCard: holderCard });
        break;
      } catch (e) {
        const state = runner.state();
        const step = state.currentStep ?? -1;
        const failed = runner.events().at(-1);
        expectPaused(e, `step ${step + 1} ${base.script.steps[step]?.action.type ?? "?"}`);
        if (failed?.type !== "action.failed" || (failed.body.error as { code?: string })?.code !== code) {
          problems.push(`step ${step + 1}: the journal's last event is ${failed?.type}, not action.failed with ${code}`);
        }
        if (state.steps[step]?.actionStatus !== "failed") problems.push(`step ${step + 1} is not shown as failed`);
        if (!runner.needsOf(step).includes("hsm-pin")) problems.push(`step ${step + 1}: the retry does not ask for the HSM PIN (the replugged device needs a login)`);
        if (attempt >= 2) throw e;
      }
    }
    let result;
    for (let attempt = 0; ; attempt++) {
      try {
        result = await finishCeremony(runner, { outDir: join(dir, "bundle"), hsmPin: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) });
        break;
      } catch (e) {
        expectPaused(e, "finish");
        if (attempt >= 2) throw e;
      }
    }
    if (!result.verification.ok) problems.push(`the bundle does not verify: ${result.verification.failures.map((f) => f.message).join("; ")}`);
    problems.push(...eventProblems(journal.events(base.ceremonyId), base.script, { participants: base.cast.length, resumes: 1, failures: surfaced.filter((s) => s !== "finish").length }));
  } catch (e) {
    problems.push(`the ceremony did not complete: ${(e as Error).message}`);
  } finally {
    await runner.close();
    journal.close();
  }
  problems.push(...(await tokenProblems({ modulePath: SOFTHSM2_MODULE, env, tokenLabel: TOKEN_LABEL, userPin: DEFAULT_REHEARSAL_PINS.userPin }, EXPECTED_LABELS[base.scriptFile]!)));
  if (surfaced.length > 1) problems.push(`the fault surfaced ${surfaced.length} times (${surfaced.join(", ")}): the replug did not clear it`);
  if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
  return {
    scriptFile: base.scriptFile,
    failAtCall,
    code,
    triggered: surfaced.length > 0,
    surfacedAt: surfaced[0] ?? null,
    survived: problems.length === 0,
    problems,
    ms: Math.round(performance.now() - started),
  };
}
