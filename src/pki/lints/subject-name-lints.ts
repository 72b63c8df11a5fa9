/** Subject and issuer name lints (RFC 5280 §4.1.2.4, §4.1.2.6; CA/B BR §7.1.2.10.2, §7.1.4.1). */
import { ATTRIBUTE_OID } from "../name-attributes.ts";
import { readNameAttributes } from "../name-reader.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const subjectAttributes = (t: CertificateLintTarget) => readNameAttributes(t.parts.subject.bytes);
const has = (t: CertificateLintTarget, oid: string): boolean => subjectAttributes(t).some((a) => a.oid === oid);

export const SUBJECT_NAME_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_subject_not_empty",
    source: "RFC 5280 §4.1.2.6",
    description: "A CA certificate has a non-empty subject.",
    check: (t) => (subjectAttributes(t).length > 0 ? undefined : "the subject is an empty Name"),
  },
  {
    id: "e_issuer_matches_subject_of_issuer",
    source: "RFC 5280 §4.1.2.4; BR §7.1.2.1 (issuer row), §7.1.4.1",
    description: "The encoded issuer equals the issuing CA's encoded subject byte for byte (for a root, its own subject).",
    check: (t) => (t.parts.issuer.bytes.equals(t.issuer.subjectDer) ? undefined : "the issuer Name is not byte-for-byte the issuing CA's subject Name"),
  },
  {
    id: "e_subject_cn_or_o_present",
    source: "BR §7.1.2.10.2",
    description: "The subject names the CA by commonName or organizationName.",
    check: (t) => (has(t, ATTRIBUTE_OID.commonName) || has(t, ATTRIBUTE_OID.organizationName) ? undefined : "the subject has neither CN nor O"),
  },
  {
    id: "e_ca_subject_c_o_cn_present",
    source: "BR §7.1.2.10.2",
    description: "A CA subject has countryName, organizationName and commonName.",
    check: (t) => {
      const missing = [
        ["C", ATTRIBUTE_OID.countryName],
        ["O", ATTRIBUTE_OID.organizationName],
        ["CN", ATTRIBUTE_OID.commonName],
      ].filter(([, oid]) => !has(t, oid as string)).map(([n]) => n);
      return missing.length === 0 ? undefined : `the subject lacks ${missing.join(", ")}`;
    },
  },
  {
    id: "e_root_subject_no_ou",
    source: "BR §7.1.2.10.2 (organizationalUnitName MUST NOT in Root CA Certificates)",
    description: "A root subject has no organizationalUnitName.",
    appliesTo: (t) => t.profile === "root",
    check: (t) => (has(t, ATTRIBUTE_OID.organizationalUnitName) ? "the root subject has an OU attribute" : undefined),
  },
  {
    id: "e_sub_ca_subject_differs_from_issuer",
    source: "RFC 5280 §6.1.4 (l) (self-issued certificates do not count toward path length)",
    description: "A subordinate CA's or cross-certificate's subject differs from its issuer's, so it is not a self-issued certificate.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => (t.parts.subject.bytes.equals(t.parts.issuer.bytes) ? "the subject equals the issuer; the certificate would be self-issued" : undefined),
  },
];
