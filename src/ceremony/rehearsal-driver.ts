/**
 * Drives a ceremony with scripted participants, the way people would in the room: sign in,
 * override the air gap if the machine is connected (two witnesses), then for each step the
 * performer runs the action and the required witnesses attest. Used by `ceremony rehearse`,
 * `ceremony demo` and the tests.
 */
import { formatHex, outputTextLines, titleFills } from "../common/index.ts";
import type { ResolvedStep } from "./load-script.ts";
import { lastEventOfType } from "../events/index.ts";
import { CeremonyError } from "../errors.ts";
import type { ActionInputs, ShareInput } from "./action-api.ts";
import { voidNotice } from "./card-set-void.ts";
import type { Participant } from "./participants.ts";
import type { Role } from "./roles.ts";
import type { CeremonyRunner } from "./runner.ts";

export interface ScriptedParticipant {
  name: string;
  role: Role;
  organisation: string;
  /** Job title, for scripts that name witnesses by title (the CISO). */
  title?: string;
  attestationPin: string;
}

/**
 * The order in which scripted witnesses attest a step: the named witnesses its rule includes
 * first (so the step completes with its count), then the others, the performer last (never the
 * only witness).
 */
export function attestationOrder(step: ResolvedStep, candidates: Participant[], performerId: string): Participant[] {
  const named = (p: Participant): boolean => (step.rule.including ?? []).some((r) => titleFills(p, r));
  return [...candidates].sort((a, b) => Number(b.id !== performerId) - Number(a.id !== performerId) || Number(named(b)) - Number(named(a)));
}

export interface DriveOptions {
  participants: ScriptedParticipant[];
  hsmPin: string;
  /** Each holder's card as text (what they would type or scan), by participant ID. */
  readCard?: (participant: Participant) => Promise<string>;
  /** Which holders take part in a recovery (default: the last k). */
  recoveryHolders?: (holders: Participant[], k: number) => Participant[];
  /** A file the step reads (e.g. a CSR on removable media). */
  file?: (stepId: string) => Promise<{ name: string; bytes: Buffer }>;
  log?: (line: string) => void;
  /** Stop after this many completed steps (for crash tests). */
  stopAfterSteps?: number;
}

export async function driveCeremony(runner: CeremonyRunner, options: DriveOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const pins = new Map<string, string>();
  let state = runner.state();
  // A resumed ceremony keeps everyone who signed in before it was interrupted.
  for (const p of state.participants) {
    const s = options.participants.find((x) => x.name === p.name && x.role === p.role);
    if (s) pins.set(p.id, s.attestationPin);
  }
  if (state.phase === "sign-in") {
    for (const p of options.participants) {
      if (state.participants.some((x) => x.name === p.name && x.role === p.role)) continue;
      const joined = runner.addParticipant(p, Buffer.from(p.attestationPin));
      pins.set(joined.id, p.attestationPin);
      log(`signed in: ${joined.name} (${joined.role}, ${joined.organisation}${joined.title ? `, ${joined.title}` : ""})`);
    }
    const air = runner.confirmParticipants();
    log(`air gap: ${air.clear ? "clear" : `interfaces up: ${air.interfacesUp.join(", ")}`}`);
  }
  state = runner.state();
  const pinOf = (id: string): Buffer => Buffer.from(pins.get(id) ?? "");
  if (state.phase === "air-gap") {
    for (const w of state.participants.filter((p) => p.role === "internal-witness").slice(0, 2)) {
      if (runner.state().phase === "air-gap") runner.attestAirGapOverride(w.id, pinOf(w.id));
    }
    log("air gap: override attested by two witnesses (rehearsal on a connected machine)");
  }
  if (runner.state().phase === "blocked") {
    throw new CeremonyError("AIR_GAP_BLOCKED", "The script blocks ceremonies on a connected machine, and network interfaces are up.");
  }

  let completed = 0;
  for (;;) {
    state = runner.state();
    if (state.phase !== "steps" || state.currentStep === null) break;
    const index = state.currentStep;
    const step = runner.script.steps[index]!;
    const performer = state.participants.find((p) => p.role === step.performer);
    if (!performer) throw new CeremonyError("NOBODY_ELIGIBLE", `Nobody signed in as ${step.performer} to perform step ${index + 1}.`);
    if (state.steps[index]!.actionStatus !== "succeeded") {
      const inputs: ActionInputs = {};
      const needs = runner.needsOf(index);
      if (needs.includes("hsm-pin")) inputs.hsmPin = Buffer.from(options.hsmPin);
      if (needs.includes("shares")) inputs.shares = await sharesFor(runner, step.action.type, state.participants, options);
      if (needs.includes("file")) {
        if (!options.file) throw new CeremonyError("FILE_MISSING", `Step ${index + 1} reads a file, and none was given.`);
        inputs.file = await options.file(step.id);
      }
      const toVoid = runner.cardSetToVoid(index);
      if (toVoid) {
        // A split redone after a crash while printing: the old set is voided first, its
        // delivered cards (rehearsal files) attested as collected by the step's witnesses.
        for (const line of voidNotice(toVoid)) log(`    ${line}`);
        const witnesses = state.participants.filter((p) => step.attestation.roles.includes(p.role) && !toVoid.voidAttesters.includes(p.id));
        for (const w of witnesses) {
          if (runner.cardSetToVoid(index)?.setId !== toVoid.setId) break;
          runner.attestCardSetVoid(w.id, pinOf(w.id));
        }
      }
      if (runner.previewNeeded(index)) {
        // Confirm, then act: the witnesses attest what the HSM will do before it does it.
        const items = await runner.previewAction();
        for (const item of items) log(`    preview: ${item.label}: ${item.value}`);
        const done = new Set(runner.state().steps[index]!.preview?.attesters ?? []);
        const witnesses = attestationOrder(step, state.participants.filter((p) => step.attestation.roles.includes(p.role) && !done.has(p.id)), performer.id);
        for (const w of witnesses) {
          if (!runner.previewNeeded(index)) break;
          runner.attestPreview(w.id, pinOf(w.id));
        }
      }
      log(`step ${index + 1}: ${step.title} — ${performer.name} runs ${step.action.type}`);
      const result = await runner.runAction(performer.id, inputs);
      for (const o of Object.values(result.outputs)) for (const line of outputTextLines(o, "    ")) log(line);
    }
    // Others first: the performer never counts as the only witness; named witnesses before the rest.
    const attesters = attestationOrder(
      step,
      state.participants.filter((p) => step.attestation.roles.includes(p.role) && !state.steps[index]!.attestations.some((a) => a.participantId === p.id)),
      performer.id,
    );
    for (const w of attesters) {
      const r = runner.attest(w.id, pinOf(w.id), step.checklist);
      if (r.stepCompleted) {
        log(`    attested; journal head ${formatHex(r.milestone ?? "")}`);
        break;
      }
    }
    completed++;
    if (options.stopAfterSteps !== undefined && completed >= options.stopAfterSteps) return;
  }
}

async function sharesFor(runner: CeremonyRunner, actionType: string, participants: Participant[], options: DriveOptions): Promise<ShareInput[]> {
  if (!options.readCard) throw new CeremonyError("CARDS_UNREADABLE", "This step needs share cards, and the rehearsal cannot read them.");
  const holders = participants.filter((p) => p.role === "share-holder");
  const events = runner.events();
  const k = lastEventOfType(events, "escrow.split")?.body.k ?? lastEventOfType(events, "recovery.source")?.body.k ?? holders.length;
  const chosen = actionType === "escrow.read-back" ? holders : (options.recoveryHolders ?? ((h, n) => h.slice(-n)))(holders, k);
  const out: ShareInput[] = [];
  for (const h of chosen) out.push({ participantId: h.id, text: await options.readCard(h) });
  return out;
}
