/**
 * Cross-certificate lints (CA/B BR §7.1.2.2; RFC 4210 §4.4): the cross-certificate must describe
 * the certified root exactly as that root's own certificate does, or a path builder will not join
 * it to what the root issued.
 */
import { findExtension, subjectKeyIdentifierOf } from "../extension-access.ts";
import { ATTRIBUTE_OID } from "../name-attributes.ts";
import { readNameAttributes } from "../name-reader.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const isCross = (t: CertificateLintTarget): boolean => t.profile === "cross-ca";

export const CROSS_CERTIFICATE_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_cross_certified_root_given",
    source: "BR §7.1.2.2 (the cross-certificate re-certifies an existing CA certificate's subject and key)",
    description: "A cross-certificate is linted against the certified root's own certificate.",
    appliesTo: isCross,
    check: (t) => (t.certified ? undefined : "the certified root's own certificate was not given to the lints"),
  },
  {
    id: "e_cross_subject_matches_certified",
    source: "BR §7.1.2.2.2 (encoded subject byte-for-byte identical to the existing CA Certificate's)",
    description: "A cross-certificate's subject equals the certified root's own subject byte for byte.",
    appliesTo: (t) => isCross(t) && t.certified !== undefined,
    check: (t) => (t.parts.subject.bytes.equals(t.certified!.subjectDer) ? undefined : "the subject is not byte-for-byte the certified root's subject"),
  },
  {
    id: "e_cross_key_matches_certified",
    source: "BR §7.1.2.2 (a Cross-Certificate certifies the existing CA Certificate's subject public key)",
    description: "A cross-certificate certifies exactly the certified root's public key.",
    appliesTo: (t) => isCross(t) && t.certified !== undefined,
    check: (t) => (t.parts.subjectPublicKeyInfo.bytes.equals(t.certified!.spki) ? undefined : "the subjectPublicKeyInfo is not the certified root's key"),
  },
  {
    id: "e_cross_ski_matches_certified",
    source: "RFC 5280 §4.2.1.2 (the SKI identifies the key; every certificate for one key carries the same SKI)",
    description: "A cross-certificate's subjectKeyIdentifier equals the certified root's own.",
    appliesTo: (t) => isCross(t) && t.certified?.subjectKeyIdentifier !== undefined,
    check: (t) => (subjectKeyIdentifierOf(t.extensions)?.equals(t.certified!.subjectKeyIdentifier!) ? undefined : "the subjectKeyIdentifier differs from the certified root's"),
  },
  {
    id: "e_cross_policies_present",
    source: "BR §7.1.2.2.3 (certificatePolicies MUST be present)",
    description: "A cross-certificate has certificatePolicies.",
    appliesTo: isCross,
    check: (t) => (findExtension(t.extensions, OID.certificatePolicies) ? undefined : "certificatePolicies is missing; give the policy OIDs (anyPolicy for an affiliated root)"),
  },
  {
    id: "e_cross_unrestricted_same_organization",
    source: "BR §7.1.2.2.3 (an unrestricted extKeyUsage only when issuer and subject are the same organization or affiliates)",
    description: "A cross-certificate without extKeyUsage names the same organizationName in issuer and subject.",
    appliesTo: (t) => isCross(t) && !findExtension(t.extensions, OID.extKeyUsage),
    check: (t) => {
      const org = (der: Buffer): string[] => readNameAttributes(der).filter((a) => a.oid === ATTRIBUTE_OID.organizationName).map((a) => a.text ?? "");
      const issuer = org(t.parts.issuer.bytes);
      const subject = org(t.parts.subject.bytes);
      return issuer.length > 0 && issuer.join("\n") === subject.join("\n") ? undefined : `the issuer's organizationName (${issuer.join(", ") || "none"}) differs from the subject's (${subject.join(", ") || "none"})`;
    },
  },
  {
    id: "e_cross_validity_within_certified",
    source: "RFC 5280 §4.1.2.5, §6.1.3 (a)(2) applied to the certified root's own certificate (docs/pki-profiles.md: never vouch for a key beyond it)",
    description: "A cross-certificate's validity lies within the certified root's own validity.",
    appliesTo: (t) => isCross(t) && t.certified !== undefined,
    check: (t) => {
      const notBefore = t.tbs.validity.notBefore.getTime();
      const notAfter = t.tbs.validity.notAfter.getTime();
      if (notBefore < t.certified!.notBefore) return `notBefore ${notBefore.toISOString()} is before the certified root's notBefore ${t.certified!.notBefore.toISOString()}`;
      if (notAfter > t.certified!.notAfter) return `notAfter ${notAfter.toISOString()} is after the certified root's notAfter ${t.certified!.notAfter.toISOString()}`;
      return undefined;
    },
  },
];
