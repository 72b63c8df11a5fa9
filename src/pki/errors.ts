import { CeremonyError } from "../errors.ts";

/** A lint outcome as the error reports it (structurally lints/lint.ts's LintResult, without importing it: no cycle). */
interface LintFailure {
  readonly id: string;
  readonly source: string;
  readonly status: string;
  readonly message?: string;
}

/** A parameter given to a PKI function is unusable; nothing was signed. */
export type PkiInputErrorCode =
  | "SUBJECT_INVALID"
  | "VALIDITY_INVALID"
  | "VALIDITY_TOO_LONG"
  | "VALIDITY_OUTSIDE_ISSUER"
  | "PATH_LENGTH_INVALID"
  | "POLICY_INVALID"
  | "URL_INVALID"
  | "EXTENDED_KEY_USAGE_INVALID"
  | "NAME_CONSTRAINTS_INVALID"
  | "UNKNOWN_LINT"
  | "CRL_NUMBER_INVALID"
  | "REVOKED_ENTRY_INVALID"
  | "UNSUPPORTED_KEY"
  | "ISSUER_CERTIFICATE_INVALID"
  | "CERTIFICATE_MALFORMED"
  | "PEM_MALFORMED"
  | "CSR_NOT_PARSED"
  | "CROSS_SAME_KEY";

export class PkiInputError extends CeremonyError {
  declare readonly code: PkiInputErrorCode;
  constructor(code: PkiInputErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Lints refused the object before it was sent to the signer. */
export class PkiLintError extends CeremonyError {
  declare readonly code: "LINTS_FAILED";
  readonly failures: readonly LintFailure[];
  constructor(what: string, failures: readonly LintFailure[]) {
    const list = failures.map((f) => `${f.id} (${f.source}): ${f.message ?? "failed"}`).join("; ");
    super(
      "LINTS_FAILED",
      `The ${what} was not signed because ${failures.length} lint(s) failed: ${list}. ` +
        "Correct the ceremony parameters; skip a lint only by naming it in skipLints when the exception is intended and recorded.",
    );
    this.failures = failures;
  }
}

/** A check around the signing operation failed; the signed object must not be used. */
export type PkiCheckErrorCode =
  | "SIGNER_KEY_MISMATCH"
  | "SIGNER_ALGORITHM_MISMATCH"
  | "SIGNATURE_INVALID"
  | "TBS_MISMATCH"
  | "SIGNATURE_ALGORITHM_MISMATCH"
  | "SIGNED_OBJECT_MALFORMED"
  | "POST_SIGN_LINT_FAILED"
  | "RANDOM_SOURCE_FAILED";

export class PkiCheckError extends CeremonyError {
  declare readonly code: PkiCheckErrorCode;
  constructor(code: PkiCheckErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A certificate signing request was refused. */
export type CsrErrorCode =
  | "CSR_TOO_LARGE"
  | "CSR_TOO_DEEP"
  | "CSR_PEM_MALFORMED"
  | "CSR_DER_MALFORMED"
  | "CSR_VERSION_UNSUPPORTED"
  | "CSR_UNSUPPORTED_KEY"
  | "CSR_UNSUPPORTED_SIGNATURE_ALGORITHM"
  | "CSR_SIGNATURE_INVALID";

export class CsrError extends CeremonyError {
  declare readonly code: CsrErrorCode;
  constructor(code: CsrErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
