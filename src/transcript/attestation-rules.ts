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
import { assignNamedWitnesses, describeNamedWitness, type NamedWitnessRule } from "../common/index.ts";
import type { RecordedEvent } from "../events/index.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import type { TranscriptParticipant } from "./types.ts";

interface OpenStep {
  roles: string[];
  count: number;
  /** Named witnesses (by job title) who must be among the attesters (v2 scripts with requiredTitles). */
  including?: NamedWitnessRule[];
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
    const { participantId, name, role, organisation, title } = e.body;
    joined.set(participantId, { id: participantId, name, role, organisation, ...(title !== undefined ? { title } : {}) });
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
      case "participants.confirmed":
        // Whoever the engine recorded as filling a named-witness requirement joined with that title and role.
        for (const { rule, filledBy } of event.body.namedWitnesses ?? []) {
          const people = [...new Set(filledBy)].flatMap((id) => {
            const p = participants.get(id);
            return p ? [{ id, role: p.role, title: p.title }] : [];
          });
          if (assignNamedWitnesses([rule], people).missing[0]! > 0) {
            failures.push(failure("PARTICIPANTS_MISMATCH", `sign-in closed (event ${event.seq}) without ${describeNamedWitness(rule)}: the people recorded as filling it did not sign in with that title and role`));
          }
        }
        break;
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
        if (step.including?.length) {
          // The job titles are the ones the attesters gave when they signed in (participant.joined).
          const attesters = [...step.attesters].map((id) => ({ id, role: participants.get(id)!.role, title: participants.get(id)!.title }));
          const { missing } = assignNamedWitnesses(step.including, attesters);
          step.including.forEach((rule, i) => {
            if (missing[i]! > 0) failures.push(failure("ATTESTATION_MISSING", `step ${stepNumber(stepIndex)}: needs ${describeNamedWitness(rule, missing[i])} among its attesters; none attested`));
          });
        }
        break;
      }
      default:
        break;
    }
  }
  return failures;
}
