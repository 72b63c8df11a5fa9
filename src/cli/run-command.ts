/**
 * `ceremony run SCRIPT [--params FILE] [--module PATH [--module-args STRING]] --token LABEL [--serial S] --out DIR
 * [--journal DB] [--save-cards DIR]`: a real ceremony, interactive in a terminal. Each step is
 * shown with its checklist; the performer runs it; each witness confirms the checklist and types
 * their attestation PIN; the HSM PIN and share words are read without echo. A journal with an
 * unfinished ceremony of this script is resumed; one blocked by its air-gap check can be
 * abandoned (a dual-controlled abort). The steps themselves are in run-steps.ts, the questions
 * to people in run-questions.ts.
 */
import { mkdir } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { checkAirGap } from "../airgap/check.ts";
import { PrinterCardSink, SavedCardSink } from "../ceremony/card-sinks.ts";
import { finishCeremony } from "../ceremony/finish.ts";
import { checkOutputDir } from "../ceremony/output-dir.ts";
import { loadScriptFile, parametersSha256, type LoadedScript } from "../ceremony/load-script.ts";
import { eventsOfType } from "../events/index.ts";
import { refuseRevokedRecovery, withRecoveryHeadCount } from "../ceremony/escrow-holders.ts";
import { CeremonyRunner, type RunnerOptions } from "../ceremony/runner.ts";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { foldState } from "../ceremony/state.ts";
import { CeremonyError } from "../errors.ts";
import { formatFingerprint, formatHex, labelledLines } from "../common/index.ts";
import { HsmClient, SOFTHSM2_MODULE } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import type { CliIo } from "./io.ts";
import { DEFAULT_JOURNAL } from "./keys-command.ts";
import type { Prompter } from "./prompt.ts";
import { abortCeremony, choose, signIn, tokenThenPin, yesNo } from "./run-questions.ts";
import { runSteps } from "./run-steps.ts";
import { tokenChoice, type TokenChoiceArgs } from "./token-choice.ts";
import { preflightOnModule } from "../ceremony/preflight-session.ts";
import { formatPreflightTable } from "../ceremony/preflight-table.ts";

export interface RunArgs extends TokenChoiceArgs {
  script?: string;
  params?: string;
  module?: string;
  /** The module's init string, e.g. NSS softokn's `configdir='sql:DIR' …`. */
  moduleArgs?: string | undefined;
  token?: string;
  serial?: string;
  out?: string;
  journal?: string;
  saveCards?: string;
}

const RUN_USAGE =
  "usage: ceremony run SCRIPT [--params FILE] [--module PATH [--module-args STRING]]\n" +
  "                    (--token LABEL [--serial S] | --token-uri URI) --out DIR [--journal DB] [--save-cards DIR]";

export async function runCommand(io: CliIo, args: RunArgs, prompt: Prompter): Promise<number> {
  const choice = tokenChoice(args);
  if (!args.script || !args.out || !choice) {
    io.err(RUN_USAGE);
    return 2;
  }
  const modulePath = choice.modulePath ?? SOFTHSM2_MODULE;
  // A ScriptValidationError reaches main(), which prints every problem with its YAML path.
  const loaded = await loadScriptFile(args.script, args.params);
  const { script } = loaded;
  // Before anyone signs in: a bundle with nowhere to go must not cost an HSM signature.
  await checkOutputDir(args.out);
  let cards;
  if (args.saveCards) {
    io.out("WARNING: saving share cards writes secrets to disk. Each card must be printed and the files destroyed.");
    const answer = await prompt.ask('Type "save cards" to confirm: ');
    cards = new SavedCardSink(resolve(args.saveCards), answer === "save cards");
  } else {
    cards = new PrinterCardSink();
  }
  const journalPath = resolve(args.journal ?? DEFAULT_JOURNAL);
  await mkdir(dirname(journalPath), { recursive: true, mode: 0o700 });
  const journal = Journal.open(journalPath);
  const options: RunnerOptions = {
    journal,
    credentials: journal.credentials,
    openHsm: async () => {
      // Long HSM work (RSA-4096 generation takes minutes on USB HSMs) says it is still running.
      const client = await HsmClient.open({
        modulePath,
        ...(args.moduleArgs !== undefined ? { moduleArgs: args.moduleArgs } : {}),
        progressIntervalMs: 5000,
      });
      client.on("busy", (b) => io.out(`  … the HSM is still working (${b.operation}, ${Math.round(b.elapsedMs / 1000)} s)`));
      return client;
    },
    token: choice.selector,
    cards,
    rehearsal: false,
    scriptDir: dirname(resolve(args.script)),
  };
  let runner: CeremonyRunner | null = null;
  try {
    runner = await openCeremony(io, prompt, script, options, args, { modulePath, moduleArgs: args.moduleArgs });
    if (!runner) return 1;
    await signIn(io, prompt, runner);
    if (!(await airGap(io, prompt, runner))) return 1;
    if ((await runSteps(io, prompt, runner, options.scriptDir!)) === "exited") {
      io.out(`\nExited. Ceremony ${runner.ceremonyId} stays open; every finished step is in the journal ${journalPath}.`);
      io.out(`To resume it at this step, run the same command again with --journal ${journalPath}.`);
      return 1;
    }
    let result;
    try {
      result = await finishCeremony(runner, {
        outDir: resolve(args.out),
        ...(runner.hsmReady() ? {} : { hsmPin: await tokenThenPin(io, prompt, runner, "HSM PIN (to sign the transcript):") }),
      });
    } catch (e) {
      // Everything signed is in the journal: the bundle can be written again from it, whatever
      // the file system said (a CeremonyError, or a raw ENOTDIR/EIO from a pulled stick).
      io.err(`The bundle was not written: ${e instanceof CeremonyError ? `${e.message} [${e.code}]` : (e as Error).message}`);
      io.err(`Every step of ${runner.ceremonyId} is kept in the journal. Write its bundle to a new folder with:`);
      // A command to copy: continued with a backslash, as a shell reads it, rather than wrapped.
      io.err(`  ceremony finish --journal ${journalPath} \\`);
      io.err(`    --ceremony ${runner.ceremonyId} --out NEW_DIR${args.module ? ` --module ${args.module}` : ""}`);
      return 1;
    }
    io.out(`\n${result.status.toUpperCase()}. Bundle ${result.bundleDir} written and verified.`);
    for (const line of labelledLines("", `Journal checkpoint: ${result.checkpoint.eventCount} events, head`, formatFingerprint(result.checkpoint.head))) io.out(line);
    for (const line of labelledLines("", "Transcript-signing key", formatFingerprint(result.signerSpkiSha256))) io.out(line);
    io.out(`Print sheets/witness-sheet.pdf for the witnesses to sign.`);
    return result.status === "completed" ? 0 : 1;
  } finally {
    await runner?.close();
    journal.close();
    prompt.close();
  }
}

/**
 * The ceremony this run works on: the unfinished one of this script, resumed (with its recorded
 * parameters), or a blocked one, abandoned; else a new one, started only when the air gap and
 * the token's preflight allow it. Null when nothing may start.
 */
async function openCeremony(
  io: CliIo,
  prompt: Prompter,
  script: LoadedScript,
  options: RunnerOptions,
  args: RunArgs,
  module: { modulePath: string; moduleArgs: string | undefined },
): Promise<CeremonyRunner | null> {
  const { journal } = options;
  const unfinished = journal.ceremonies().filter((id) => {
    const events = journal.events(id);
    const first = events[0];
    return first?.type === "ceremony.started" && first.body.scriptSha256 === script.sha256 && !events.some((e) => e.type === "ceremony.completed" || e.type === "ceremony.aborted");
  });
  const pending = unfinished.at(-1);
  if (pending !== undefined) {
    // A resumed ceremony keeps the parameters it started with (the paper script carries their
    // hash): show them, and refuse a parameters file that says otherwise instead of ignoring it.
    const events = journal.events(pending);
    const started = eventsOfType(events, "ceremony.started")[0]!;
    const recorded = started.body.parameters;
    io.out(`Ceremony ${pending} of this script is unfinished (started ${started.time}). Its parameters:`);
    for (const [name, value] of Object.entries(recorded)) io.out(`  ${name} = ${JSON.stringify(value)}`);
    if (args.params !== undefined && parametersSha256(recorded) !== script.parametersSha256) {
      io.err(
        `The parameters in ${args.params} differ from those ceremony ${pending} started with (listed above). ` +
          "To resume it, run again with its parameters; to start anew, finish or abort it first.",
      );
      return null;
    }
    const state = foldState(events, script.steps.length);
    if (state.phase === "blocked") {
      io.out(
        `It was stopped at its air-gap check: network interfaces were up (${state.airGap?.interfacesUp.join(", ")}), and this script ` +
          "does not run on a connected workstation, so it cannot go on. Abandoning it is an abort: a reason, who decides, and an " +
          "internal witness's PIN; then the HSM signs its ABORTED bundle, written to --out.",
      );
      if (await yesNo(io, prompt, `Abandon ceremony ${pending}?`)) {
        const runner = CeremonyRunner.resume(pending, options);
        if (await abortCeremony(io, prompt, runner)) return runner;
        await runner.close();
        io.err(`Ceremony ${pending} was not abandoned; run this command again to abandon it.`);
        return null;
      }
      io.out(`Ceremony ${pending} stays open in the journal; the next run offers to abandon it again.`);
    } else if (await yesNo(io, prompt, `Resume ceremony ${pending}?`)) {
      await refuseRevokedRecovery(script, options.scriptDir!, { lookup: (setId) => journal.escrowSet(setId), extraChecks: [scriptRecheck] });
      const runner = CeremonyRunner.resume(pending, options);
      const s = runner.state();
      io.out(`Resumed ${runner.ceremonyId}; journal verified (${s.eventCount} events, head ${formatHex(s.head.slice(0, 8))}).`);
      if (s.phase === "sign-in" && !airGapBeforeSignIn(io, script)) {
        await runner.close();
        return null;
      }
      return runner;
    }
  }
  // Before anybody signs in: a recovery of a card set a re-escrow revoked, a token that cannot do
  // what the script needs, or a connected workstation that the script refuses, ends it here, with
  // nothing recorded.
  await refuseRevokedRecovery(script, options.scriptDir!, { lookup: (setId) => journal.escrowSet(setId), extraChecks: [scriptRecheck] });
  const report = await preflightOnModule(module, options.token, script);
  io.out(formatPreflightTable(report, basename(args.script!)));
  if (!report.ok) {
    io.err("The ceremony was not started; nobody has signed in. Use a token that meets every need, or change the parameters as advised above.");
    return null;
  }
  if (!airGapBeforeSignIn(io, script)) return null;
  const runner = CeremonyRunner.start(await withRecoveryHeadCount(script, options.scriptDir!), { ...options, preflight: report });
  io.out(`Ceremony ${runner.ceremonyId}: ${script.definition.title}`);
  io.out(`Script SHA-256: ${formatFingerprint(script.sha256)}`);
  return runner;
}

/**
 * The air gap, looked at before anybody signs in: a script that blocks a connected workstation
 * stops here, with nothing recorded, instead of after every sign-in. The check journaled after
 * sign-in (runner.confirmParticipants) still decides; this only saves the room the sign-in.
 */
function airGapBeforeSignIn(io: CliIo, script: LoadedScript): boolean {
  const air = checkAirGap();
  if (air.clear) {
    io.out("Air gap: no network interface is up.");
    return true;
  }
  if (script.definition.airGap === "block") {
    io.err(
      `Network interfaces are up: ${air.interfacesUp.join(", ")}. This script does not run on a connected workstation: ` +
        "disconnect every network (cables out, wireless off) and run this command again. Nobody has signed in; nothing was recorded.",
    );
    return false;
  }
  io.out(`Network interfaces are up: ${air.interfacesUp.join(", ")}. After sign-in, two internal witnesses attest an override to go on.`);
  return true;
}

/** After sign-in: the journaled check, with the witnessed override or the abandonment it may need. */
async function airGap(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<boolean> {
  const state = runner.state();
  if (state.phase === "blocked") {
    // Connected during sign-in: nothing may happen on this workstation but abandoning the ceremony.
    io.err(`Network interfaces are up (${state.airGap?.interfacesUp.join(", ")}), and this script blocks a connected workstation.`);
    io.out("Abandon this ceremony now (an abort: a reason, who decides, an internal witness's PIN), or run this command again later to do it.");
    if ((await yesNo(io, prompt, `Abandon ceremony ${runner.ceremonyId}?`)) && (await abortCeremony(io, prompt, runner))) return true;
    io.err(`Ceremony ${runner.ceremonyId} stays open in the journal; the next run offers to abandon it.`);
    return false;
  }
  while (runner.state().phase === "air-gap") {
    io.out(`\nNetwork interfaces are up: ${runner.state().airGap?.interfacesUp.join(", ")}. Two internal witnesses must attest an override to continue.`);
    const w = await choose(io, prompt, runner.state().participants.filter((p) => p.role === "internal-witness"), "Witness attesting the override");
    try {
      runner.attestAirGapOverride(w.id, await prompt.secret(`${w.name}'s attestation PIN:`));
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(e.message);
    }
  }
  return true;
}
