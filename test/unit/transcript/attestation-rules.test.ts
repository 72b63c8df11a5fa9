import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../../src/events/index.ts";
import { checkAttestations } from "../../../src/transcript/attestation-rules.ts";
import { PARTICIPANTS, chain } from "./fixture.ts";

const joined = PARTICIPANTS.map((p) => ({ actor: "p-admin", type: "participant.joined", body: { participantId: p.id, name: p.name, role: p.role, organisation: p.organisation } }));
const started = (stepIndex: number, roles: string[], count: number) => ({
  actor: "p-co",
  type: "step.started",
  body: { stepIndex, stepId: `s${stepIndex}`, title: "t", action: "a", attestation: { roles, count } },
});
const performed = (stepIndex: number, performer: string) => ({ actor: performer, type: "action.succeeded", body: { stepIndex, performer, outputs: {} } });
const attested = (stepIndex: number, participantId: string) => ({ actor: participantId, type: "attestation.recorded", body: { stepIndex, participantId, checklist: [] } });
const completed = (stepIndex: number) => ({ actor: "p-co", type: "step.completed", body: { stepIndex, milestone: "00000000" } });

function messages(records: Array<{ actor: string; type: string; body: Record<string, unknown> }>): string[] {
  return checkAttestations(chain([...joined, ...records]) as RecordedEvent[]).map((f) => f.message);
}

// Messages number steps from 1, as the screen and the witness sheet do; events carry stepIndex from 0.
describe("attestation rules", () => {
  it("passes with enough distinct attesters in the right role", () => {
    expect(messages([started(3, ["internal-witness"], 2), performed(3, "p-co"), attested(3, "p-w1"), attested(3, "p-w2"), completed(3)])).toEqual([]);
  });

  it("counts a participant once however often they attest", () => {
    expect(messages([started(3, ["internal-witness"], 2), attested(3, "p-w1"), attested(3, "p-w1"), completed(3)])).toEqual([
      "step 4: needs 2 attestations from internal-witness, has 1",
    ]);
  });

  it("does not count attesters in other roles or who never joined", () => {
    expect(messages([started(3, ["internal-witness"], 2), attested(3, "p-w1"), attested(3, "p-admin"), attested(3, "p-ghost"), completed(3)])).toEqual([
      "step 4: needs 2 attestations from internal-witness, has 1",
    ]);
  });

  it("names every allowed role", () => {
    expect(messages([started(0, ["internal-witness", "auditor"], 1), completed(0)])).toEqual(["step 1: needs 1 attestation from internal-witness or auditor, has 0"]);
  });

  it("the performer alone never suffices, even when one attestation is enough", () => {
    expect(messages([started(2, ["crypto-officer", "internal-witness"], 1), performed(2, "p-co"), attested(2, "p-co"), completed(2)])).toEqual([
      "step 3: attested only by its performer p-co; someone else must attest too",
    ]);
    expect(messages([started(2, ["crypto-officer", "internal-witness"], 1), performed(2, "p-co"), attested(2, "p-co"), attested(2, "p-w1"), completed(2)])).toEqual([]);
  });

  it("a re-run step counts only the attestations after its last start", () => {
    expect(
      messages([started(1, ["internal-witness"], 2), attested(1, "p-w1"), attested(1, "p-w2"), started(1, ["internal-witness"], 2), attested(1, "p-w1"), completed(1)]),
    ).toEqual(["step 2: needs 2 attestations from internal-witness, has 1"]);
  });

  it("attestations for another step do not count", () => {
    expect(messages([started(1, ["internal-witness"], 1), attested(2, "p-w1"), completed(1)])).toEqual(["step 2: needs 1 attestation from internal-witness, has 0"]);
  });

  // A start without a rule no longer reaches these rules: its body does not fit step.started's
  // schema, which verify reports first (EVENT_INVALID, test/unit/events/event-schemas.test.ts).
  it("a completed step that never started is reported", () => {
    expect(messages([completed(4)])).toEqual([`step 5: completed (event ${joined.length}) but never started`]);
  });
});

describe("named witnesses in the recorded rules (the CISO rule, checked from the events alone)", () => {
  const CISO = { title: "CISO or Director of Cybersecurity", anyOf: ["CISO", "Director of Cybersecurity"], roles: ["internal-witness"], count: 1 };
  const titled = [
    { actor: "p-admin", type: "participant.joined", body: { participantId: "p-ciso", name: "Cat Chief", role: "internal-witness", organisation: "Security", title: "ciso" } },
  ];
  const startedIncluding = (stepIndex: number) => ({
    actor: "p-co",
    type: "step.started",
    body: { stepIndex, stepId: `s${stepIndex}`, title: "t", action: "a", attestation: { roles: ["internal-witness"], count: 2, including: [CISO] } },
  });
  const confirmed = (filledBy: string[]) => ({ actor: "system", type: "participants.confirmed", body: { count: 5, namedWitnesses: [{ rule: CISO, filledBy }] } });

  it("passes when the titled witness is among the attesters", () => {
    expect(messages([...titled, confirmed(["p-ciso"]), startedIncluding(3), attested(3, "p-w1"), attested(3, "p-ciso"), completed(3)])).toEqual([]);
  });

  it("two attesters without the title do not complete a step that includes the CISO", () => {
    expect(messages([...titled, confirmed(["p-ciso"]), startedIncluding(3), attested(3, "p-w1"), attested(3, "p-w2"), completed(3)])).toEqual([
      "step 4: needs a CISO or Director of Cybersecurity among its attesters; none attested",
    ]);
  });

  it("sign-in recorded as filled by someone without the title is caught", () => {
    expect(messages([...titled, confirmed(["p-w1"])])).toEqual([
      "sign-in closed (event 5) without a CISO or Director of Cybersecurity: the people recorded as filling it did not sign in with that title and role",
    ]);
  });
});
