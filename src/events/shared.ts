/**
 * Building blocks the event schemas share. Pure: zod only, so the journal, the standalone
 * transcript verifier and the ceremony engine can all import the event vocabulary
 * (docs/architecture.md, "Events").
 */
import { z } from "zod";

export const stepIndex = z.number().int().min(0);
export const participantId = z.string().min(1).max(200);
export const hex = z.string().regex(/^[0-9a-fA-F]*$/u, "must be hexadecimal");
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/u, "must be 64 lowercase hex digits");
export const stringMap = z.record(z.string(), z.string());

/** A value shown on screen for read-aloud and recorded with the step (never secret). */
export const outputValue = z.strictObject({
  label: z.string(),
  kind: z.enum(["fingerprint", "hex", "kcv", "text"]),
  value: z.string(),
});
export type OutputValue = z.output<typeof outputValue>;

/** A requirement for a witness with a given job title, as the script stated it (v2, optional). */
export const namedWitnessRule = z.strictObject({
  title: z.string().min(1),
  anyOf: z.array(z.string().min(1)).min(1),
  roles: z.array(z.string()).min(1),
  count: z.number().int().min(1),
});

export const attestationRule = z.strictObject({
  count: z.number().int().min(1),
  roles: z.array(z.string()).min(1),
  /** Named witnesses who must be among the attesters (src/common/named-witnesses.ts); absent when none. */
  including: z.array(namedWitnessRule).optional(),
});
