/**
 * Transcript format versions and the event types each may contain. A transcript names its
 * format in `format`; verify checks every event body against the schemas of that version.
 *
 * v1: written before event bodies were schema-checked; its bodies fit today's schemas (checked
 *     by the v1 fixture bundles in test/fixtures/bundles-v1), limited to the types listed here.
 * v2: every type in EVENT_SCHEMAS. A body change that an older transcript would not satisfy
 *     needs a new version here, never an edit of an existing schema.
 */
const V1_EVENT_TYPES = [
  "ceremony.started",
  "ceremony.resumed",
  "participant.joined",
  "participants.confirmed",
  "step.started",
  "action.started",
  "action.succeeded",
  "action.failed",
  "artifact.recorded",
  "fact.recorded",
  "attestation.recorded",
  "attestation.refused",
  "step.completed",
  "ceremony.abort-requested",
  "ceremony.aborted",
  "ceremony.completed",
  "airgap.checked",
  "airgap.override.attested",
  "airgap.override.granted",
  "hsm.token.selected",
  "hsm.relogin",
  "hsm.object.intent",
  "hsm.object.created",
  "hsm.object.reused",
  "escrow.split",
  "escrow.card.delivered",
  "share.verified",
  "escrow.trial-recovered",
  "recovery.source",
  "escrow.recovered",
  "key.destroying",
  "key.destroyed",
  "pki.linted",
  "pki.crl-number.taken",
] as const;

export const TRANSCRIPT_FORMATS = {
  "ceremony-workstation.transcript.v1": { version: 1, eventTypes: V1_EVENT_TYPES as readonly string[] },
  "ceremony-workstation.transcript.v2": { version: 2, eventTypes: "all" as const },
} as const;

export type TranscriptFormat = keyof typeof TRANSCRIPT_FORMATS;
export const CURRENT_TRANSCRIPT_FORMAT: TranscriptFormat = "ceremony-workstation.transcript.v2";

export function isTranscriptFormat(value: unknown): value is TranscriptFormat {
  return typeof value === "string" && Object.hasOwn(TRANSCRIPT_FORMATS, value);
}

/** The event types a transcript of `format` may hold; "all" for the current one. */
export function eventTypesOf(format: TranscriptFormat): readonly string[] | "all" {
  return TRANSCRIPT_FORMATS[format].eventTypes;
}
