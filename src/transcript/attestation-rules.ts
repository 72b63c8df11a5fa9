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
import type { RecordedEvent } from "../events/index.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import type { TranscriptParticipant } from "./types.ts";

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

/** Participants as the participant.joined events describe them (the last join of an id wins). */
export function joinedParticipants(events: readonly RecordedEvent[]): Map<string, TranscriptParticipant> {
  const joined = new Map<string, TranscriptParticipant>();
  for (const e of events) {
    if (e.type !== "participant.joined") continue;
    const { participantId, name, role, organisation } = e.body;
    joined.set(participantId, { id: participantId, name, role, organisation });
  }
  return joined;
}

/** Failures of the attestation rule for every step.completed event (bodies already fit their schemas). */
export function checkAttestations(
  events: readonly RecordedEvent[],
  participants: ReadonlyMap<string, TranscriptParticipant> = joinedParticipants(events),
): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const open = new Map<number, OpenStep>();
  for (const event of events) {
    switch (event.type) {
      case "step.started":
        open.set(event.body.stepIndex, { ...event.body.attestation, performer: null, attesters: new Set() });
        break;
      case "action.succeeded": {
        const step = open.get(event.body.stepIndex);
        if (step) step.performer = event.body.performer;
        break;
      }
      case "attestation.recorded": {
        const step = open.get(event.body.stepIndex);
        const who = event.body.participantId;
        const role = participants.get(who)?.role;
        if (step && role !== undefined && step.roles.includes(role)) step.attesters.add(who);
        break;
      }
      case "step.completed": {
        const stepIndex = event.body.stepIndex;
        const step = open.get(stepIndex);
        if (!step) {
          failures.push(failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex)}: completed (event ${event.seq}) but never started`));
          break;
        }
        open.delete(stepIndex);
        const has = step.attesters.size;
        if (has < step.count) {
          failures.push(failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex)}: needs ${step.count} attestation${step.count === 1 ? "" : "s"} from ${step.roles.join(" or ")}, has ${has}`));
        }
        if (step.performer !== null && step.attesters.has(step.performer) && has < 2) {
          failures.push(failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex)}: attested only by its performer ${step.performer}; someone else must attest too`));
        }
        break;
      }
      default:
        break;
    }
  }
  return failures;
}
