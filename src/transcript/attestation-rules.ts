/**
 * Dual control, checked from the events alone: every completed step must carry the attestations
 * its script asked for, from distinct participants in the required roles, and the person who
 * performed the action cannot be the only one vouching for it.
 *
 * Event vocabulary written by the ceremony runner (src/ceremony):
 *   participant.joined    {participantId, name, role, organisation}
 *   step.started          {stepIndex, stepId, title, action, attestation: {roles, count}}
 *   action.succeeded      {stepIndex, performer, outputs}
 *   attestation.recorded  {stepIndex, participantId, checklist}
 *   step.completed        {stepIndex}
 *   ceremony.completed {} | ceremony.aborted {reason}
 * A step re-run after a crash starts again: only attestations and the performer between its
 * last step.started and its step.completed count.
 */
import type { ChainedEvent } from "../journal/chain.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import type { TranscriptParticipant } from "./types.ts";

export const EVENT_TYPES = {
  participantJoined: "participant.joined",
  stepStarted: "step.started",
  actionSucceeded: "action.succeeded",
  attestationRecorded: "attestation.recorded",
  stepCompleted: "step.completed",
  ceremonyCompleted: "ceremony.completed",
  ceremonyAborted: "ceremony.aborted",
} as const;

interface OpenStep {
  roles: string[];
  count: number;
  performer: string | null;
  attesters: Set<string>;
}

/** Steps are numbered from 1 in messages, as on the screen and the witness sheet; stepIndex counts from 0. */
function stepNumber(stepIndex: number): number {
  return stepIndex + 1;
}

function stepIndexOf(body: Record<string, unknown>): number | null {
  return typeof body.stepIndex === "number" && Number.isInteger(body.stepIndex) ? body.stepIndex : null;
}

function attestationRule(body: Record<string, unknown>): { roles: string[]; count: number } | null {
  const rule = body.attestation as { roles?: unknown; count?: unknown } | undefined;
  if (rule === null || typeof rule !== "object") return null;
  const { roles, count } = rule;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) return null;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) return null;
  return { roles, count };
}

/** Participants as the participant.joined events describe them (the last join of an id wins). */
export function joinedParticipants(events: readonly ChainedEvent[]): Map<string, TranscriptParticipant> {
  const joined = new Map<string, TranscriptParticipant>();
  for (const e of events) {
    if (e.type !== EVENT_TYPES.participantJoined) continue;
    const { participantId, name, role, organisation } = e.body;
    if (typeof participantId === "string") {
      joined.set(participantId, { id: participantId, name: String(name), role: String(role), organisation: String(organisation) });
    }
  }
  return joined;
}

/** Failures of the attestation rule for every step.completed event. */
export function checkAttestations(
  events: readonly ChainedEvent[],
  participants: ReadonlyMap<string, TranscriptParticipant> = joinedParticipants(events),
): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const open = new Map<number, OpenStep>();
  for (const event of events) {
    const type = event.type;
    // Most events of a long ceremony are none of these; skip them before touching the body.
    if (!type.startsWith("step.") && type !== EVENT_TYPES.actionSucceeded && type !== EVENT_TYPES.attestationRecorded) continue;
    const body = event.body;
    const stepIndex = stepIndexOf(body);
    switch (type) {
      case EVENT_TYPES.stepStarted: {
        const rule = attestationRule(body);
        if (stepIndex === null || rule === null) {
          failures.push(failure("ATTESTATION_MISSING", `event ${event.seq}: step.started has no stepIndex or no valid attestation rule {roles, count}`));
          break;
        }
        open.set(stepIndex, { ...rule, performer: null, attesters: new Set() });
        break;
      }
      case EVENT_TYPES.actionSucceeded: {
        const step = stepIndex === null ? undefined : open.get(stepIndex);
        if (step && typeof body.performer === "string") step.performer = body.performer;
        break;
      }
      case EVENT_TYPES.attestationRecorded: {
        const step = stepIndex === null ? undefined : open.get(stepIndex);
        const who = body.participantId;
        if (step && typeof who === "string") {
          const role = participants.get(who)?.role;
          if (role !== undefined && step.roles.includes(role)) step.attesters.add(who);
        }
        break;
      }
      case EVENT_TYPES.stepCompleted: {
        const step = stepIndex === null ? undefined : open.get(stepIndex);
        if (!step) {
          failures.push(failure("ATTESTATION_MISSING", `step ${stepIndex === null ? "?" : stepNumber(stepIndex)}: completed (event ${event.seq}) but never started`));
          break;
        }
        open.delete(stepIndex as number);
        const has = step.attesters.size;
        if (has < step.count) {
          failures.push(
            failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex as number)}: needs ${step.count} attestation${step.count === 1 ? "" : "s"} from ${step.roles.join(" or ")}, has ${has}`),
          );
        }
        if (step.performer !== null && step.attesters.has(step.performer) && has < 2) {
          failures.push(
            failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex as number)}: attested only by its performer ${step.performer}; someone else must attest too`),
          );
        }
        break;
      }
      default:
        break;
    }
  }
  return failures;
}
