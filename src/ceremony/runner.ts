/**
 * The ceremony state machine. Each request (sign in, run the step's action, attest, abort)
 * checks the state derived from the journal, does its work, and appends events; nothing is
 * kept only in memory except the HSM session, which a resumed process opens again.
 */
import { checkHolderShare, journaledReadBacks, recordedSplit } from "./actions/escrow-common.ts";
import { createHash, randomBytes } from "node:crypto";
import { hostname, platform, release } from "node:os";
import { CeremonyError, wipe } from "../errors.ts";
import type { HsmClient} from "../hsm/index.ts";
import { DEVICE_LOST_CODES, type TokenInfo, type TokenSelector } from "../hsm/index.ts";
import type { EventBody, EventType } from "../events/index.ts";
import type { Journal, JournalEvent } from "../journal/index.ts";
import { type ActionContext, type ActionInputs, type ActionResult, type CardSink, isActionEventType, type PreviewItem } from "./action-api.ts";
import { actionRegistry } from "./actions/registry.ts";
import type { CredentialStore } from "./credentials.ts";
import { ActionFailedError, CeremonyStateError } from "./errors.ts";
import type { LoadedScript } from "./load-script.ts";
import { loadScript } from "./load-script.ts";
import { hashPin, newParticipantId, pinMatches, type Participant, type PinHashCost } from "./participants.ts";
import { ROLE_TITLES, ROLES, type Role } from "./roles.ts";
import { assignNamedWitnesses, describeNamedWitness, roleTitlePlural } from "../common/index.ts";
import { scriptRecheck } from "./script-recheck.ts";
import { attestationShortfall, foldState, type CardSet, type CeremonyState } from "./state.ts";
import { accountVoidedSets, cardSetToVoid, deliveredCards, voidedSetIds, voidNotice, voidShortfall } from "./card-set-void.ts";
import { preflightEventBody, preflightLeftEvents, type PreflightReport } from "./preflight.ts";
import { checkAirGap, type AirGapResult } from "../airgap/check.ts";
import { APP_NAME, APP_VERSION } from "../version.ts";

/** The words typed or scanned from cards, for the journal's guard (numbers and QR prefixes carry no word). */
function shareWords(shares: ActionInputs["shares"]): string[] {
  return (shares ?? []).flatMap((s) => s.text.toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 3));
}

/** Who may decide to stop a ceremony (issue: a share holder must not be able to). */
export const ABORT_DECIDERS: readonly Role[] = ["ceremony-administrator", "crypto-officer", "internal-witness"];

export interface RunnerOptions {
  journal: Journal;
  credentials: CredentialStore;
  /** Opens the PKCS#11 module (a fresh load each time: that is how a replugged HSM is found). */
  openHsm: () => Promise<HsmClient>;
  token: TokenSelector;
  cards: CardSink;
  rehearsal: boolean;
  clock?: () => Date;
  /** For tests: a fixed air-gap result instead of reading the interfaces. */
  airGap?: () => AirGapResult;
  scriptDir?: string;
  /**
   * The token's capability preflight (preflight.ts), run before anybody signs in. start() refuses
   * a refused one and journals a passed one as `hsm.preflight`, so the transcript carries the
   * token's capability profile.
   */
  preflight?: PreflightReport;
  /** Called after every journal append (progress display; crash tests). */
  onEvent?: (event: JournalEvent) => void;
  /** "scripted" only for a rehearsal's scripted participants, whose PINs are public (participants.ts). */
  pinHashCost?: PinHashCost;
  /**
   * A rehearsal abandoned after the app stopped: its throwaway token is gone with its keys, so its
   * ABORTED transcript is signed on a fresh throwaway token (journaled as `hsm.relogin`). Only an
   * aborted rehearsal may log in to a token other than the one it began on.
   */
  freshRehearsalToken?: boolean;
}

export class CeremonyRunner {
  private hsm: HsmClient | null = null;
  private tokenInfo: TokenInfo | null = null;
  private readonly clock: () => Date;

  private constructor(
    readonly ceremonyId: string,
    readonly script: LoadedScript,
    private readonly options: RunnerOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Starts a new ceremony: records the script (text and hash) and its parameters. */
  static start(script: LoadedScript, options: RunnerOptions): CeremonyRunner {
    if (options.preflight && !options.preflight.ok) {
      const refused = options.preflight.rows.filter((r) => r.verdict === "refused").map((r) => `${r.need} (${r.advice})`);
      throw new CeremonyError("PREFLIGHT_REFUSED", `The token cannot do what this ceremony needs, so it was not started: ${refused.join("; ")}`);
    }
    const date = (options.clock ?? (() => new Date()))().toISOString().slice(0, 10).replaceAll("-", "");
    const ceremonyId = `${script.definition.id}-${date}-${randomBytes(3).toString("hex")}`;
    const runner = new CeremonyRunner(ceremonyId, script, options);
    runner.append("system", "ceremony.started", {
      scriptId: script.definition.id,
      scriptTitle: script.definition.title,
      scriptVersion: script.definition.version,
      scriptFile: script.fileName,
      scriptSha256: script.sha256,
      scriptText: script.text,
      parameters: script.parameters,
      parametersSha256: script.parametersSha256,
      // Head-counts can come from outside the script (a recovery's k from the original bundle).
      roleMinimums: script.roleMinimums,
      rehearsal: options.rehearsal,
      app: { name: APP_NAME, version: APP_VERSION },
      host: { os: platform(), release: release(), hostname: hostname() },
      token: { label: options.token.label, serial: options.token.serial ?? null },
    });
    if (options.preflight) {
      runner.append("system", "hsm.preflight", preflightEventBody(options.preflight));
      for (const left of preflightLeftEvents(options.preflight)) runner.append("system", "hsm.object.left", left);
    }
    return runner;
  }

  /**
   * Continues a ceremony from its journal (opening the journal has already verified the chain).
   * The script is the one recorded at the start, not whatever the file says now.
   */
  static resume(ceremonyId: string, options: RunnerOptions): CeremonyRunner {
    const events = options.journal.events(ceremonyId);
    const first = events[0];
    if (!first || first.type !== "ceremony.started") {
      throw new CeremonyStateError("CEREMONY_NOT_FOUND", `The journal holds no ceremony ${ceremonyId}. Check the journal file and the ceremony ID.`);
    }
    const b = first.body;
    const loaded = loadScript(b.scriptText, b.scriptFile, { parameters: b.parameters });
    if (loaded.sha256 !== b.scriptSha256) throw new CeremonyStateError("SCRIPT_CHANGED", "The recorded script does not match its recorded hash.");
    // Head-counts recorded at the start (a recovery's k from its bundle) hold on resume too.
    const script = b.roleMinimums ? { ...loaded, roleMinimums: { ...loaded.roleMinimums, ...b.roleMinimums } } : loaded;
    const runner = new CeremonyRunner(ceremonyId, script, { ...options, rehearsal: b.rehearsal });
    // A completed ceremony resumed only to sign its transcript adds nothing after ceremony.completed.
    if (!runner.state().terminated) runner.append("system", "ceremony.resumed", { atEvent: events.length });
    // Interrupted between voiding a card set and telling the key inventory: tell it now.
    accountVoidedSets(options.journal, ceremonyId, events);
    // Interrupted after sign-in closed but before the air gap was checked: check it now.
    const resumed = runner.state();
    if (resumed.phase === "air-gap" && resumed.airGap === null) runner.recordAirGapCheck();
    // Interrupted after a step's last attestation but before the step was closed: close it now.
    if (resumed.phase === "steps" && resumed.currentStep !== null) runner.completeIfAttested(resumed.currentStep);
    return runner;
  }

  get journal(): Journal {
    return this.options.journal;
  }

  /** Forgets the attestation PIN hashes once the ceremony is over. */
  forgetCredentials(): void {
    this.options.credentials.clear(this.ceremonyId);
  }

  // --- state ---------------------------------------------------------------------------------

  events(): JournalEvent[] {
    return this.options.journal.events(this.ceremonyId);
  }

  state(): CeremonyState {
    return foldState(this.events(), this.script.steps.length);
  }

  private append<T extends EventType>(actor: string, type: T, body: EventBody<T>): JournalEvent {
    const event = this.options.journal.append(this.ceremonyId, actor, type, body);
    this.options.onEvent?.(event);
    return event;
  }

  private requirePhase(state: CeremonyState, ...phases: CeremonyState["phase"][]): void {
    if (!phases.includes(state.phase)) {
      throw new CeremonyStateError(
        "CEREMONY_WRONG_PHASE",
        `That cannot be done now: the ceremony is at "${state.phase}", and this needs ${phases.join(" or ")}.`,
      );
    }
  }

  private participant(state: CeremonyState, id: string): Participant {
    const p = state.participants.find((x) => x.id === id);
    if (!p) throw new CeremonyStateError("PARTICIPANT_UNKNOWN", `No participant with ID ${id} signed in to this ceremony.`);
    return p;
  }

  // --- sign-in -------------------------------------------------------------------------------

  /** Signs a participant in; the attestation PIN is kept only as a salted scrypt hash. */
  addParticipant(input: { name: string; role: Role; organisation: string; title?: string | undefined }, attestationPin: Buffer): Participant {
    const state = this.state();
    this.requirePhase(state, "sign-in");
    const name = input.name.trim();
    const organisation = input.organisation.trim();
    const title = input.title?.trim().replace(/\s+/g, " ") || undefined;
    if (title !== undefined && title.length > 120) {
      wipe(attestationPin);
      throw new CeremonyStateError("PARTICIPANT_INCOMPLETE", "A job title has at most 120 characters. Type it shorter.");
    }
    if (!name || !organisation) {
      wipe(attestationPin);
      throw new CeremonyStateError("PARTICIPANT_INCOMPLETE", "Each participant needs a name and an organisation.");
    }
    if (!ROLES.includes(input.role)) {
      wipe(attestationPin);
      throw new CeremonyStateError("PARTICIPANT_ROLE", `"${input.role}" is not a role. Choose one of ${ROLES.join(", ")}.`);
    }
    if (state.participants.some((p) => p.name.toLowerCase() === name.toLowerCase() && p.role === input.role)) {
      wipe(attestationPin);
      throw new CeremonyStateError("PARTICIPANT_DUPLICATE", `${name} is already signed in as ${ROLE_TITLES[input.role]}.`);
    }
    const credential = hashPin(attestationPin, this.options.pinHashCost);
    const participant: Participant = { id: newParticipantId(), name, role: input.role, organisation, ...(title ? { title } : {}) };
    this.options.credentials.put(this.ceremonyId, participant.id, credential);
    this.append(participant.id, "participant.joined", {
      participantId: participant.id,
      name: participant.name,
      role: participant.role,
      organisation: participant.organisation,
      ...(title ? { title } : {}),
    });
    return participant;
  }

  /** Closes sign-in once every role has its minimum head-count; then checks the air gap. */
  confirmParticipants(): AirGapResult {
    const state = this.state();
    this.requirePhase(state, "sign-in");
    const missing = ROLES.filter((r) => state.participants.filter((p) => p.role === r).length < this.script.roleMinimums[r]).map(
      (r) => `${this.script.roleMinimums[r]} × ${ROLE_TITLES[r]} (have ${state.participants.filter((p) => p.role === r).length})`,
    );
    if (missing.length) {
      throw new CeremonyStateError("PARTICIPANTS_MISSING", `This script needs more people before it can start: ${missing.join("; ")}.`);
    }
    const rules = this.script.namedWitnesses;
    const named = assignNamedWitnesses(rules, state.participants);
    const lacking = rules.flatMap((r, i) => (named.missing[i]! > 0 ? [`${describeNamedWitness(r, named.missing[i])} among the ${r.roles.map((x) => roleTitlePlural(x, 2).toLowerCase()).join(" or ")}`] : []));
    if (lacking.length) {
      throw new CeremonyStateError(
        "NAMED_WITNESS_MISSING",
        `This script's policy needs ${lacking.join(", and ")}, and nobody signed in with that job title fills it: sign them in with their title, then close sign-in.`,
      );
    }
    this.append("system", "participants.confirmed", {
      count: state.participants.length,
      ...(rules.length
        ? { namedWitnesses: rules.map((r, i) => ({ rule: { title: r.title, anyOf: [...r.anyOf], roles: [...r.roles], count: r.count }, filledBy: named.filledBy[i]! })) }
        : {}),
    });
    return this.recordAirGapCheck();
  }

  /** Lists the interfaces that are up at the start and records them with the policy that applies. */
  private recordAirGapCheck(): AirGapResult {
    const result = (this.options.airGap ?? (() => checkAirGap(this.clock())))();
    // A rehearsal on a connected machine may go on with the override, attested and recorded.
    const policy = this.script.definition.airGap === "block" && !this.options.rehearsal ? "block" : "allow-with-override";
    this.append("system", "airgap.checked", { at: "start", interfacesUp: result.interfacesUp, clear: result.clear, policy, rehearsal: this.options.rehearsal });
    return result;
  }

  /** Two witnesses attest that the ceremony may go on although interfaces are up. */
  attestAirGapOverride(participantId: string, pin: Buffer): void {
    const state = this.state();
    this.requirePhase(state, "air-gap");
    const p = this.participant(state, participantId);
    if (p.role !== "internal-witness") {
      wipe(pin);
      throw new CeremonyStateError("ATTESTATION_ROLE", `${p.name} is ${ROLE_TITLES[p.role]}; only internal witnesses attest an air-gap override.`);
    }
    this.checkPin(p, pin);
    if (!state.airGap?.overrideAttesters.includes(p.id)) {
      this.append(p.id, "airgap.override.attested", { participantId: p.id, interfacesUp: state.airGap?.interfacesUp ?? [] });
    }
    const count = new Set([...(state.airGap?.overrideAttesters ?? []), p.id]).size;
    if (count >= 2) this.append("system", "airgap.override.granted", { attesters: count });
  }

  private checkPin(p: Participant, pin: Buffer): void {
    const credential = this.options.credentials.get(this.ceremonyId, p.id);
    if (!credential) {
      wipe(pin);
      throw new CeremonyStateError(
        "ATTESTATION_PIN_UNAVAILABLE",
        `${p.name}'s attestation PIN is not known to this workstation (was the journal moved?). They cannot attest; abort and restart the ceremony.`,
      );
    }
    if (!pinMatches(pin, credential)) {
      this.append(p.id, "attestation.refused", { participantId: p.id, reason: "wrong attestation PIN" });
      throw new CeremonyStateError("ATTESTATION_PIN_WRONG", `That is not ${p.name}'s attestation PIN. ${p.name} should type it again.`);
    }
  }

  // --- steps ---------------------------------------------------------------------------------

  private currentStepIndex(state: CeremonyState): number {
    this.requirePhase(state, "steps");
    if (state.currentStep === null) throw new CeremonyStateError("CEREMONY_NO_STEP", "Every step is complete; finish the ceremony.");
    return state.currentStep;
  }

  /** What the current step's action needs from people before it can run. */
  needsOf(stepIndex: number): Array<"hsm-pin" | "shares" | "file"> {
    const step = this.script.steps[stepIndex]!;
    const action = actionRegistry.get(step.action.type)!;
    const needs = [...action.needs];
    if (action.usesHsm && !this.hsmReady()) needs.unshift("hsm-pin");
    return [...new Set(needs)];
  }

  hsmReady(): boolean {
    return this.hsm !== null && this.tokenInfo !== null;
  }

  /** Whether the current step's action must be previewed and attested before it runs. */
  previewNeeded(stepIndex: number): boolean {
    const step = this.script.steps[stepIndex]!;
    const state = this.state().steps[stepIndex]!;
    if (!actionRegistry.get(step.action.type)!.preview || state.actionStatus === "succeeded") return false;
    const attesters = state.preview?.attesters ?? [];
    return attestationShortfall(step.rule, { attestations: attesters.map((participantId) => ({ participantId })), performer: null }, this.state().participants) !== null;
  }

  /**
   * Confirm, then act: shows what the current step's action will do (computed without the HSM)
   * and journals it; the step's witnesses then attest it with attestPreview before runAction may
   * act. Showing it again replaces the earlier preview and its attestations.
   */
  async previewAction(): Promise<PreviewItem[]> {
    const state = this.state();
    const index = this.currentStepIndex(state);
    const step = this.script.steps[index]!;
    const action = actionRegistry.get(step.action.type)!;
    if (!action.preview) return [];
    if (state.steps[index]!.actionStatus === "succeeded") throw new CeremonyStateError("ACTION_DONE", `Step ${index + 1}'s action already succeeded; it now needs its attestations.`);
    const someone = state.participants.find((p) => p.role === step.performer) ?? state.participants[0]!;
    const items = await action.preview(this.context(index, someone, {}), step.resolvedParams as never);
    const previewSha256 = createHash("sha256").update(JSON.stringify(items)).digest("hex");
    if (state.steps[index]!.preview?.sha256 !== previewSha256) {
      if (!state.steps[index]!.started) {
        this.append("system", "step.started", { stepIndex: index, stepId: step.id, title: step.title, action: step.action.type, attestation: step.rule });
      }
      this.append("system", "preview.shown", { stepIndex: index, previewSha256, items });
    }
    return items;
  }

  /** A witness attests the preview on screen: what the HSM is about to do is what should happen. */
  attestPreview(participantId: string, pin: Buffer): void {
    const state = this.state();
    const index = this.currentStepIndex(state);
    const step = this.script.steps[index]!;
    const p = this.participant(state, participantId);
    const preview = state.steps[index]!.preview;
    try {
      if (!preview) throw new CeremonyStateError("PREVIEW_NOT_SHOWN", `Step ${index + 1}'s preview has not been shown yet; show what the HSM will do first.`);
      if (!step.attestation.roles.includes(p.role)) {
        throw new CeremonyStateError(
          "ATTESTATION_ROLE",
          `Step ${index + 1} is attested by ${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(" or ")}; ${p.name} is ${ROLE_TITLES[p.role]}.`,
        );
      }
      if (preview.attesters.includes(p.id)) throw new CeremonyStateError("ATTESTATION_DUPLICATE", `${p.name} has already confirmed this preview.`);
      this.checkPin(p, pin);
      this.append(p.id, "preview.attested", { stepIndex: index, participantId: p.id, previewSha256: preview.sha256 });
    } finally {
      wipe(pin);
    }
  }

  /** The card set step `index` split earlier (before a jam or a crash) that must be voided before its action runs again. */
  cardSetToVoid(index: number): CardSet | null {
    const step = this.state().steps[index];
    return step ? cardSetToVoid(step) : null;
  }

  /**
   * A witness of the current step attests, with their PIN, that every delivered card of the set
   * being voided was collected for destruction. Once the step's witnesses (two at least) have,
   * `escrow.set.voided` names the set, its delivered cards and the attesters, and the step's
   * action may make a new set.
   */
  attestCardSetVoid(participantId: string, pin: Buffer): { voided: boolean } {
    try {
      const state = this.state();
      const index = this.currentStepIndex(state);
      const step = this.script.steps[index]!;
      const set = cardSetToVoid(state.steps[index]!);
      if (!set) throw new CeremonyStateError("CARD_SET_NOT_VOIDABLE", `Step ${index + 1} has no card set to void.`);
      const p = this.participant(state, participantId);
      if (!step.attestation.roles.includes(p.role)) {
        throw new CeremonyStateError(
          "ATTESTATION_ROLE",
          `The void of a card set is attested by the step's witnesses (${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(" or ")}); ${p.name} is ${ROLE_TITLES[p.role]}.`,
        );
      }
      if (set.voidAttesters.includes(p.id)) throw new CeremonyStateError("ATTESTATION_DUPLICATE", `${p.name} has already attested that these cards were collected.`);
      this.checkPin(p, pin);
      this.append(p.id, "escrow.set.void-attested", { keyLabel: set.keyLabel, setId: set.setId, participantId: p.id });
      const now = cardSetToVoid(this.state().steps[index]!)!;
      if (voidShortfall(step.attestation, now, state.participants) !== null) return { voided: false };
      this.append("system", "escrow.set.voided", {
        keyLabel: now.keyLabel,
        setId: now.setId,
        deliveredCards: deliveredCards(now).map((c) => ({ card: c.card, participantId: c.participantId, fingerprint: c.fingerprint })),
        attesters: now.voidAttesters,
      });
      accountVoidedSets(this.options.journal, this.ceremonyId, this.events());
      return { voided: true };
    } finally {
      wipe(pin);
    }
  }

  /**
   * Runs the current step's action as `performerId`. A failure is journaled and leaves the
   * step paused: the officer retries (call again) or aborts.
   */
  async runAction(performerId: string, inputs: ActionInputs = {}): Promise<ActionResult> {
    const state = this.state();
    const index = this.currentStepIndex(state);
    const step = this.script.steps[index]!;
    const performer = this.participant(state, performerId);
    const action = actionRegistry.get(step.action.type)!;
    const toVoid = cardSetToVoid(state.steps[index]!);
    if (toVoid) {
      // Nothing is recorded: the step has not been run again, and the notice is on screen.
      wipe(inputs.hsmPin);
      throw new CeremonyStateError("CARD_SET_NOT_VOIDED", `${voidNotice(toVoid).map((l) => l.trim()).join(" ")} The step's witnesses first attest that these cards were collected for destruction.`);
    }
    // While the action runs, the journal refuses any event that quotes a word typed from a card.
    const releaseWords = this.options.journal.guardWords(shareWords(inputs.shares));
    try {
      if (performer.role !== step.performer) {
        throw new CeremonyStateError(
          "PERFORMER_ROLE",
          `Step ${index + 1} is performed by a ${ROLE_TITLES[step.performer]}; ${performer.name} is ${ROLE_TITLES[performer.role]}.`,
        );
      }
      if (state.steps[index]!.actionStatus === "succeeded") {
        throw new CeremonyStateError("ACTION_DONE", `Step ${index + 1}'s action already succeeded; it now needs its attestations.`);
      }
      if (this.previewNeeded(index)) {
        throw new CeremonyStateError(
          "PREVIEW_NOT_ATTESTED",
          `Step ${index + 1} signs, creates or destroys a key: its witnesses first confirm on screen what the HSM will do (${step.attestation.count} × ${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(" or ")}).`,
        );
      }
      if (!state.steps[index]!.started) {
        this.append("system", "step.started", { stepIndex: index, stepId: step.id, title: step.title, action: step.action.type, attestation: step.rule });
      }
      this.append(performer.id, "action.started", { stepIndex: index, performer: performer.id });
      if (action.usesHsm && !this.hsmReady()) {
        if (!inputs.hsmPin) {
          throw new CeremonyStateError("HSM_LOGIN_REQUIRED", "The HSM session must be opened again (after a restart or a replug): the crypto officer types the HSM PIN.");
        }
        await this.login(inputs.hsmPin, performer.id, true);
      }
      const ctx = this.context(index, performer, inputs);
      const result = await action.run(ctx, step.resolvedParams as never);
      for (const a of result.artifacts ?? []) {
        this.append(performer.id, "artifact.recorded", { stepIndex: index, ...a });
      }
      for (const f of result.facts ?? []) this.append(performer.id, "fact.recorded", { stepIndex: index, ...f });
      this.append(performer.id, "action.succeeded", { stepIndex: index, performer: performer.id, outputs: result.outputs });
      return result;
    } catch (e) {
      const error =
        (await this.releaseLostHsm(e)) ??
        (e instanceof CeremonyError ? e : new ActionFailedError("ACTION_FAILED", `The action failed: ${(e as Error).message}`, { cause: e }));
      // The person sees error.message; the record keeps the form without typed share words.
      this.append(performer.id, "action.failed", { stepIndex: index, performer: performer.id, error: { code: error.code, message: error.recordedMessage } });
      throw error;
    } finally {
      releaseWords();
      wipe(inputs.hsmPin);
    }
  }

  /**
   * During the read-back step: checks one holder's card against what was printed for them and
   * journals the match (share.read-back; never the words), so the board survives a reload or a
   * restart. Throws the check's error, unrecorded, when the card does not match.
   */
  recordCardReadBack(participantId: string, text: string): { card: number } {
    const state = this.state();
    const index = this.currentStepIndex(state);
    const step = this.script.steps[index]!;
    if (step.action.type !== "escrow.read-back") {
      throw new CeremonyStateError("READ_BACK_NOT_NOW", `Step ${index + 1} is not the read-back of the share cards.`);
    }
    const keyLabel = (step.resolvedParams as { keyLabel: string }).keyLabel;
    const split = recordedSplit(this, keyLabel);
    const holder = this.participant(state, participantId);
    const { card } = checkHolderShare(split, holder, text, voidedSetIds(this.events()));
    if (!journaledReadBacks(this.events(), split).has(holder.id)) {
      this.append(holder.id, "share.read-back", { keyLabel, setId: split.setId, card, participantId: holder.id });
    }
    return { card };
  }

  /** A witness attests the current step: their PIN and every checklist item confirmed. */
  attest(participantId: string, pin: Buffer, confirmed: string[]): { stepCompleted: boolean; milestone: string | null } {
    const state = this.state();
    const index = this.currentStepIndex(state);
    const step = this.script.steps[index]!;
    const p = this.participant(state, participantId);
    if (!step.attestation.roles.includes(p.role)) {
      wipe(pin);
      throw new CeremonyStateError(
        "ATTESTATION_ROLE",
        `Step ${index + 1} is attested by ${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(" or ")}; ${p.name} is ${ROLE_TITLES[p.role]}.`,
      );
    }
    if (state.steps[index]!.actionStatus !== "succeeded") {
      wipe(pin);
      throw new CeremonyStateError("ATTESTATION_TOO_EARLY", `Step ${index + 1}'s action has not succeeded yet; witnesses attest what they saw happen.`);
    }
    if (state.steps[index]!.attestations.some((a) => a.participantId === p.id)) {
      wipe(pin);
      throw new CeremonyStateError("ATTESTATION_DUPLICATE", `${p.name} has already attested step ${index + 1}.`);
    }
    const unconfirmed = step.checklist.filter((item) => !confirmed.includes(item));
    if (unconfirmed.length) {
      wipe(pin);
      throw new CeremonyStateError("CHECKLIST_INCOMPLETE", `${p.name} has not confirmed: ${unconfirmed.map((u) => `"${u}"`).join(", ")}.`);
    }
    this.checkPin(p, pin);
    this.append(p.id, "attestation.recorded", { stepIndex: index, participantId: p.id, checklist: step.checklist });
    const milestone = this.completeIfAttested(index);
    return { stepCompleted: milestone !== null, milestone };
  }

  /** Closes the step once its attestation rule holds; returns the milestone head, or null. */
  private completeIfAttested(index: number): string | null {
    const state = this.state();
    const step = state.steps[index]!;
    if (step.completed || step.actionStatus !== "succeeded") return null;
    if (attestationShortfall(this.script.steps[index]!.rule, step, state.participants) !== null) return null;
    const milestone = this.options.journal.milestoneHead(this.ceremonyId);
    this.append("system", "step.completed", { stepIndex: index, milestone });
    return milestone;
  }

  /**
   * The terminal event, written by finish.ts after the transcript-signing key is ready, so that
   * it is the transcript's last event: ceremony.completed, or ceremony.aborted with the reason.
   */
  recordTerminal(): void {
    const state = this.state();
    if (state.terminated) return;
    if (state.phase === "aborted") this.append("system", "ceremony.aborted", { reason: state.abortReason ?? "" });
    else this.append("system", "ceremony.completed", {});
  }

  /**
   * Stops the ceremony; it still ends in a signed transcript marked aborted. The request is
   * recorded now; finish.ts writes the terminal ceremony.aborted event when it signs.
   * Dual control: the person who decides (an administrator, officer or witness — never a share
   * holder or an auditor) and an internal witness other than them, who types their attestation
   * PIN. Only while sign-in is still open and no such witness has signed in yet may the decider
   * abort alone: nothing has been done with the HSM then.
   */
  abort(deciderId: string, reason: string, witness?: { participantId: string; pin: Buffer }): void {
    const state = this.state();
    try {
      if (state.phase === "completed" || state.phase === "aborted") {
        throw new CeremonyStateError("CEREMONY_OVER", `The ceremony is already ${state.phase}.`);
      }
      if (!reason.trim()) throw new CeremonyStateError("ABORT_REASON", "Say why the ceremony is aborted; the reason goes into the transcript.");
      const decider = this.participant(state, deciderId);
      if (!ABORT_DECIDERS.includes(decider.role)) {
        throw new CeremonyStateError(
          "ABORT_ROLE",
          `${decider.name} is ${ROLE_TITLES[decider.role]}; an abort is decided by ${ABORT_DECIDERS.map((r) => ROLE_TITLES[r]).join(", ")}.`,
        );
      }
      const witnesses = state.participants.filter((p) => p.role === "internal-witness" && p.id !== decider.id);
      if (!witness) {
        if (state.phase !== "sign-in" || witnesses.length > 0) {
          throw new CeremonyStateError("ABORT_WITNESS", "An abort needs a second person: an internal witness other than the one deciding types their attestation PIN.");
        }
        this.append(decider.id, "ceremony.abort-requested", { reason: reason.trim(), atStep: state.currentStep, decidedBy: decider.id, witnessedBy: null });
        return;
      }
      const w = this.participant(state, witness.participantId);
      if (w.role !== "internal-witness" || w.id === decider.id) {
        throw new CeremonyStateError("ABORT_WITNESS", `${w.name} cannot witness this abort: it needs an internal witness other than ${decider.name}.`);
      }
      this.checkPin(w, witness.pin);
      this.append(decider.id, "ceremony.abort-requested", { reason: reason.trim(), atStep: state.currentStep, decidedBy: decider.id, witnessedBy: w.id });
    } finally {
      wipe(witness?.pin);
    }
  }

  // --- HSM session -----------------------------------------------------------------------------

  /**
   * Finds the ceremony's token without logging in, so that its serial is on screen before the
   * crypto officer types the PIN (a PIN typed into the wrong token is a PIN tried there).
   * Refuses a token other than the one this ceremony began on.
   */
  async connectToken(): Promise<TokenInfo> {
    try {
      if (!this.hsm) this.hsm = await this.options.openHsm();
      const info = await this.hsm.call("openToken", this.options.token);
      const recorded = this.state().token;
      if (recorded && recorded.serial !== info.serial && !this.mayUseFreshRehearsalToken()) {
        throw new CeremonyStateError(
          "HSM_TOKEN_CHANGED",
          `This ceremony began on token serial ${recorded.serial}; the token now connected is ${info.serial}. Connect the original HSM.`,
        );
      }
      return info;
    } catch (e) {
      if (e instanceof CeremonyError && DEVICE_LOST_CODES.has(e.code)) await this.dropHsm();
      throw e;
    }
  }

  async login(pin: Buffer, actor: string, relogin = false): Promise<TokenInfo> {
    // After ceremony.completed nothing more may be journaled (it is the transcript's last event);
    // a process resumed only to sign the transcript logs in without recording it.
    const journaled = !this.state().terminated;
    try {
      if (!this.hsm) this.hsm = await this.options.openHsm();
      const info = await this.hsm.call("openToken", this.options.token);
      const recorded = this.state().token;
      if (recorded && recorded.serial !== info.serial && !this.mayUseFreshRehearsalToken()) {
        throw new CeremonyStateError(
          "HSM_TOKEN_CHANGED",
          `This ceremony began on token serial ${recorded.serial}; the token now connected is ${info.serial}. Connect the original HSM.`,
        );
      }
      await this.hsm.login("user", pin);
      this.tokenInfo = await this.hsm.call("tokenInfo");
      const t = this.tokenInfo;
      if (journaled) this.append(actor, relogin ? "hsm.relogin" : "hsm.token.selected", {
        label: t.label,
        serial: t.serial,
        manufacturer: t.manufacturer,
        model: t.model,
        firmware: t.firmware,
        hardware: t.hardware,
      });
      return t;
    } catch (e) {
      if (e instanceof CeremonyError && DEVICE_LOST_CODES.has(e.code)) await this.dropHsm();
      throw e;
    } finally {
      wipe(pin);
    }
  }

  /**
   * When `error` is, or was caused by, a lost device (a PKI check may wrap the HSM's error),
   * forgets the session so that the retry loads the module afresh, and returns the device's
   * error: what the officer must act on is the device.
   */
  async releaseLostHsm(error: unknown): Promise<CeremonyError | undefined> {
    let e: unknown = error;
    for (let depth = 0; depth < 8 && e instanceof Error; depth++, e = e.cause) {
      if (e instanceof CeremonyError && DEVICE_LOST_CODES.has(e.code)) {
        await this.dropHsm();
        return e;
      }
    }
    return undefined;
  }

  private async dropHsm(): Promise<void> {
    const h = this.hsm;
    this.hsm = null;
    this.tokenInfo = null;
    await h?.close().catch(() => undefined);
  }

  /** An abandoned rehearsal is signed on a fresh throwaway token (RunnerOptions.freshRehearsalToken). */
  private mayUseFreshRehearsalToken(): boolean {
    const state = this.state();
    return this.options.freshRehearsalToken === true && state.rehearsal && state.phase === "aborted";
  }

  /** The open session, for finishing (transcript signing). */
  hsmClient(): HsmClient | null {
    return this.hsm;
  }

  async close(): Promise<void> {
    await this.dropHsm();
  }

  context(index: number, performer: Participant, inputs: ActionInputs): ActionContext {
    const journal = this.options.journal;
    const state = this.state();
    const step = this.script.steps[index]!;
    return {
      ceremonyId: this.ceremonyId,
      stepIndex: index,
      stepId: step.id,
      performer,
      rehearsal: this.options.rehearsal,
      participants: state.participants,
      now: this.clock,
      inputs,
      hsm: () => {
        if (!this.hsm) throw new CeremonyStateError("HSM_LOGIN_REQUIRED", "The HSM is not open; log in first.");
        return this.hsm;
      },
      token: () => {
        if (!this.tokenInfo) throw new CeremonyStateError("HSM_LOGIN_REQUIRED", "The HSM is not open; log in first.");
        return this.tokenInfo;
      },
      login: (pin) => this.login(pin, performer.id),
      record: (type, body) => {
        if (!isActionEventType(type)) throw new CeremonyStateError("ACTION_EVENT_REFUSED", `An action may not record ${String(type)} events; only the ceremony engine does.`);
        this.append(performer.id, type, body);
      },
      events: () => this.events(),
      output: (stepId, name) => {
        const i = this.script.steps.findIndex((s) => s.id === stepId);
        return i === -1 ? undefined : this.state().steps[i]?.outputs[name];
      },
      artifact: (path) => {
        for (const e of this.events().toReversed()) if (e.type === "artifact.recorded" && e.body.path === path) return Buffer.from(e.body.base64, "base64");
        return undefined;
      },
      inventory: {
        upsertKey: (k) => journal.upsertKey(k),
        markDestroyed: (k, c, o) => journal.markDestroyed(k, c, o),
        recordEscrowSet: (set) => journal.recordEscrowSet(set),
        markEscrowCopy: (ref, fate) => journal.markEscrowCopy(ref, fate),
        revokeEscrowSet: (setId, r) => journal.revokeEscrowSet(setId, r),
        escrowSet: (setId) => journal.escrowSet(setId),
        listKeysWithCopies: (o) => journal.listKeysWithCopies(o),
        supersede: (s) => journal.supersedeKey(s),
        nextCrlNumber: (l, o) => journal.nextCrlNumber(l, o),
        peekCrlNumber: (l) => journal.peekCrlNumber(l),
        listKeys: (o) => journal.listKeys(o),
      },
      cards: this.options.cards,
      bundleChecks: [scriptRecheck],
      scriptDir: this.options.scriptDir ?? process.cwd(),
    };
  }
}
