/**
 * One verified ceremony as the evidence checks read it: who took part (with the job title they
 * gave, where the script asked for one), each step with its performer, witnesses, preview
 * confirmations and the key operations it recorded. Built from the signed transcript's events
 * only (docs/architecture.md, "Events"), never from a journal or the disk.
 */
import type { RecordedEvent } from "../events/index.ts";
import type { Transcript } from "../transcript/index.ts";

export interface Person {
  id: string;
  name: string;
  role: string;
  /** The job title given at sign-in ("CISO"), when the script asked for named witnesses. */
  title: string | null;
}

export interface TokenSeen {
  serial: string;
  label: string;
  manufacturer: string;
  model: string;
}

export interface StepRecord {
  index: number;
  id: string;
  title: string;
  action: string;
  /** The script's attestation rule for the step. */
  rule: { count: number; roles: readonly string[] };
  performer: string | null;
  /** Distinct people who attested the step after its action, in the order they did. */
  attesters: string[];
  /** Distinct people who confirmed the step's preview (what the HSM would do) before it acted. */
  previewAttesters: string[];
  previewShown: RecordedEvent | null;
  /** Seq of the first action.started: a preview confirmed after it does not count. */
  actionStartedSeq: number | null;
  completed: RecordedEvent | null;
  /** Events of the step that created, used, wrapped, recovered or destroyed a key. */
  keyEvents: RecordedEvent[];
  events: RecordedEvent[];
}

export interface CeremonyRecord {
  bundle: string;
  transcript: Transcript;
  id: string;
  scriptId: string;
  title: string;
  status: "completed" | "aborted";
  rehearsal: boolean;
  signerSpkiSha256: string;
  anchored: boolean;
  people: Map<string, Person>;
  steps: StepRecord[];
  /** The token each event ran against: the last token selected (or re-logged into) before it. */
  tokenAt(seq: number): TokenSeen | null;
}

/**
 * Whether an event is a key operation (001 §8: generation, use, rotation, destruction): an HSM
 * object made, a key wrapped, recovered or destroyed, a certificate or CRL signed. Types under
 * key.* and escrow.* count as they are added (a rotation or a copy's destruction records one).
 */
export function isKeyOperation(e: RecordedEvent): boolean {
  switch (e.type) {
    case "hsm.object.created":
    case "hsm.object.left":
    case "escrow.split":
    case "escrow.trial-recovered":
    case "escrow.recovered":
    case "key.destroying":
    case "key.destroyed":
      return true;
    case "artifact.recorded":
      // An issuer's certificate read from media (role "issuer…") is an input, not a signature.
      if (e.body.details.role?.startsWith("issuer")) return false;
      return e.body.kind === "certificate" || e.body.kind === "crl" || e.body.kind === "wrapped-key";
    default:
      return e.type.startsWith("key.") || (e.type.startsWith("escrow.") && e.type !== "escrow.card.delivered");
  }
}

export function ceremonyRecord(bundle: string, transcript: Transcript, signerSpkiSha256: string, anchored: boolean): CeremonyRecord {
  const people = new Map<string, Person>();
  for (const p of transcript.participants) people.set(p.id, { id: p.id, name: p.name, role: p.role, title: null });
  const steps = new Map<number, StepRecord>();
  const tokens: Array<{ seq: number; token: TokenSeen }> = [];
  let current: StepRecord | null = null;
  for (const e of transcript.events) {
    switch (e.type) {
      case "participant.joined":
        people.set(e.body.participantId, { id: e.body.participantId, name: e.body.name, role: e.body.role, title: e.body.title?.trim() ? e.body.title : null });
        break;
      case "hsm.token.selected":
      case "hsm.relogin":
        tokens.push({ seq: e.seq, token: { serial: e.body.serial, label: e.body.label, manufacturer: e.body.manufacturer, model: e.body.model } });
        break;
      case "step.started": {
        const existing = steps.get(e.body.stepIndex);
        current =
          existing ??
          ({
            index: e.body.stepIndex,
            id: e.body.stepId,
            title: e.body.title,
            action: e.body.action,
            rule: { count: e.body.attestation.count, roles: e.body.attestation.roles },
            performer: null,
            attesters: [],
            previewAttesters: [],
            previewShown: null,
            actionStartedSeq: null,
            completed: null,
            keyEvents: [],
            events: [],
          } satisfies StepRecord);
        steps.set(e.body.stepIndex, current);
        break;
      }
      default:
        break;
    }
    if (!current || e.type === "step.started") continue;
    const step = current;
    step.events.push(e);
    switch (e.type) {
      case "action.started":
        step.actionStartedSeq ??= e.seq;
        break;
      case "action.succeeded":
        step.performer = e.body.performer;
        break;
      case "attestation.recorded":
        if (e.body.stepIndex === step.index && !step.attesters.includes(e.body.participantId)) step.attesters.push(e.body.participantId);
        break;
      case "preview.shown":
        step.previewShown = e;
        break;
      case "preview.attested":
        if (e.body.stepIndex === step.index && !step.previewAttesters.includes(e.body.participantId)) step.previewAttesters.push(e.body.participantId);
        break;
      case "step.completed":
        step.completed = e;
        current = null;
        break;
      default:
        if (isKeyOperation(e)) step.keyEvents.push(e);
    }
  }
  const hsm = transcript.hsm;
  const fallback: TokenSeen | null = hsm ? { serial: hsm.serial, label: hsm.tokenLabel, manufacturer: hsm.manufacturer, model: hsm.model } : null;
  const started = transcript.events[0];
  return {
    bundle,
    transcript,
    id: transcript.ceremony.id,
    scriptId: transcript.ceremony.scriptId,
    title: transcript.ceremony.title,
    status: transcript.ceremony.status,
    rehearsal: started?.type === "ceremony.started" && started.body.rehearsal,
    signerSpkiSha256,
    anchored,
    people,
    steps: [...steps.values()].sort((a, b) => a.index - b.index),
    tokenAt(seq) {
      let found: TokenSeen | null = null;
      for (const t of tokens) if (t.seq <= seq) found = t.token;
      return found ?? fallback;
    },
  };
}

/** The step's witnesses: the people who attested it, the performer not counted (dual control). */
export function witnessesOf(step: StepRecord): string[] {
  return step.attesters.filter((id) => id !== step.performer);
}
