/**
 * The ceremony's state is a fold over its journal events (event sourcing): what the screen
 * shows, what a resumed process continues from, and what the transcript reports all come from
 * the same events, so they cannot disagree.
 */
import type { RecordedEvent } from "../events/index.ts";
import type { OutputValue, PreviewItem } from "./action-api.ts";
import { CeremonyStateError } from "./errors.ts";
import type { Participant } from "./participants.ts";
import type { Role } from "./roles.ts";
import { assignNamedWitnesses, describeNamedWitness, type NamedWitnessRule } from "../common/index.ts";

export type Phase = "sign-in" | "air-gap" | "steps" | "ready-to-finish" | "completed" | "aborted" | "blocked";

export interface StepState {
  index: number;
  started: boolean;
  actionStatus: "pending" | "succeeded" | "failed";
  performer: string | null;
  lastError: { code: string; message: string } | null;
  outputs: Record<string, OutputValue>;
  attestations: Array<{ participantId: string; time: string; checklist: string[] }>;
  /** What the action will do, shown before it runs, and who attested it (the latest preview only). */
  preview: { sha256: string; items: PreviewItem[]; attesters: string[] } | null;
  completed: boolean;
  milestone: string | null;
  /** Card sets the step's action split (a rerun after a jam or a crash makes another), oldest first. */
  cardSets: CardSet[];
}

/** One split into cards, as the journal holds it: which cards left, and whether it was voided. */
export interface CardSet {
  keyLabel: string;
  setId: string;
  cards: Array<{ card: number; participantId: string; holder: string; fingerprint: string }>;
  /** Card numbers delivered to their holders, in order. */
  delivered: number[];
  /** Witnesses who attested the set's delivered cards were collected for destruction. */
  voidAttesters: string[];
  voided: boolean;
}

export interface CeremonyState {
  ceremonyId: string;
  phase: Phase;
  scriptId: string;
  rehearsal: boolean;
  participants: Participant[];
  /** The script's named-witness requirements and who filled each, as recorded when sign-in closed. */
  namedWitnesses: Array<{ rule: NamedWitnessRule; filledBy: string[] }>;
  airGap: { interfacesUp: string[]; decision: "clear" | "override" | "blocked" | "pending"; overrideAttesters: string[] } | null;
  token: { label: string; serial: string; manufacturer: string; model: string; firmware: string } | null;
  steps: StepState[];
  currentStep: number | null;
  abortReason: string | null;
  /** The terminal event (ceremony.completed / ceremony.aborted) is written: nothing may follow it. */
  terminated: boolean;
  eventCount: number;
  head: string;
}

export function foldState(events: ReadonlyArray<RecordedEvent>, stepCount: number): CeremonyState {
  const first = events[0];
  if (!first || first.type !== "ceremony.started") throw new CeremonyStateError("CEREMONY_NOT_FOUND", "This journal's ceremony does not begin with ceremony.started; it is not a ceremony this program wrote.");
  const steps: StepState[] = Array.from({ length: stepCount }, (_, index) => ({
    index,
    started: false,
    actionStatus: "pending",
    performer: null,
    lastError: null,
    outputs: {},
    attestations: [],
    preview: null,
    completed: false,
    milestone: null,
    cardSets: [],
  }));
  const state: CeremonyState = {
    ceremonyId: first.ceremonyId,
    phase: "sign-in",
    scriptId: first.body.scriptId,
    rehearsal: first.body.rehearsal,
    participants: [],
    namedWitnesses: [],
    airGap: null,
    token: null,
    steps,
    currentStep: null,
    abortReason: null,
    terminated: false,
    eventCount: events.length,
    head: events.at(-1)!.head,
  };
  const stepOf = (i: number): StepState | undefined => steps[i];
  // Action events carry no step index: they belong to the step whose action started last.
  let acting: StepState | undefined;
  const cardSet = (setId: string): CardSet | undefined => steps.flatMap((s) => s.cardSets).find((c) => c.setId === setId);
  for (const e of events) {
    switch (e.type) {
      case "participant.joined": {
        const b = e.body;
        state.participants.push({ id: b.participantId, name: b.name, role: b.role as Role, organisation: b.organisation, ...(b.title ? { title: b.title } : {}) });
        break;
      }
      case "participants.confirmed":
        state.phase = "air-gap";
        state.namedWitnesses = e.body.namedWitnesses ?? [];
        break;
      case "airgap.checked": {
        const b = e.body;
        if (b.at === "start") {
          state.airGap = { interfacesUp: b.interfacesUp, decision: b.clear ? "clear" : b.policy === "block" ? "blocked" : "pending", overrideAttesters: [] };
          if (b.clear) state.phase = "steps";
          else if (b.policy === "block") state.phase = "blocked";
        }
        break;
      }
      case "airgap.override.attested":
        state.airGap?.overrideAttesters.push(e.body.participantId);
        break;
      case "airgap.override.granted":
        if (state.airGap) state.airGap.decision = "override";
        state.phase = "steps";
        break;
      case "hsm.token.selected": {
        const { label, serial, manufacturer, model, firmware } = e.body;
        state.token = { label, serial, manufacturer, model, firmware };
        break;
      }
      case "step.started": {
        const step = stepOf(e.body.stepIndex);
        if (step) step.started = true;
        break;
      }
      case "action.started":
        acting = stepOf(e.body.stepIndex);
        break;
      case "escrow.split":
        acting?.cardSets.push({
          keyLabel: e.body.keyLabel,
          setId: e.body.setId,
          cards: e.body.cards.map((c) => ({ card: c.card, participantId: c.participantId, holder: c.holder, fingerprint: c.fingerprint })),
          delivered: [],
          voidAttesters: [],
          voided: false,
        });
        break;
      case "escrow.card.delivered": {
        // Before set IDs were recorded with each card, a card belonged to the latest split of its key.
        const set = e.body.setId !== undefined ? cardSet(e.body.setId) : acting?.cardSets.findLast((c) => c.keyLabel === e.body.keyLabel);
        set?.delivered.push(e.body.card);
        break;
      }
      case "escrow.set.void-attested":
        cardSet(e.body.setId)?.voidAttesters.push(e.body.participantId);
        break;
      case "escrow.set.voided": {
        const set = cardSet(e.body.setId);
        if (set) set.voided = true;
        break;
      }
      case "action.succeeded": {
        const step = stepOf(e.body.stepIndex);
        if (step) {
          step.actionStatus = "succeeded";
          step.performer = e.body.performer;
          step.outputs = e.body.outputs;
          step.lastError = null;
        }
        break;
      }
      case "action.failed": {
        const step = stepOf(e.body.stepIndex);
        if (step) {
          step.actionStatus = "failed";
          step.lastError = e.body.error;
        }
        break;
      }
      case "preview.shown": {
        const step = stepOf(e.body.stepIndex);
        if (step) step.preview = { sha256: e.body.previewSha256, items: e.body.items, attesters: [] };
        break;
      }
      case "preview.attested": {
        const step = stepOf(e.body.stepIndex);
        if (step?.preview && step.preview.sha256 === e.body.previewSha256) step.preview.attesters.push(e.body.participantId);
        break;
      }
      case "attestation.recorded":
        stepOf(e.body.stepIndex)?.attestations.push({ participantId: e.body.participantId, time: e.time, checklist: e.body.checklist });
        break;
      case "step.completed": {
        const step = stepOf(e.body.stepIndex);
        if (step) {
          step.completed = true;
          step.milestone = e.body.milestone;
        }
        break;
      }
      case "ceremony.abort-requested":
        state.phase = "aborted";
        state.abortReason = e.body.reason;
        break;
      case "ceremony.aborted":
        state.phase = "aborted";
        state.abortReason = e.body.reason;
        state.terminated = true;
        break;
      case "ceremony.completed":
        state.phase = "completed";
        state.terminated = true;
        break;
      default:
        // Events of actions (escrow, keys, PKI, HSM objects) do not move the state machine.
        break;
    }
  }
  if (state.phase === "steps") {
    const next = steps.findIndex((s) => !s.completed);
    state.currentStep = next === -1 ? null : next;
    if (next === -1) state.phase = "ready-to-finish";
  }
  return state;
}

/** An attestation rule as recorded in step.started: roles, count, and the named witnesses it includes. */
export interface AttestationRuleLike {
  roles: readonly string[];
  count: number;
  including?: readonly NamedWitnessRule[] | undefined;
}

/**
 * Dual control: enough distinct attesters with a required role, the named witnesses the rule
 * includes among them, and the performer never the only one. Returns what is missing, or null
 * when the rule holds.
 */
export function attestationShortfall(
  rule: AttestationRuleLike,
  step: { attestations: ReadonlyArray<{ participantId: string }>; performer: string | null },
  participants: ReadonlyArray<Participant>,
): string | null {
  const byId = new Map(participants.map((p) => [p.id, p]));
  const attesters = [...new Set(step.attestations.map((a) => a.participantId))].filter((id) => {
    const p = byId.get(id);
    return p !== undefined && rule.roles.includes(p.role);
  });
  if (attesters.length < rule.count) {
    return `needs ${rule.count} attestation${rule.count === 1 ? "" : "s"} from ${rule.roles.join(" or ")}, has ${attesters.length}`;
  }
  if (step.performer && attesters.every((id) => id === step.performer)) {
    return "the person who performed the step cannot be its only witness";
  }
  return namedShortfall(rule.including ?? [], attesters.map((id) => byId.get(id)!));
}

/** Which named witnesses are not among `attesters` ("needs a CISO … to attest"), or null. */
export function namedShortfall(including: readonly NamedWitnessRule[], attesters: ReadonlyArray<{ id: string; role: string; title?: string | undefined }>): string | null {
  if (including.length === 0) return null;
  const { missing } = assignNamedWitnesses(including, attesters);
  const lacking = including.flatMap((r, i) => (missing[i]! > 0 ? [describeNamedWitness(r, missing[i])] : []));
  return lacking.length ? `needs ${lacking.join(" and ")} among its attesters` : null;
}
