/**
 * The transcript: everything an auditor or the online system needs to know about one ceremony,
 * in one canonical JSON document (transcript.json) that the HSM's transcript-signing key signs.
 * The schemas are strict (unknown members rejected) so that nothing is signed that a verifier
 * would not also check.
 */
import { z } from "zod";
import { CURRENT_TRANSCRIPT_FORMAT, type RecordedEvent, TRANSCRIPT_FORMATS, type TranscriptFormat } from "../events/index.ts";

/** The format this program writes; verify reads every format in TRANSCRIPT_FORMATS (src/events/formats.ts). */
export const TRANSCRIPT_FORMAT = CURRENT_TRANSCRIPT_FORMAT;
/** DSSE payloadType of a transcript envelope (docs/architecture.md "Transcript signature"). */
export const TRANSCRIPT_PAYLOAD_TYPE = "application/vnd.ceremony-workstation.transcript.v1+json";

/**
 * "document" is a sheet printed for the room (witness sheet, transcript summary) and "share-card"
 * a REHEARSAL or explicitly saved card: rendered before signing, so their hashes are signed too
 * and every file of a bundle is covered by the signature (docs/architecture.md "Trust anchor").
 */
export const OUTPUT_KINDS = ["certificate", "crl", "csr", "public-key", "kcv", "share-fingerprints", "wrapped-key", "key-destroyed", "document", "share-card"] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "must be UTC ISO-8601 with milliseconds");
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");
const text = z.string().min(1);

export const ParticipantSchema = z.strictObject({ id: text, name: text, role: text, organisation: z.string(), title: z.string().optional() });
export type TranscriptParticipant = z.infer<typeof ParticipantSchema>;

export const OutputSchema = z
  .strictObject({
    kind: z.enum(OUTPUT_KINDS),
    label: text,
    /** Bundle-relative path, e.g. certs/root-2026.pem. */
    file: z.string().optional(),
    /** SHA-256 of that file, lowercase hex. */
    sha256: sha256Hex.optional(),
    details: z.record(z.string(), z.string()),
  })
  .refine((o) => (o.file === undefined) === (o.sha256 === undefined), { message: "file and sha256 go together" });
export type TranscriptOutput = z.infer<typeof OutputSchema>;

export const CheckpointSchema = z.strictObject({ ceremonyId: text, eventCount: z.number().int().nonnegative(), head: sha256Hex });

export const HsmSchema = z.strictObject({ manufacturer: z.string(), model: z.string(), serial: z.string(), firmware: z.string(), tokenLabel: z.string() });

/** Everything but `events`, which are checked by the faster dedicated path in verify-transcript.ts. */
export const SignerSchema = z.strictObject({ algorithm: z.enum(["EC-P256", "EC-P384", "RSA-3072"]), spkiSha256: sha256Hex });
export type TranscriptSigner = z.infer<typeof SignerSchema>;

export const TranscriptHeaderSchema = z.strictObject({
  format: z.enum(Object.keys(TRANSCRIPT_FORMATS) as [TranscriptFormat, ...TranscriptFormat[]]),
  ceremony: z.strictObject({
    id: text,
    scriptId: text,
    title: z.string(),
    status: z.enum(["completed", "aborted"]),
    startedAt: isoTime,
    endedAt: isoTime,
  }),
  script: z.strictObject({ sha256: sha256Hex, text: z.string(), params: z.record(z.string(), z.unknown()) }),
  app: z.strictObject({ name: text, version: text }),
  host: z.strictObject({
    os: z.string(),
    release: z.string(),
    hostname: z.string(),
    airGap: z.strictObject({ interfacesUp: z.array(z.string()), decision: z.enum(["clear", "override", "blocked"]) }),
  }),
  hsm: HsmSchema.nullable(),
  /**
   * The transcript-signing key, recorded inside what it signs: signer.pub.pem must be this key.
   * Required from format v2 on; a v1 transcript records it only as its transcript-signing
   * public-key output (see signerOf).
   */
  signer: SignerSchema.optional(),
  participants: z.array(ParticipantSchema),
  outputs: z.array(OutputSchema),
  checkpoint: CheckpointSchema,
});

export type TranscriptHeader = z.infer<typeof TranscriptHeaderSchema>;
/** An event of a transcript whose bodies were checked against their format's schemas. */
export type TranscriptEvent = RecordedEvent;
export type Transcript = TranscriptHeader & { events: TranscriptEvent[] };

/**
 * The transcript-signing key a transcript records: its header's `signer` (v2), or for a v1
 * transcript the public-key output whose purpose is transcript-signing. Null when neither exists.
 */
export function signerOf(t: Pick<Transcript, "signer" | "outputs">): TranscriptSigner | null {
  if (t.signer) return t.signer;
  const fact = t.outputs.find((o) => o.kind === "public-key" && o.details.purpose === "transcript-signing");
  const parsed = SignerSchema.safeParse({ algorithm: fact?.details.algorithm, spkiSha256: fact?.details.spkiSha256 });
  return parsed.success ? parsed.data : null;
}
