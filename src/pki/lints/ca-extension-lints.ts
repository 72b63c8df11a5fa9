/** CA structure lints: version, extensions, basicConstraints, keyUsage, extKeyUsage (RFC 5280 §4.1, §4.2; CA/B BR §7.1.2). */
import { ExtendedKeyUsage, KeyUsageFlags } from "@peculiar/asn1-x509";
import { basicConstraintsOf, decodeExtension, findExtension, findExtensions, keyUsageOf } from "../extension-access.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

/** Criticality each extension must have (RFC 5280 §4.2.1.x; BR §7.1.2.1.2, §7.1.2.6.1). */
const REQUIRED_CRITICALITY: Readonly<Record<string, boolean>> = {
  [OID.basicConstraints]: true,
  [OID.keyUsage]: true,
  [OID.nameConstraints]: true,
  [OID.subjectKeyIdentifier]: false,
  [OID.authorityKeyIdentifier]: false,
  [OID.extKeyUsage]: false,
  [OID.certificatePolicies]: false,
  [OID.crlDistributionPoints]: false,
  [OID.authorityInfoAccess]: false,
};

const PERMITTED_CA_KEY_USAGE = KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;
const NOT_WITH_SERVER_AUTH = [OID.kpCodeSigning, OID.kpEmailProtection, OID.kpTimeStamping, OID.kpOcspSigning, OID.anyExtendedKeyUsage, OID.precertificateSigning];

const ekuOf = (t: CertificateLintTarget): string[] | undefined => {
  const ext = findExtension(t.extensions, OID.extKeyUsage);
  return ext ? [...decodeExtension(ext, ExtendedKeyUsage)] : undefined;
};

export const CA_EXTENSION_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_version_3",
    source: "RFC 5280 §4.1.2.1; BR §7.1.2.1",
    description: "The certificate is X.509 v3.",
    check: (t) => (t.tbs.version === 2 ? undefined : `the version is v${t.tbs.version + 1}`),
  },
  {
    id: "e_no_unique_ids",
    source: "RFC 5280 §4.1.2.8; BR §7.1.2.1",
    description: "issuerUniqueID and subjectUniqueID are absent.",
    check: (t) => (t.tbs.issuerUniqueID || t.tbs.subjectUniqueID ? "a unique identifier field is present" : undefined),
  },
  {
    id: "e_ext_no_duplicates",
    source: "RFC 5280 §4.2",
    description: "No extension appears more than once.",
    check: (t) => {
      const ids = t.extensions.map((e) => e.extnID);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      return dup ? `extension ${dup} appears more than once` : undefined;
    },
  },
  {
    id: "e_ext_criticality",
    source: "RFC 5280 §4.2.1; BR §7.1.2.1.2, §7.1.2.6.1",
    description: "basicConstraints, keyUsage and nameConstraints are critical; the other profile extensions are not.",
    check: (t) => {
      const wrong = t.extensions.find((e) => REQUIRED_CRITICALITY[e.extnID] !== undefined && REQUIRED_CRITICALITY[e.extnID] !== e.critical);
      return wrong ? `extension ${wrong.extnID} is ${wrong.critical ? "" : "not "}critical` : undefined;
    },
  },
  {
    id: "e_ca_basic_constraints_critical",
    source: "RFC 5280 §4.2.1.9; BR §7.1.2.1.2",
    description: "basicConstraints is present and critical.",
    check: (t) => {
      const bc = findExtension(t.extensions, OID.basicConstraints);
      if (!bc) return "basicConstraints is missing";
      return bc.critical ? undefined : "basicConstraints is not critical";
    },
  },
  {
    id: "e_ca_basic_constraints_ca_true",
    source: "RFC 5280 §4.2.1.9; BR §7.1.2.1.4, §7.1.2.10.4",
    description: "basicConstraints has cA TRUE.",
    check: (t) => (basicConstraintsOf(t.extensions)?.cA ? undefined : "basicConstraints is missing or cA is FALSE"),
  },
  {
    id: "e_ca_key_usage_present_critical",
    source: "RFC 5280 §4.2.1.3; BR §7.1.2.1.2",
    description: "keyUsage is present and critical.",
    check: (t) => {
      const ku = findExtension(t.extensions, OID.keyUsage);
      if (!ku) return "keyUsage is missing";
      return ku.critical ? undefined : "keyUsage is not critical";
    },
  },
  {
    id: "e_ca_key_cert_sign",
    source: "RFC 5280 §4.2.1.3; BR §7.1.2.10.7",
    description: "keyUsage asserts keyCertSign.",
    check: (t) => (((keyUsageOf(t.extensions) ?? 0) & KeyUsageFlags.keyCertSign) !== 0 ? undefined : "keyUsage lacks keyCertSign"),
  },
  {
    id: "e_ca_crl_sign",
    source: "BR §7.1.2.10.7",
    description: "keyUsage asserts cRLSign.",
    check: (t) => (((keyUsageOf(t.extensions) ?? 0) & KeyUsageFlags.cRLSign) !== 0 ? undefined : "keyUsage lacks cRLSign"),
  },
  {
    id: "e_ca_key_usage_permitted_bits",
    source: "BR §7.1.2.10.7",
    description: "keyUsage asserts nothing beyond digitalSignature, keyCertSign and cRLSign.",
    check: (t) => {
      const extra = (keyUsageOf(t.extensions) ?? 0) & ~PERMITTED_CA_KEY_USAGE;
      return extra === 0 ? undefined : `keyUsage asserts bits not permitted for a CA (flags 0x${extra.toString(16)})`;
    },
  },
  {
    id: "e_root_no_eku",
    source: "BR §7.1.2.1.2 (extKeyUsage MUST NOT)",
    description: "A root has no extKeyUsage.",
    appliesTo: (t) => t.profile === "root",
    check: (t) => (findExtensions(t.extensions, OID.extKeyUsage).length > 0 ? "the root has an extKeyUsage extension" : undefined),
  },
  {
    id: "e_ca_eku_no_any",
    source: "BR §7.1.2.10.6 (anyExtendedKeyUsage MUST NOT)",
    description: "extKeyUsage, when present, does not contain anyExtendedKeyUsage.",
    appliesTo: (t) => findExtension(t.extensions, OID.extKeyUsage) !== undefined,
    check: (t) => (ekuOf(t)?.includes(OID.anyExtendedKeyUsage) ? "extKeyUsage contains anyExtendedKeyUsage" : undefined),
  },
  {
    id: "e_ca_eku_server_auth_not_mixed",
    source: "BR §7.1.2.10.6",
    description: "A CA with id-kp-serverAuth does not also assert codeSigning, emailProtection, timeStamping, OCSPSigning or precertificate signing.",
    appliesTo: (t) => ekuOf(t)?.includes(OID.kpServerAuth) ?? false,
    check: (t) => {
      const bad = ekuOf(t)?.filter((o) => NOT_WITH_SERVER_AUTH.includes(o as (typeof NOT_WITH_SERVER_AUTH)[number])) ?? [];
      return bad.length === 0 ? undefined : `serverAuth is combined with ${bad.join(", ")}`;
    },
  },
  {
    id: "e_issuer_can_sign_certificates",
    source: "RFC 5280 §4.2.1.3, §4.2.1.9, §6.1.4 (k), (n)",
    description: "The issuing certificate is a CA (cA TRUE) whose keyUsage asserts keyCertSign.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => {
      if (!t.issuer.basicConstraints?.cA) return "the issuer certificate is not a CA (basicConstraints cA is not TRUE)";
      if (t.issuer.keyUsage !== undefined && (t.issuer.keyUsage & KeyUsageFlags.keyCertSign) === 0) return "the issuer certificate's keyUsage lacks keyCertSign";
      return undefined;
    },
  },
  {
    id: "e_sub_ca_path_len_within_issuer",
    source: "RFC 5280 §4.2.1.9, §6.1.4 (l), (m)",
    description: "The issuer's pathLenConstraint leaves room for this CA, and this CA's own pathLenConstraint, if any, is below it.",
    appliesTo: (t) => t.profile !== "root" && t.issuer.basicConstraints?.pathLength !== undefined,
    check: (t) => {
      const issuerLen = t.issuer.basicConstraints?.pathLength as number;
      if (issuerLen < 1) return "the issuer's pathLenConstraint is 0, so it may not issue CA certificates";
      const own = basicConstraintsOf(t.extensions)?.pathLength;
      return own === undefined || own <= issuerLen - 1 ? undefined : `pathLenConstraint ${own} exceeds the ${issuerLen - 1} the issuer allows`;
    },
  },
  {
    id: "e_sub_ca_key_differs_from_issuer",
    source: "RFC 5280 §3.2, §6.1 (a CA certifies another entity's key; its own key it certifies only self-signed)",
    description: "A subordinate CA or cross-certificate certifies a key other than its issuer's.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => (t.parts.subjectPublicKeyInfo.bytes.equals(t.issuer.spki) ? "the subject public key is the issuer's own key" : undefined),
  },
];
