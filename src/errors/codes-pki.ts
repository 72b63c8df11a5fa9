import { entry } from "./advice.ts";

const input = (officer: string) => entry("pki", ["PkiInputError"], "choose-another", officer);
const check = (officer: string) => entry("pki", ["PkiCheckError"], "stop", officer);
const csr = (officer: string) => entry("pki", ["CsrError"], "choose-another", officer);

const NOTHING_SIGNED = "Nothing was signed.";

/** Certificates, CRLs and CSRs (src/pki): refused inputs, lints, and the checks around signing. */
export const PKI_ERRORS = {
  SUBJECT_INVALID: input(`A subject or issuer name is not a usable RFC 4514 name. Correct it in the ceremony parameters. ${NOTHING_SIGNED}`),
  VALIDITY_INVALID: input(`A validity period (or a CRL's update times) is not usable: the end must come after the start. Correct the parameters. ${NOTHING_SIGNED}`),
  VALIDITY_TOO_LONG: input(`The validity is longer than this profile allows for a root. Choose a shorter validity. ${NOTHING_SIGNED}`),
  VALIDITY_OUTSIDE_ISSUER: entry(
    "pki",
    ["PkiInputError", "PkiActionError"],
    "choose-another",
    `The certificate's validity (or a CRL's next update) would go beyond the issuer's validity. Choose a shorter period. ${NOTHING_SIGNED}`,
  ),
  PATH_LENGTH_INVALID: input(`The path length constraint must be a whole number from 0 to 16, or be left out. ${NOTHING_SIGNED}`),
  POLICY_INVALID: input(`The certificate policies must be a non-empty list of {oid, cpsUrl}, or be left out. ${NOTHING_SIGNED}`),
  URL_INVALID: input(`A URL (CRL distribution point, CPS, AIA) is not a usable ASCII URL. Correct it in the parameters. ${NOTHING_SIGNED}`),
  EXTENDED_KEY_USAGE_INVALID: input(`The extended key usages are not a list of distinct key purposes. Correct them in the parameters. ${NOTHING_SIGNED}`),
  NAME_CONSTRAINTS_INVALID: input(`The name constraints are not usable. Correct them in the parameters. ${NOTHING_SIGNED}`),
  UNKNOWN_LINT: input(`skipLints names a lint that does not exist, or is not a list of lint ids. Correct the parameters. ${NOTHING_SIGNED}`),
  CRL_NUMBER_INVALID: input(`The CRL number must be from 0 to 2^159 − 1 and larger than the previous CRL's. ${NOTHING_SIGNED}`),
  REVOKED_ENTRY_INVALID: input(`A revoked entry (serial, date, reason) is not usable. Correct the list. ${NOTHING_SIGNED}`),
  UNSUPPORTED_KEY: input(`The key on the token cannot be certified by this profile. Use a key of a supported algorithm. ${NOTHING_SIGNED}`),
  ISSUER_CERTIFICATE_INVALID: input(`The issuer certificate cannot issue this (no key identifier, not a CA, or damaged). Choose the right issuer certificate. ${NOTHING_SIGNED}`),
  CERTIFICATE_MALFORMED: input("The file is not a DER X.509 certificate. Choose the certificate file exactly as it was exported."),
  PEM_MALFORMED: input("The PEM text is malformed. Give the file exactly as it was exported."),
  CROSS_SAME_KEY: input(`A cross-certificate would certify the issuing root's own key. Give the other root's certificate (the old root certifies the new root's key, and the reverse). ${NOTHING_SIGNED}`),
  CSR_NOT_PARSED: input(`The CSR was not parsed by this program, or was changed after it was. Read the CSR file again. ${NOTHING_SIGNED}`),
  LINTS_FAILED: entry(
    "pki",
    ["PkiLintError"],
    "choose-another",
    `Lints refused the certificate or CRL before it was signed. Correct the ceremony parameters; skip a lint only by naming it in skipLints when the exception is intended and recorded. ${NOTHING_SIGNED}`,
  ),
  SIGNER_KEY_MISMATCH: check("The key on the token is not the key in the issuer certificate. Stop: the wrong token or the wrong issuer certificate is in use."),
  SIGNER_ALGORITHM_MISMATCH: check("The signer's algorithm does not match its key. Stop and check the token with the ceremony administrator."),
  SIGNATURE_INVALID: entry(
    "pki",
    ["PkiCheckError", "VerifyFailure"],
    "stop",
    "A signature does not verify (or the signer returned none). Do not publish or use what was signed; stop and call the ceremony administrator.",
  ),
  TBS_MISMATCH: check("The signed object is not byte for byte the object that was linted. Do not publish or use it; stop."),
  SIGNATURE_ALGORITHM_MISMATCH: check("The signed object names another signature algorithm than the signer used. Do not publish or use it; stop."),
  SIGNED_OBJECT_MALFORMED: check("The signed object does not parse as strict DER. Do not publish or use it; stop."),
  POST_SIGN_LINT_FAILED: check("Lints refused the object after it was signed. Do not publish or use it; stop."),
  RANDOM_SOURCE_FAILED: check("The random generator failed (or returned a constant pattern) while drawing a serial number. Stop: nothing was signed."),
  CSR_TOO_LARGE: csr("The CSR file is larger than any real CSR. Ask for the CSR file again."),
  CSR_TOO_DEEP: csr("The CSR nests deeper than any real CSR. Ask for the CSR file again."),
  CSR_PEM_MALFORMED: csr("The CSR PEM text is malformed. Give the file exactly as it was exported."),
  CSR_DER_MALFORMED: csr("The CSR is not a valid PKCS #10 request in DER. Ask for the CSR file again."),
  CSR_VERSION_UNSUPPORTED: csr("The CSR has a version other than 1 (v1). Ask for a standard PKCS #10 request."),
  CSR_UNSUPPORTED_KEY: csr("The CSR's key is of a kind this profile does not certify. Ask for a CSR with a supported key."),
  CSR_UNSUPPORTED_SIGNATURE_ALGORITHM: csr("The CSR is signed with an algorithm this program does not accept. Ask for a CSR signed with a supported one."),
  CSR_SIGNATURE_INVALID: csr("The CSR's self-signature does not verify: the file is damaged or was altered. Ask for the CSR again and compare its fingerprint with the requester."),
} as const;
