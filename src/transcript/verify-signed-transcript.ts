/**
 * Verification of a signed transcript held in memory: the envelope checks and the transcript
 * checks together, the signer bound to the transcript's own record of it, and the signer compared
 * with the auditor's trust anchors. This is what the online system runs on an imported
 * transcript, what verifyBundle runs on the bundle's files, and what test/bench/transcript.bench.ts times.
 */
import { type VerifyFailure, failure } from "./failures.ts";
import { type Transcript, signerOf } from "./types.ts";
import { type EnvelopeCheckInput, checkEnvelopeSignedBy, readSigner } from "./verify-envelope.ts";
import { checkTranscriptBytes } from "./verify-transcript.ts";

export interface SignedTranscriptInput extends EnvelopeCheckInput {
  /**
   * SPKI SHA-256 fingerprints (lowercase hex) of the keys the auditor trusts, e.g. from the witness
   * sheets. Absent or empty: the verification is not anchored, whatever else holds.
   */
  anchors?: readonly string[];
}

export interface SignedTranscriptVerification {
  ok: boolean;
  failures: VerifyFailure[];
  /** The transcript when it could be parsed — trust it only when `ok`. */
  transcript?: Transcript;
  /** SPKI SHA-256 of signer.pub.pem when it holds a readable key: what the auditor compares with the witness sheet. */
  signerSpkiSha256?: string;
  /** True when the signer is one of the given anchors (and everything else holds). */
  anchored: boolean;
}

export function verifySignedTranscript(input: SignedTranscriptInput): SignedTranscriptVerification {
  const failures: VerifyFailure[] = [];
  // signer.pub.pem is read once: for the envelope's keyid and signature, and as the fingerprint below.
  const signer = readSigner(input.signerPem, "signer.pub.pem", failures);
  checkEnvelopeSignedBy(input, signer, failures);
  const check = checkTranscriptBytes(input.transcriptBytes);
  failures.push(...check.failures);
  const fp = signer?.keyId;
  const t = check.transcript;
  const recorded = t ? signerOf(t) : null;
  if (t && recorded && fp !== undefined && recorded.spkiSha256 !== fp) {
    failures.push(
      failure("SIGNER_NOT_RECORDED", `signer.pub.pem (SPKI SHA-256 ${fp}) is not the transcript-signing key the transcript records (${recorded.spkiSha256})`),
    );
  }
  const anchors = input.anchors ?? [];
  if (anchors.length > 0 && fp !== undefined && !anchors.includes(fp)) {
    failures.push(
      failure(
        "SIGNER_KEY_UNEXPECTED",
        `the bundle is signed by the key with SPKI SHA-256 ${fp}, which is not the expected signer${anchors.length === 1 ? ` (${anchors[0]})` : "s given"}`,
      ),
    );
  }
  const ok = failures.length === 0;
  return {
    ok,
    failures,
    ...(t ? { transcript: t } : {}),
    ...(fp !== undefined ? { signerSpkiSha256: fp } : {}),
    anchored: ok && anchors.length > 0,
  };
}
