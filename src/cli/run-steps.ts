/**
 * The steps of `ceremony run`, one after another: the step and its checklist, the preview the
 * witnesses confirm before the HSM acts, what the action needs from people (the HSM PIN once the
 * token's serial is on screen, a file, share cards checked one holder at a time), the outputs
 * to read aloud with the part the paper asks for, and each witness's attestation.
 */
import { readFile } from "node:fs/promises";
import type { ActionInputs, OutputValue, ShareInput } from "../ceremony/action-api.ts";
import { journaledReadBacks, recordedSplit } from "../ceremony/actions/escrow-common.ts";
import { actionRegistry } from "../ceremony/actions/registry.ts";
import { checkCardForHolder, splitForCardEntry, type KnownSplit } from "../ceremony/escrow-holders.ts";
import { paperBlankForOutput } from "../ceremony/paper-blanks.ts";
import type { Participant } from "../ceremony/participants.ts";
import { ROLE_TITLES } from "../ceremony/roles.ts";
import type { CeremonyRunner } from "../ceremony/runner.ts";
import { ADVICE_TEXT, describeNamedWitness, failureOffer, formatHex, formatOutputDetail, formatOutputValue, formatSetId, labelledLines, outputTextLines } from "../common/index.ts";
import { deliveredCards, voidNotice } from "../ceremony/card-set-void.ts";
import { CeremonyError, wipe } from "../errors.ts";
import { decodeShare } from "../escrow/index.ts";
import type { CliIo } from "./io.ts";
import type { Prompter } from "./prompt.ts";
import { afterFailure, choose, clearCards, tokenThenPin, yesNo } from "./run-questions.ts";

/** Runs the steps until the ceremony is ready to finish or aborted ("done"), or the officer leaves it open ("exited"). */
export async function runSteps(io: CliIo, prompt: Prompter, runner: CeremonyRunner, scriptDir: string): Promise<"done" | "exited"> {
  // Steps whose outputs this process has shown: after a resume, they are shown again before
  // anyone attests that they were read aloud.
  const shown = new Set<number>();
  let headed = -1;
  for (;;) {
    const state = runner.state();
    if (state.phase !== "steps" || state.currentStep === null) return "done";
    const index = state.currentStep;
    const step = runner.script.steps[index]!;
    if (headed !== index) {
      io.out(`\n━━ Step ${index + 1} of ${runner.script.steps.length}: ${step.title} ━━`);
      if (step.instructions) io.out(step.instructions.trim());
      for (const item of step.checklist) io.out(`  ☐ ${item}`);
      headed = index;
    }
    if (state.steps[index]!.actionStatus !== "succeeded") {
      if (runner.cardSetToVoid(index) && !(await voidCardSet(io, prompt, runner, index))) continue;
      if (runner.previewNeeded(index) && !(await confirmPreview(io, prompt, runner, index))) continue;
      const performer = await choose(io, prompt, state.participants.filter((p) => p.role === step.performer), `${ROLE_TITLES[step.performer]} performing the step`);
      const needs = runner.needsOf(index);
      try {
        const inputs = await gatherInputs(io, prompt, runner, index, scriptDir);
        const result = await runner.runAction(performer.id, inputs);
        showOutputs(io, runner, index, result.outputs);
        shown.add(index);
      } catch (e) {
        if (!(e instanceof CeremonyError)) throw e;
        // The person at the keyboard sees the whole message (a hint may name card words); the
        // journal keeps only its secret-free form.
        io.err(`  FAILED: ${e.message} [${e.code}]`);
        io.err(`  ${ADVICE_TEXT[e.advice]}`);
        const next = await afterFailure(io, prompt, runner, failureOffer(e.advice, needs));
        // A hint about a card's words leaves the screen once it has been acted on.
        if (needs.includes("shares")) clearCards(io, prompt, `step ${index + 1}'s error`);
        if (next === "exit") return "exited";
      }
      continue;
    }
    const outputs = state.steps[index]!.outputs;
    if (!shown.has(index) && Object.keys(outputs).length > 0) {
      io.out("  The step's action has run. Its outputs, to read aloud again before attesting:");
      showOutputs(io, runner, index, outputs);
    }
    shown.add(index);
    await attest(io, prompt, runner, index);
  }
}

/** Each output as it reads aloud, and the part of it the paper script asks to copy. */
function showOutputs(io: CliIo, runner: CeremonyRunner, index: number, outputs: Record<string, OutputValue>): void {
  const step = runner.script.steps[index]!;
  const action = step.action.type;
  // In the order the script shows them (the journal keeps outputs sorted by name).
  const rank = (name: string): number => (step.show.includes(name) ? step.show.indexOf(name) : step.show.length);
  for (const [name, o] of Object.entries(outputs).sort(([a], [b]) => rank(a) - rank(b))) {
    for (const line of outputTextLines(o, "  ")) io.out(line);
    const blank = paperBlankForOutput(action, name);
    if (!blank) continue;
    const digits = o.value.replace(/[\s:]/g, "");
    const part = blank.digits !== undefined && /^[0-9a-f]+$/i.test(digits) ? formatHex(digits.slice(0, blank.digits)) : formatOutputValue(o);
    for (const line of labelledLines("    ", `Onto the paper (${blank.copy})`, part)) io.out(line);
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
  // A step that only records (a re-escrow's revocation) is confirmed the same way, without an HSM acting.
  const usesHsm = actionRegistry.get(step.action.type)?.usesHsm ?? true;
  const what = usesHsm ? "what the HSM will do" : "what this step will do";
  io.out(usesHsm ? "  Before the HSM acts, the witnesses confirm what it will do:" : "  Before this step records anything, the witnesses confirm what it will do:");
  // A fingerprint or key ID reads in groups, as the step that made it showed it.
  for (const item of items) for (const line of labelledLines("    ", item.label, formatOutputDetail(item.label, item.value))) io.out(line);
  while (runner.previewNeeded(index) && runner.state().phase === "steps") {
    const done = new Set(runner.state().steps[index]!.preview?.attesters ?? []);
    const eligible = runner.state().participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
    const w = await choose(io, prompt, eligible, `Witness confirming ${what}`);
    if (!(await yesNo(io, prompt, `  ${w.name}: is this exactly what should happen?`))) {
      io.err(`  ${w.name} does not confirm it: nothing was done on the HSM.`);
      // "retry" shows the preview again (after the script or the token was checked).
      await afterFailure(io, prompt, runner, "retry");
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
 * A split to be made again (after a printer jam, or a crash while printing): the old set is named
 * with every card of it already delivered, and the step's witnesses attest with their PINs that
 * those cards were collected for destruction before a new set is printed (docs/architecture.md,
 * "Voided card sets"). False when a witness does not attest (the officer then retries, which shows
 * the notice again, or aborts).
 */
async function voidCardSet(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number): Promise<boolean> {
  const step = runner.script.steps[index]!;
  const set = runner.cardSetToVoid(index)!;
  io.out("");
  for (const line of voidNotice(set)) io.out(`  ${line}`);
  const cards = deliveredCards(set).length;
  const question = cards === 0 ? "is every paper of this set collected for destruction?" : `${cards === 1 ? "is the card" : `are all ${cards} cards`} listed above collected for destruction?`;
  while (runner.cardSetToVoid(index)?.setId === set.setId && runner.state().phase === "steps") {
    const done = new Set(runner.cardSetToVoid(index)!.voidAttesters);
    const eligible = runner.state().participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
    const w = await choose(io, prompt, eligible, "Witness attesting the collected cards");
    if (!(await yesNo(io, prompt, `  ${w.name}: ${question}`))) {
      io.err(`  ${w.name} does not attest it: the set is not void, and no new set is printed.`);
      // "retry" names the set again (once its cards have been looked for).
      await afterFailure(io, prompt, runner, "retry");
      return false;
    }
    try {
      const { voided } = runner.attestCardSetVoid(w.id, await prompt.secret(`  ${w.name}'s attestation PIN:`));
      if (voided) io.out(`  Card set ${formatSetId(set.setId)} is void. The step now makes a new set.`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(`  ${e.message}`);
    }
  }
  return runner.state().phase === "steps";
}

async function gatherInputs(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number, scriptDir: string): Promise<ActionInputs> {
  const inputs: ActionInputs = {};
  const needs = runner.needsOf(index);
  if (needs.includes("file")) {
    const path = await prompt.ask("  Path of the file on the removable media: ");
    inputs.file = { name: path, bytes: await readFile(path) };
  }
  if (needs.includes("shares")) {
    io.out("  Each share holder, in private, types the words of their card (or scans its QR code). Nothing typed is shown.");
    const action = runner.script.steps[index]!.action;
    inputs.shares =
      action.type === "escrow.read-back"
        ? await readBackCards(io, prompt, runner, (runner.script.steps[index]!.resolvedParams as { keyLabel: string }).keyLabel)
        : await recoveryCards(io, prompt, runner, await splitForCardEntry(runner.events(), runner.script, action.type, scriptDir));
  }
  if (needs.includes("hsm-pin")) inputs.hsmPin = await tokenThenPin(io, prompt, runner, "  HSM PIN (typed once; never retried):");
  return inputs;
}

/**
 * The read-back: every card of the split, one holder at a time. Each card is checked as it is
 * entered and its match journaled (share.read-back, never the words), so a typo asks that holder
 * again, and nobody who has already read back types their card a second time.
 */
async function readBackCards(io: CliIo, prompt: Prompter, runner: CeremonyRunner, keyLabel: string): Promise<ShareInput[]> {
  const split = recordedSplit(runner, keyLabel);
  for (const card of split.cards) {
    if (journaledReadBacks(runner.events(), split).has(card.participantId)) {
      io.out(`  ✔ Card ${card.card} (${card.holder}) was read back already.`);
      continue;
    }
    await cardOf(io, prompt, card.holder, (text) => {
      const r = runner.recordCardReadBack(card.participantId, text);
      return `card ${r.card} matches what was printed for ${card.holder}`;
    });
  }
  // The action counts the journaled read-backs; no words travel further.
  return [];
}

/**
 * A trial recovery or a recovery: holders enter cards until the split's k are in, each checked
 * at entry against the card printed for that holder and against the cards already entered.
 */
async function recoveryCards(io: CliIo, prompt: Prompter, runner: CeremonyRunner, split: KnownSplit | null): Promise<ShareInput[]> {
  const holders = runner.state().participants.filter((p) => p.role === "share-holder");
  const needed = split?.k ?? holders.length;
  if (split) io.out(`  ${needed} cards of set ${formatHex(split.setId)} are needed.`);
  const shares: ShareInput[] = [];
  const entered: Array<{ holder: string; fingerprint: string }> = [];
  for (const h of holders) {
    if (shares.length >= needed) break;
    if (!(await yesNo(io, prompt, `  Does ${h.name} enter a card now?`))) continue;
    await cardOf(io, prompt, h.name, (text) => {
      let result = `${h.name}'s card is entered`;
      if (split) {
        const decoded = decodeShare(text, { label: `${h.name}'s card` });
        try {
          const card = checkCardForHolder(split, h.name, decoded, entered);
          entered.push({ holder: h.name, fingerprint: decoded.fingerprint });
          result = `${h.name}'s card checks: card ${card.card} of set ${formatHex(split.setId)}`;
        } finally {
          wipe(decoded.payload);
        }
      }
      shares.push({ participantId: h.id, text });
      return result;
    });
  }
  return shares;
}

/**
 * One holder's card, asked until `accept` takes it (it throws a CeremonyError that says what is
 * wrong) or the holder leaves it empty. The screen is cleared after every entry, so a hint that
 * quotes a word leaves it when the holder types again.
 */
async function cardOf(io: CliIo, prompt: Prompter, holder: string, accept: (text: string) => string): Promise<void> {
  for (;;) {
    const typed = await prompt.secret(`  ${holder}'s card (empty to leave it for now):`);
    const text = typed.toString("utf8");
    wipe(typed);
    clearCards(io, prompt, `${holder}'s card`);
    if (text.trim() === "") {
      io.out(`  ${holder}'s card was not entered.`);
      return;
    }
    try {
      io.out(`  ✔ ${accept(text)}.`);
      return;
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(`  ${e.message}`);
      io.out(`  ${holder} enters the card again; nobody else needs to.`);
    }
  }
}

async function attest(io: CliIo, prompt: Prompter, runner: CeremonyRunner, index: number): Promise<void> {
  const step = runner.script.steps[index]!;
  for (const rule of step.rule.including ?? []) io.out(`  This step needs ${describeNamedWitness(rule)} among its witnesses.`);
  while (!runner.state().steps[index]!.completed && runner.state().phase === "steps") {
    const state = runner.state();
    const done = new Set(state.steps[index]!.attestations.map((a) => a.participantId));
    const eligible: Participant[] = state.participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id));
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
