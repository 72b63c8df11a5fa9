/**
 * The requirements about people: dual control, the CISO witness rule for rotations, the audit
 * trail (actor and time of every key operation) and that no key is substituted unseen.
 */
import { formatFingerprintPrefix, normaliseTitle } from "../common/index.ts";
import type { CeremonyRecord, StepRecord } from "./ceremony-record.ts";
import { witnessesOf } from "./ceremony-record.ts";
import { type CheckInput, type CheckResult, cite, citeCeremony, citeStep, emptyResult, finding, names, stepName, who } from "./check-kit.ts";
import { POLICY_NUMBERS } from "./policy.ts";

function keySteps(c: CeremonyRecord): StepRecord[] {
  return c.steps.filter((s) => s.keyEvents.length > 0);
}

/** 000 "Key Rotation and Master Key Access"; 001 §3.5 separation of duties. */
export function checkDualControl({ ceremonies }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const c of ceremonies) {
    for (const step of keySteps(c)) {
      const witnesses = witnessesOf(step);
      const performer = step.performer ? who(c, step.performer) : "nobody recorded";
      if (witnesses.length >= POLICY_NUMBERS.witnesses) {
        r.evidence.push(citeStep(c, step, `${stepName(c, step)}: performed by ${performer}, attested by ${names(c, witnesses)}`));
      } else {
        const why = step.completed ? "" : ` (the ceremony ${c.status === "aborted" ? "was aborted" : "ended"} before the step was attested)`;
        r.findings.push(
          finding("contradicted", `${stepName(c, step)} acted on a key with ${witnesses.length === 0 ? "no witness" : `only ${names(c, witnesses)} attesting`}, not two people besides the performer${why}`, {
            ceremony: c,
            seq: step.keyEvents[0]?.seq ?? null,
          }),
        );
      }
    }
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle records a key operation, so no step shows dual control."));
  return r;
}

/** Scripts that rotate a key (issue 15), and the event types that record a rotation. */
export const ROTATION_SCRIPTS = ["root-rotation", "kek-rotation"] as const;

export function isRotationCeremony(c: CeremonyRecord): boolean {
  return (ROTATION_SCRIPTS as readonly string[]).includes(c.scriptId) || c.transcript.events.some((e) => e.type === "key.superseded");
}

/** 000 "Key Rotation and Master Key Access": two witnesses, one the CISO or Director of Cybersecurity. */
export function checkRotationWitnesses({ ceremonies }: CheckInput): CheckResult {
  const r = emptyResult();
  const titles = POLICY_NUMBERS.rotationWitnessTitles.map(normaliseTitle);
  const rotations = ceremonies.filter(isRotationCeremony);
  for (const c of rotations) {
    const steps = keySteps(c);
    const witnesses = [...new Set(steps.flatMap(witnessesOf))];
    const named = witnesses.filter((id) => {
      const title = c.people.get(id)?.title;
      return title !== null && title !== undefined && titles.includes(normaliseTitle(title));
    });
    const where = { ceremony: c, seq: steps[0]?.keyEvents[0]?.seq ?? null };
    const problems: string[] = [];
    if (witnesses.length < POLICY_NUMBERS.witnesses) problems.push(`only ${witnesses.length} witness${witnesses.length === 1 ? "" : "es"} attested its key steps (${names(c, witnesses)})`);
    if (named.length === 0) {
      const signedIn = [...c.people.values()].filter((p) => p.title);
      problems.push(
        `no witness who attested its key steps is the CISO or Director of Cybersecurity (${signedIn.length ? `titles given: ${signedIn.map((p) => `${p.name}: ${p.title}`).join("; ")}` : "nobody gave a job title at sign-in"})`,
      );
    }
    if (problems.length) r.findings.push(finding("contradicted", `Rotation ceremony ${c.id} (${c.scriptId}): ${problems.join("; ")}.`, where));
    else r.evidence.push(citeCeremony(c, `Rotation ceremony ${c.id} (${c.scriptId}): ${witnesses.length} witnesses attested its key steps, among them ${names(c, named)}`));
  }
  if (rotations.length === 0) {
    r.findings.push(
      finding("missing", `No verified bundle is a key rotation ceremony (${ROTATION_SCRIPTS.map((s) => `${s}.yaml`).join(", ")}), so the CISO witness rule cannot be shown to hold for any rotation.`),
    );
  }
  return r;
}

/** 001 §3.5 "Audit all access", §8: actor, key ID and time of every key operation. */
export function checkAuditTrail({ ceremonies }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const c of ceremonies) {
    const ops = c.steps.flatMap((s) => s.keyEvents);
    if (ops.length === 0) continue;
    const anonymous = ops.filter((e) => !c.people.has(e.actor));
    for (const e of anonymous) {
      r.findings.push(finding("contradicted", `${c.id} seq ${e.seq} (${e.type}) was recorded by "${e.actor}", not by a person who signed in`, { ceremony: c, seq: e.seq }));
    }
    const first = ops[0]!;
    const signer = `signed by ${formatFingerprintPrefix(c.signerSpkiSha256)}${c.anchored ? " (anchored)" : " (not anchored)"}`;
    r.evidence.push(
      cite(
        { ceremony: c, step: null, event: first },
        `${c.id}: ${ops.length} key operation${ops.length === 1 ? "" : "s"} (seq ${ops.map((e) => e.seq).join(", ")}), ${anonymous.length === 0 ? "each" : `${ops.length - anonymous.length}`} by a signed-in person with its UTC time, in a chain of ${c.transcript.checkpoint.eventCount} events whose head ${formatFingerprintPrefix(c.transcript.checkpoint.head)} is ${signer}`,
      ),
    );
  }
  if (r.evidence.length === 0) r.findings.push(finding("missing", "No verified bundle records a key operation."));
  return r;
}

/** Key steps whose action must show witnesses what it will do first: it made (not found), signed with or destroyed a key. */
function needsPreview(step: StepRecord): boolean {
  if (step.action === "transcript.ensure-signer") return false;
  return step.keyEvents.some(
    (e) =>
      (e.type === "hsm.object.created" && !step.events.some((x) => x.type === "escrow.recovered")) ||
      e.type === "key.destroyed" ||
      (e.type === "artifact.recorded" && (e.body.kind === "certificate" || e.body.kind === "crl")),
  );
}

/** 000 "Trust Stores", 003 "Trust Store Security", PCI-DSS 3.7.7: nothing substituted unseen. */
export function checkNoSubstitution({ ceremonies }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const c of ceremonies) {
    for (const step of c.steps) {
      if (needsPreview(step)) {
        const before = step.previewAttesters;
        const enough = before.length >= Math.min(step.rule.count, POLICY_NUMBERS.witnesses);
        if (!step.previewShown) {
          r.findings.push(finding("missing", `${stepName(c, step)} acted on a key without a recorded preview for witnesses to confirm (a ${c.transcript.format.replace("ceremony-workstation.", "")} transcript)`, { ceremony: c, seq: step.keyEvents[0]?.seq ?? null }));
        } else if (!enough) {
          r.findings.push(finding("contradicted", `${stepName(c, step)}: its preview was confirmed by ${names(c, before)} only`, { ceremony: c, seq: step.previewShown.seq }));
        } else {
          const items = step.previewShown.type === "preview.shown" ? step.previewShown.body.items.map((i) => `${i.label}: ${i.value}`).slice(0, 2).join("; ") : "";
          r.evidence.push(citeStep(c, step, `${stepName(c, step)}: ${names(c, before)} confirmed what the HSM would do before it acted (${items})`));
        }
      }
      for (const e of step.keyEvents) {
        if (e.type !== "escrow.recovered") continue;
        const source = step.events.find((x) => x.type === "recovery.source");
        if (source?.type !== "recovery.source") continue;
        const same = source.body.kcvEcb0.toUpperCase() === e.body.kcvEcb0.toUpperCase() && source.body.kcvCmac.toUpperCase() === e.body.kcvCmac.toUpperCase();
        if (same) {
          r.evidence.push(cite({ ceremony: c, step, event: e }, `${c.id} recovered ${e.body.keyLabel} with KCVs ${e.body.kcvEcb0} / ${e.body.kcvCmac}, equal to the escrowed key's in ${source.body.bundleCeremonyId}`));
        } else {
          r.findings.push(finding("contradicted", `${c.id} recovered ${e.body.keyLabel} with KCVs ${e.body.kcvEcb0} / ${e.body.kcvCmac}, but the escrowed key's are ${source.body.kcvEcb0} / ${source.body.kcvCmac}`, { ceremony: c, seq: e.seq }));
        }
      }
    }
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle creates, signs with, recovers or destroys a key."));
  return r;
}
