/** Key identifier lints (RFC 5280 §4.2.1.1, §4.2.1.2; CA/B BR §7.1.2.1.3, §7.1.2.11.1, §7.1.2.11.4). */
import { AuthorityKeyIdentifier } from "@peculiar/asn1-x509";
import { decodeExtension, findExtension, subjectKeyIdentifierOf } from "../extension-access.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const akiOf = (t: CertificateLintTarget): AuthorityKeyIdentifier | undefined => {
  const ext = findExtension(t.extensions, OID.authorityKeyIdentifier);
  return ext ? decodeExtension(ext, AuthorityKeyIdentifier) : undefined;
};

export const KEY_IDENTIFIER_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_ski_present",
    source: "RFC 5280 §4.2.1.2; BR §7.1.2.1.2, §7.1.2.6.1",
    description: "subjectKeyIdentifier is present and not empty.",
    check: (t) => ((subjectKeyIdentifierOf(t.extensions)?.length ?? 0) > 0 ? undefined : "subjectKeyIdentifier is missing or empty"),
  },
  {
    id: "e_aki_present_subordinate",
    source: "RFC 5280 §4.2.1.1; BR §7.1.2.6.1",
    description: "A subordinate CA or cross-certificate has authorityKeyIdentifier with a keyIdentifier.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => (akiOf(t)?.keyIdentifier ? undefined : "authorityKeyIdentifier (keyIdentifier) is missing"),
  },
  {
    id: "e_aki_matches_issuer_ski",
    source: "BR §7.1.2.1.3 (root: equal to its own SKI), §7.1.2.11.1",
    description: "authorityKeyIdentifier.keyIdentifier, when present, equals the issuing CA's subjectKeyIdentifier.",
    appliesTo: (t) => findExtension(t.extensions, OID.authorityKeyIdentifier) !== undefined,
    check: (t) => {
      const keyId = akiOf(t)?.keyIdentifier;
      if (!keyId) return "authorityKeyIdentifier has no keyIdentifier";
      if (!t.issuer.subjectKeyIdentifier) return "the issuing CA has no subjectKeyIdentifier to match";
      return Buffer.from(keyId.buffer).equals(t.issuer.subjectKeyIdentifier) ? undefined : "authorityKeyIdentifier does not equal the issuing CA's subjectKeyIdentifier";
    },
  },
  {
    id: "e_aki_key_id_only",
    source: "BR §7.1.2.1.3, §7.1.2.11.1",
    description: "authorityKeyIdentifier has neither authorityCertIssuer nor authorityCertSerialNumber.",
    appliesTo: (t) => findExtension(t.extensions, OID.authorityKeyIdentifier) !== undefined,
    check: (t) => {
      const aki = akiOf(t);
      return aki?.authorityCertIssuer || aki?.authorityCertSerialNumber ? "authorityKeyIdentifier carries authorityCertIssuer or authorityCertSerialNumber" : undefined;
    },
  },
];
