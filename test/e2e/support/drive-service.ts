/**
 * A root CA rehearsal driven through the core's contract directly (as another window would),
 * for tests whose subject is what comes after a ceremony: the key inventory and the auditor.
 */
import type { ServiceImpl } from "../../../src/api/service.ts";
import { ADMIN, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./people.ts";

export async function rehearseRootCaDirectly(service: ServiceImpl): Promise<string> {
  let view = await service["ceremony:start"]({ file: "root-ca.yaml", parameters: {}, rehearsal: true });
  const people = [ADMIN, OFFICER, ...WITNESSES];
  for (const p of people) view = await service["ceremony:add-participant"]({ name: p.name, role: p.role, organisation: p.organisation, attestationPin: p.pin });
  view = await service["ceremony:confirm-participants"]({});
  const idOf = (name: string) => view.participants.find((p) => p.name === name)!.id;
  if (view.phase === "air-gap") {
    for (const w of WITNESSES) view = await service["ceremony:airgap-override"]({ participantId: idOf(w.name), pin: w.pin });
  }
  while (view.phase === "steps" && view.currentStep !== null) {
    const step = view.steps[view.currentStep]!;
    const performer = view.participants.find((p) => p.role === step.performerRole)!;
    if (step.preview?.required) {
      view = await service["ceremony:preview"]({});
      for (const w of WITNESSES) {
        if (view.steps[view.currentStep!]!.preview?.required) view = await service["ceremony:attest-preview"]({ participantId: idOf(w.name), pin: w.pin });
      }
    }
    view = await service["ceremony:run-action"]({ performerId: performer.id, ...(step.needs.includes("hsm-pin") ? { hsmPin: REHEARSAL_HSM_PIN } : {}) });
    for (const w of WITNESSES) view = await service["ceremony:attest"]({ participantId: idOf(w.name), pin: w.pin, confirmed: step.checklist });
  }
  const finished = await service["ceremony:finish"]({});
  if (!finished.verification.ok || !finished.view.bundleDir) throw new Error(`the directly driven rehearsal did not verify: ${JSON.stringify(finished.verification.failures)}`);
  return finished.view.bundleDir;
}

/**
 * A root CA rehearsal driven through the contract until its root key exists, then aborted under
 * dual control and its aborted transcript signed: the key it made is to be adopted or destroyed.
 * Returns the ceremony ID.
 */
export async function abortAfterRootKeyDirectly(service: ServiceImpl): Promise<string> {
  let view = await service["ceremony:start"]({ file: "root-ca.yaml", parameters: {}, rehearsal: true });
  for (const p of [ADMIN, OFFICER, ...WITNESSES]) view = await service["ceremony:add-participant"]({ name: p.name, role: p.role, organisation: p.organisation, attestationPin: p.pin });
  view = await service["ceremony:confirm-participants"]({});
  const idOf = (name: string) => view.participants.find((p) => p.name === name)!.id;
  if (view.phase === "air-gap") {
    for (const w of WITNESSES) view = await service["ceremony:airgap-override"]({ participantId: idOf(w.name), pin: w.pin });
  }
  while (view.phase === "steps" && view.currentStep !== null && !view.steps.some((s) => s.action === "key.generate-pair" && s.status === "completed")) {
    const step = view.steps[view.currentStep]!;
    const performer = view.participants.find((p) => p.role === step.performerRole)!;
    if (step.preview?.required) {
      view = await service["ceremony:preview"]({});
      for (const w of WITNESSES) {
        if (view.steps[view.currentStep!]!.preview?.required) view = await service["ceremony:attest-preview"]({ participantId: idOf(w.name), pin: w.pin });
      }
    }
    view = await service["ceremony:run-action"]({ performerId: performer.id, ...(step.needs.includes("hsm-pin") ? { hsmPin: REHEARSAL_HSM_PIN } : {}) });
    for (const w of WITNESSES) view = await service["ceremony:attest"]({ participantId: idOf(w.name), pin: w.pin, confirmed: step.checklist });
  }
  const [decider, witness] = [WITNESSES[0]!, WITNESSES[1]!];
  view = await service["ceremony:abort"]({ actorId: idOf(decider.name), reason: "The subject on the paper script was wrong.", witnessId: idOf(witness.name), witnessPin: witness.pin });
  const finished = await service["ceremony:finish"]({});
  if (!finished.verification.ok) throw new Error(`the aborted rehearsal did not verify: ${JSON.stringify(finished.verification.failures)}`);
  return view.ceremonyId;
}
