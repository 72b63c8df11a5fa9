/**
 * Verification of a signed transcript held in memory: the envelope checks and the transcript
 * checks together. This is what the online system runs on an imported transcript, what
 * verifyBundle runs on the bundle's files, and what test/bench/transcript.bench.ts times.
 */
import type { VerifyFailure } from "./failures.ts";
import type { Transcript } from "./types.ts";
import { type EnvelopeCheckInput, checkEnvelope } from "./verify-envelope.ts";
import { checkTranscriptBytes } from "./verify-transcript.ts";

export interface SignedTranscriptVerification {
  ok: boolean;
  failures: VerifyFailure[];
  /** The transcript when it could be parsed — trust it only when `ok`. */
  transcript?: Transcript;
}

export function verifySignedTranscript(input: EnvelopeCheckInput): SignedTranscriptVerification {
  const failures = checkEnvelope(input);
  const check = checkTranscriptBytes(input.transcriptBytes);
  failures.push(...check.failures);
  return { ok: failures.length === 0, failures, ...(check.transcript ? { transcript: check.transcript } : {}) };
}
