/** Events of the ceremony engine itself: start, people, steps, actions, attestations, the end. */
import { z } from "zod";
import { attestationRule, namedWitnessRule, outputValue, participantId, stepIndex, stringMap } from "./shared.ts";

export const ARTIFACT_KINDS = ["certificate", "crl", "csr", "public-key", "wrapped-key"] as const;
export const FACT_KINDS = ["kcv", "share-fingerprints", "key-destroyed", "public-key"] as const;

export const ceremonyEvents = {
  "ceremony.started": z.strictObject({
    scriptId: z.string(),
    scriptTitle: z.string(),
    scriptVersion: z.number().int(),
    scriptFile: z.string(),
    scriptSha256: z.string(),
    scriptText: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    /** SHA-256 of the parameters as canonical JSON; the printed ceremony script carries it too (v2). */
    parametersSha256: z.string().optional(),
    /** Head-counts when they do not come from the script alone (a recovery's k from its bundle). */
    roleMinimums: z.record(z.string(), z.number().int().min(0)).optional(),
    rehearsal: z.boolean(),
    app: z.strictObject({ name: z.string(), version: z.string() }),
    host: z.strictObject({ os: z.string(), release: z.string(), hostname: z.string() }),
    token: z.strictObject({ label: z.string(), serial: z.string().nullable() }),
  }),
  "ceremony.resumed": z.strictObject({ atEvent: z.number().int().min(0) }),
  "participant.joined": z.strictObject({
    participantId,
    name: z.string().min(1),
    role: z.string().min(1),
    organisation: z.string().min(1),
    /** The person's job title as they gave it ("CISO"), when the script asks for named witnesses. */
    title: z.string().min(1).max(120).optional(),
  }),
  "participants.confirmed": z.strictObject({
    count: z.number().int().min(0),
    /** The script's named-witness requirements and who fills each (absent when the script has none). */
    namedWitnesses: z.array(z.strictObject({ rule: namedWitnessRule, filledBy: z.array(participantId) })).optional(),
  }),
  "step.started": z.strictObject({ stepIndex, stepId: z.string(), title: z.string(), action: z.string(), attestation: attestationRule }),
  "action.started": z.strictObject({ stepIndex, performer: participantId }),
  "action.succeeded": z.strictObject({ stepIndex, performer: participantId, outputs: z.record(z.string(), outputValue) }),
  "action.failed": z.strictObject({ stepIndex, performer: participantId, error: z.strictObject({ code: z.string(), message: z.string() }) }),
  /** A public file an action produced, destined for the bundle. */
  "artifact.recorded": z.strictObject({
    stepIndex,
    path: z.string().min(1),
    base64: z.string(),
    sha256: z.string(),
    kind: z.enum(ARTIFACT_KINDS),
    label: z.string(),
    details: stringMap,
  }),
  /** A transcript output that is not a file: KCVs, share fingerprints, a destruction proof, a public key. */
  "fact.recorded": z.strictObject({ stepIndex, kind: z.enum(FACT_KINDS), label: z.string(), details: stringMap }),
  "attestation.recorded": z.strictObject({ stepIndex, participantId, checklist: z.array(z.string()) }),
  "attestation.refused": z.strictObject({ participantId, reason: z.string() }),
  /** Confirm, then act: what the step's action will do, shown before the HSM acts (never secret). */
  "preview.shown": z.strictObject({ stepIndex, previewSha256: z.string().regex(/^[0-9a-f]{64}$/), items: z.array(z.strictObject({ label: z.string(), value: z.string() })) }),
  /** A witness confirmed that preview with their attestation PIN. */
  "preview.attested": z.strictObject({ stepIndex, participantId, previewSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  "step.completed": z.strictObject({ stepIndex, milestone: z.string() }),
  "ceremony.abort-requested": z.strictObject({
    reason: z.string().min(1),
    atStep: stepIndex.nullable(),
    /** Who decided the abort and which witness attested it with their PIN (v2: dual control). */
    decidedBy: participantId.optional(),
    witnessedBy: participantId.nullable().optional(),
  }),
  "ceremony.aborted": z.strictObject({ reason: z.string() }),
  "ceremony.completed": z.strictObject({}),
};
