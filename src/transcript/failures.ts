import type { ErrorCode } from "../errors.ts";

/**
 * One failed check of a bundle: a stable code for programs and a sentence for the auditor. The
 * built-in checks' codes are registered (docs/errors.md); a caller's extra check names its own.
 */
export interface VerifyFailure {
  code: string;
  message: string;
}

/** Only registered codes may name a finding. */
type Registered<T extends ErrorCode> = T;

/** Codes of the built-in checks; extra checks use their own names (registered too) as codes. */
export type FailureCode = Registered<
  | "BUNDLE_UNREADABLE"
  | "BUNDLE_FILE_MISSING"
  | "BUNDLE_FILE_NOT_REGULAR"
  | "MANIFEST_INVALID"
  | "MANIFEST_HASH_MISMATCH"
  | "MANIFEST_FILE_MISSING"
  | "MANIFEST_EXTRA_FILE"
  | "ENVELOPE_INVALID"
  | "ENVELOPE_PAYLOAD_TYPE"
  | "ENVELOPE_PAYLOAD_MISMATCH"
  | "SIGNER_KEY_INVALID"
  | "SIGNER_KEY_UNEXPECTED"
  | "SIGNATURE_KEYID_MISMATCH"
  | "SIGNATURE_INVALID"
  | "TRANSCRIPT_INVALID"
  | "TRANSCRIPT_NOT_CANONICAL"
  | "EVENT_INVALID"
  | "CHAIN_BROKEN"
  | "CHECKPOINT_MISMATCH"
  | "SCRIPT_HASH_MISMATCH"
  | "CEREMONY_STATUS_MISMATCH"
  | "PARTICIPANTS_MISMATCH"
  | "ATTESTATION_MISSING"
  | "OUTPUT_INVALID"
  | "OUTPUT_FILE_MISSING"
  | "OUTPUT_HASH_MISMATCH"
  | "MILESTONE_MISMATCH"
  | "SIGNER_NOT_RECORDED"
  | "FILE_NOT_SIGNED"
  | "ARTIFACT_MISMATCH"
  | "LINK_MISMATCH"
  | "KEY_COPIES_MISMATCH"
>;

export function failure(code: FailureCode, message: string): VerifyFailure {
  return { code, message };
}
