/**
 * `ceremony run SCRIPT [--params FILE] [--module PATH [--module-args STRING]] --token LABEL [--serial S] --out DIR
 * [--journal DB] [--save-cards DIR]`: a real ceremony, interactive in a terminal. Each step is
 * shown with its checklist; the performer runs it; each witness confirms the checklist and types
 * their attestation PIN; the HSM PIN and share words are read without echo. A journal with an
 * unfinished ceremony of this script is resumed.
 */
import { mkdir } from "node:fs/promises";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { ActionInputs, ShareInput } from "../ceremony/action-api.ts";
import { PrinterCardSink, SavedCardSink } from "../ceremony/card-sinks.ts";
import { finishCeremony } from "../ceremony/finish.ts";
import { checkOutputDir } from "../ceremony/output-dir.ts";
import { loadScriptFile, parametersSha256 } from "../ceremony/load-script.ts";
import { eventsOfType } from "../events/index.ts";
import { withRecoveryHeadCount } from "../ceremony/escrow-holders.ts";
import type { Participant } from "../ceremony/participants.ts";
import { ROLE_TITLES, ROLES, type Role } from "../ceremony/roles.ts";
import { ABORT_DECIDERS, CeremonyRunner } from "../ceremony/runner.ts";
import { CeremonyError, wipe } from "../errors.ts";
import { formatFingerprint, formatHex, outputTextLines } from "../common/index.ts";
import { HsmClient, SOFTHSM2_MODULE } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import type { CliIo } from "./io.ts";
import { DEFAULT_JOURNAL } from "./keys-command.ts";
import type { Prompter } from "./prompt.ts";
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

export async function runCommand(io: CliIo, args: RunArgs, prompt: Prompter): Promise<number> {
  const choice = tokenChoice(args);
  if (!args.script || !args.out || !choice) {
    io.err("usage: ceremony run SCRIPT [--params FILE] [--module PATH [--module-args STRING]] (--token LABEL [--serial S] | --token-uri URI) --out DIR [--journal DB] [--save-cards DIR]");
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
  const options = {
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
  const unfinished = journal.ceremonies().filter((id) => {
    const events = journal.events(id);
    const first = events[0];
    return first?.type === "ceremony.started" && first.body.scriptSha256 === script.sha256 && !events.some((e) => e.type === "ceremony.completed" || e.type === "ceremony.aborted");
  });
  let runner: CeremonyRunner;
  const pending = unfinished.at(-1);
  if (pending !== undefined) {
    // A resumed ceremony keeps the parameters it started with (the paper script carries their
    // hash): show them, and refuse a parameters file that says otherwise instead of ignoring it.
    const started = eventsOfType(journal.events(pending), "ceremony.started")[0]!;
    const recorded = started.body.parameters;
    io.out(`Ceremony ${pending} of this script is unfinished (started ${started.time}). Its parameters:`);
    for (const [name, value] of Object.entries(recorded)) io.out(`  ${name} = ${JSON.stringify(value)}`);
    if (args.params !== undefined && parametersSha256(recorded) !== script.parametersSha256) {
      io.err(
        `The parameters in ${args.params} differ from those ceremony ${pending} started with (listed above). ` +
          "To resume it, run again with its parameters; to start anew, finish or abort it first.",
      );
      journal.close();
      return 1;
    }
  }
  if (pending !== undefined && (await yesNo(io, prompt, `Resume ceremony ${pending}?`))) {
    runner = CeremonyRunner.resume(unfinished.at(-1)!, options);
    io.out(`Resumed ${runner.ceremonyId}; journal verified (${runner.state().eventCount} events, head ${formatHex(runner.state().head.slice(0, 8))}).`);
  } else {
    // Before anybody signs in: a token that cannot do what the script needs ends it here.
    let report;
    try {
      report = await preflightOnModule({ modulePath, moduleArgs: args.moduleArgs }, choice.selector, script);
    } catch (e) {
      journal.close();
      prompt.close();
      throw e;
    }
    io.out(formatPreflightTable(report, basename(args.script)));
    if (!report.ok) {
      io.err("The ceremony was not started; nobody has signed in. Use a token that meets every need, or change the parameters as advised above.");
      journal.close();
      prompt.close();
      return 1;
    }
    runner = CeremonyRunner.start(await withRecoveryHeadCount(script, options.scriptDir), { ...options, preflight: report });
    io.out(`Ceremony ${runner.ceremonyId}: ${script.definition.title} (script SHA-256 ${formatFingerprint(script.sha256)})`);
  }
  try {
    await signIn(io, prompt, runner);
    if (!(await airGap(io, prompt, runner))) return 1;
    const finished = await steps(io, prompt, runner);
    if (!finished) return 1;
    let result;
    try {
      result = await finishCeremony(runner, { outDir: resolve(args.out), ...(runner.hsmReady() ? {} : { hsmPin: await prompt.secret("HSM PIN (to sign the transcript):") }) });
    } catch (e) {
      // Everything signed is in the journal: the bundle can be written again from it, whatever
      // the file system said (a CeremonyError, or a raw ENOTDIR/EIO from a pulled stick).
      io.err(`The bundle was not written: ${e instanceof CeremonyError ? `${e.message} [${e.code}]` : (e as Error).message}`);
      io.err(`Every step of ${runner.ceremonyId} is kept in the journal. Write its bundle to a new folder with:`);
      io.err(`  ceremony finish --journal ${journalPath} --ceremony ${runner.ceremonyId} --out NEW_DIR${args.module ? ` --module ${args.module}` : ""}`);
      return 1;
    }
    io.out(`\n${result.status.toUpperCase()}. Bundle ${result.bundleDir} written and verified.`);
    io.out(`Journal checkpoint: ${result.checkpoint.eventCount} events, head ${formatFingerprint(result.checkpoint.head)}`);
    io.out(`Transcript-signing key: ${formatFingerprint(result.signerSpkiSha256)}`);
    io.out(`Print sheets/witness-sheet.pdf for the witnesses to sign.`);
    return result.status === "completed" ? 0 : 1;
  } finally {
    await runner.close();
    journal.close();
    prompt.close();
  }
}

async function signIn(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<void> {
  if (runner.state().phase !== "sign-in") return;
  io.out(`\nSign-in. Roles needed: ${ROLES.filter((r) => runner.script.roleMinimums[r] > 0).map((r) => `${runner.script.roleMinimums[r]} × ${ROLE_TITLES[r]}`).join(", ")}`);
  for (;;) {
    const name = await prompt.ask("Participant name (empty when everyone has signed in): ");
    if (!name) {
      try {
        runner.confirmParticipants();
        return;
      } catch (e) {
        if (!(e instanceof CeremonyError)) throw e;
        io.err(e.message);
        continue;
      }
    }
    const roleAnswer = await prompt.choice(`Role (${ROLES.map((r, i) => `${i + 1} ${r}`).join(", ")}): `, [...ROLES.map((_, i) => String(i + 1)), ...ROLES]);
    if (roleAnswer === null) {
      io.err(`Choose a role by its number (1-${ROLES.length}) or its name; sign in again.`);
      continue;
    }
    const role = (ROLES[Number(roleAnswer) - 1] ?? roleAnswer) as Role;
    const organisation = await prompt.ask("Organisation: ");
    const pin = await prompt.secret(`${name}, choose an attestation PIN (6+ characters):`);
    const again = await prompt.secret("Type it again:");
    const same = pin.equals(again);
    wipe(again);
    if (!same) {
      wipe(pin);
      io.err("The two PINs differ; sign in again.");
      continue;
    }
    try {
      const p = runner.addParticipant({ name, role, organisation }, pin);
      io.out(`  signed in: ${p.name}, ${ROLE_TITLES[p.role]}, ${p.organisation}`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(e.message);
    }
  }
}

async function airGap(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<boolean> {
  const state = runner.state();
  if (state.phase === "blocked") {
    io.err(`Network interfaces are up (${state.airGap?.interfacesUp.join(", ")}), and this script blocks a connected workstation. Disconnect them and start again.`);
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

async function steps(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<boolean> {
  for (;;) {
    const state = runner.state();
    if (state.phase === "aborted") return true;
    if (state.phase !== "steps" || state.currentStep === null) return true;
    const index = state.currentStep;
    const step = runner.script.steps[index]!;
    io.out(`\n━━ Step ${index + 1} of ${runner.script.steps.length}: ${step.title} ━━`);
    if (step.instructions) io.out(step.instructions.trim());
    for (const item of step.checklist) io.out(`  ☐ ${item}`);
    if (state.steps[index]!.actionStatus !== "succeeded") {
      if (runner.previewNeeded(index) && !(await confirmPreview(io, prompt, runner, index))) continue;
      const performer = await choose(io, prompt, state.participants.filter((p) => p.role === step.performer), `${ROLE_TITLES[step.performer]} performing the step`);
      const needs = runner.needsOf(index);
      const inputs = await gatherInputs(io, prompt, runner, index);
      try {
        const result = await runner.runAction(performer.id, inputs);
        for (const o of Object.values(result.outputs)) for (const line of outputTextLines(o)) io.out(`  ${line}`);
      } catch (e) {
        if (!(e instanceof CeremonyError)) throw e;
        // The person at the keyboard sees the whole message (a hint may name card words); the
        // journal keeps only its secret-free form.
        io.err(`  FAILED: ${e.message} [${e.code}]`);
        await retryOrAbort(io, prompt, runner);
        // A hint about a card's words leaves the screen once it has been acted on.
        if (needs.includes("shares")) clearCards(io, prompt, `step ${index + 1}'s error`);
      }
      continue;
    }
    await attest(io, prompt, runner, index);
  }
}

/**
 * Confirm, then act: what the HSM is about to do, on screen, attested by the step's witnesses
 * before anything happens. False when a witness does not confirm it (the officer then retries,
 * which shows the preview again, or aborts).
 */
async function confirmPreview(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number): Promise<boolean> {
  const step = runner.script.steps[index]!;
  const items = await runner.previewAction();
  io.out("  Before the HSM acts, the witnesses confirm what it will do:");
  for (const item of items) io.out(`    ${item.label}: ${item.value}`);
  while (runner.previewNeeded(index) && runner.state().phase === "steps") {
    const done = new Set(runner.state().steps[index]!.preview?.attesters ?? []);
    const eligible = runner.state().participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
    const w = await choose(io, prompt, eligible, "Witness confirming what the HSM will do");
    if (!(await yesNo(io, prompt, `  ${w.name}: is this exactly what should happen?`))) {
      io.err(`  ${w.name} does not confirm it: nothing was done on the HSM.`);
      await retryOrAbort(io, prompt, runner);
      return false;
    }
    try {
      runner.attestPreview(w.id, await prompt.secret(`  ${w.name}'s attestation PIN:`));
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(`  ${e.message}`);
    }
  }
  return runner.state().phase === "steps";
}

/**
 * After a failed step: "retry" or "abort", typed in full (an answer that merely starts with "a"
 * must not stop a ceremony). An abort needs a reason, who decides it, and a witness's PIN.
 */
async function retryOrAbort(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<void> {
  for (;;) {
    const answer = await prompt.choice('  Type "retry" to run the step again, or "abort" to stop the ceremony: ', ["retry", "abort"]);
    if (answer === "retry") return;
    if (answer === null) {
      io.err('  Type the word "retry" or the word "abort".');
      continue;
    }
    if (await abortCeremony(io, prompt, runner)) return;
  }
}

/** Dual-controlled abort; false when it did not happen (the officer chooses again). */
async function abortCeremony(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<boolean> {
  const reason = await prompt.ask("  Reason for the abort (goes into the transcript; empty to go back): ");
  if (!reason) return false;
  const people = runner.state().participants;
  const decider = await choose(io, prompt, people.filter((p) => ABORT_DECIDERS.includes(p.role)), "Person deciding the abort");
  const witness = await choose(io, prompt, people.filter((p) => p.role === "internal-witness" && p.id !== decider.id), "Internal witness confirming the abort");
  try {
    runner.abort(decider.id, reason, { participantId: witness.id, pin: await prompt.secret(`  ${witness.name}'s attestation PIN:`) });
    io.out(`  Aborted by ${decider.name}, witnessed by ${witness.name}: ${reason}`);
    return true;
  } catch (e) {
    if (!(e instanceof CeremonyError)) throw e;
    io.err(`  ${e.message}`);
    return false;
  }
}

/** Wipes the screen (and scrollback where supported) and tells the officer it did. */
function clearCards(io: CliIo, prompt: Prompter, what: string): void {
  if (prompt.clearScreen()) io.out(`(Screen and scrollback cleared of ${what}.)`);
}

async function yesNo(io: CliIo, prompt: Prompter, question: string): Promise<boolean> {
  for (;;) {
    const answer = await prompt.choice(`${question} [y/n] `, ["y", "n", "yes", "no"]);
    if (answer !== null) return answer.startsWith("y");
    io.err("  Answer y or n.");
  }
}

async function gatherInputs(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number): Promise<ActionInputs> {
  const inputs: ActionInputs = {};
  const needs = runner.needsOf(index);
  if (needs.includes("file")) {
    const path = await prompt.ask("  Path of the file on the removable media: ");
    inputs.file = { name: path, bytes: await readFile(path) };
  }
  if (needs.includes("shares")) {
    const holders = runner.state().participants.filter((p) => p.role === "share-holder");
    const shares: ShareInput[] = [];
    io.out("  Each share holder, in private, types the words of their card (or scans its QR code). Nothing typed is shown.");
    for (const h of holders) {
      if (await yesNo(io, prompt, `  Does ${h.name} enter a card now?`)) {
        const text = await prompt.secret(`  ${h.name}'s card:`);
        shares.push({ participantId: h.id, text: text.toString("utf8") });
        wipe(text);
        clearCards(io, prompt, `${h.name}'s card`);
      }
    }
    inputs.shares = shares;
  }
  if (needs.includes("hsm-pin")) inputs.hsmPin = await prompt.secret("  HSM PIN (typed once; never retried):");
  return inputs;
}

async function attest(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number): Promise<void> {
  const step = runner.script.steps[index]!;
  while (!runner.state().steps[index]!.completed && runner.state().phase === "steps") {
    const state = runner.state();
    const done = new Set(state.steps[index]!.attestations.map((a) => a.participantId));
    const eligible = state.participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
    const w = await choose(io, prompt, eligible, "Witness attesting this step");
    const confirmed: string[] = [];
    let refused: string | null = null;
    for (const item of step.checklist) {
      if (await yesNo(io, prompt, `  ${w.name}: "${item}"?`)) confirmed.push(item);
      else {
        refused = item;
        break;
      }
    }
    // A witness who did not see an item done does not attest: no PIN is asked, nothing recorded.
    if (refused !== null) {
      io.err(`  ${w.name} did not confirm "${refused}": no attestation recorded. Check it and attest again, or abort the ceremony.`);
      continue;
    }
    try {
      const r = runner.attest(w.id, await prompt.secret(`  ${w.name}'s attestation PIN:`), confirmed);
      if (r.stepCompleted) io.out(`  Step complete. Copy onto the paper script: journal head ${formatHex(r.milestone ?? "")}`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(`  ${e.message}`);
    }
  }
}

async function choose(io: CliIo, prompt: Prompter, people: Participant[], what: string): Promise<Participant> {
  if (people.length === 0) throw new CeremonyError("NOBODY_ELIGIBLE", `Nobody signed in can be the ${what.toLowerCase()}.`);
  // One person who can: say who, rather than ask to choose from "[1-1]".
  if (people.length === 1) {
    const only = people[0]!;
    io.out(`  ${what}: ${only.name} (${ROLE_TITLES[only.role]}, ${only.organisation}), the only one who can.`);
    return only;
  }
  const numbers = people.map((_, i) => String(i + 1));
  for (;;) {
    people.forEach((p, i) => io.out(`    ${i + 1}. ${p.name} (${ROLE_TITLES[p.role]}, ${p.organisation})`));
    const answer = await prompt.choice(`  ${what} [1-${people.length}]: `, numbers);
    if (answer !== null) return people[Number(answer) - 1]!;
    io.err(`  Choose a number from 1 to ${people.length}.`);
  }
}
