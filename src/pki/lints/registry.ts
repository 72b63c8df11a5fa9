/** Every lint, by the object it checks. Order is the order results are reported in. */
import { CA_EXTENSION_LINTS } from "./ca-extension-lints.ts";
import { CRL_ENTRY_LINTS } from "./crl-entry-lints.ts";
import { CROSS_CERTIFICATE_LINTS } from "./cross-certificate-lints.ts";
import { CRL_LINTS_FIELDS } from "./crl-lints.ts";
import { KEY_IDENTIFIER_LINTS } from "./key-identifier-lints.ts";
import type { Lint } from "./lint.ts";
import { NAME_CONSTRAINTS_LINTS } from "./name-constraints-lints.ts";
import { NAME_ENCODING_LINTS } from "./name-encoding-lints.ts";
import { POINTER_LINTS } from "./pointer-lints.ts";
import { PUBLIC_KEY_LINTS } from "./public-key-lints.ts";
import { SERIAL_LINTS } from "./serial-lints.ts";
import { SIGNED_OBJECT_LINTS } from "./signed-object-lints.ts";
import { SUBJECT_NAME_LINTS } from "./subject-name-lints.ts";
import type { CertificateLintTarget, CrlLintTarget } from "./targets.ts";
import { VALIDITY_LINTS } from "./validity-lints.ts";

export const CERTIFICATE_LINTS: readonly Lint<CertificateLintTarget>[] = [
  ...SERIAL_LINTS,
  ...VALIDITY_LINTS,
  ...SUBJECT_NAME_LINTS,
  ...NAME_ENCODING_LINTS,
  ...CA_EXTENSION_LINTS,
  ...KEY_IDENTIFIER_LINTS,
  ...CROSS_CERTIFICATE_LINTS,
  ...POINTER_LINTS,
  ...NAME_CONSTRAINTS_LINTS,
  ...PUBLIC_KEY_LINTS,
  ...SIGNED_OBJECT_LINTS,
];

export const CRL_LINTS: readonly Lint<CrlLintTarget>[] = [...CRL_LINTS_FIELDS, ...CRL_ENTRY_LINTS, ...SIGNED_OBJECT_LINTS];
