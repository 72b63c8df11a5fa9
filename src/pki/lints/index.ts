export { CERTIFICATE_LINTS, CRL_LINTS } from "./registry.ts";
export { failures, requireKnownLintIds, runLints } from "./lint.ts";
export type { Lint, LintResult, LintStatus } from "./lint.ts";
export { certificateLintTarget, crlLintTarget } from "./targets.ts";
export type { CertificateLintTarget, CertificateProfile, CrlLintTarget, SignedObjectLintTarget } from "./targets.ts";
export { PERMITTED_CRL_REASONS } from "./crl-entry-lints.ts";
