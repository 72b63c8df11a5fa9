/** Lints on CRL distribution points, authority information access and certificate policies (CA/B BR §7.1.2.10.3, §7.1.2.10.5, §7.1.2.11.2). */
import { AuthorityInfoAccessSyntax, CRLDistributionPoints, CertificatePolicies } from "@peculiar/asn1-x509";
import { readSingleTlv } from "../der-reader.ts";
import { decodeExtension, findExtension } from "../extension-access.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

function decoded<T>(t: CertificateLintTarget, oid: string, type: new () => T): T | undefined {
  const ext = findExtension(t.extensions, oid);
  return ext ? decodeExtension(ext, type) : undefined;
}
const present = (oid: string) => (t: CertificateLintTarget): boolean => findExtension(t.extensions, oid) !== undefined;
const isHttpUrl = (u: string | undefined, schemes: string[]): boolean => {
  try {
    return u !== undefined && schemes.includes(new URL(u).protocol);
  } catch {
    return false;
  }
};

export const POINTER_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_sub_ca_crldp_present",
    source: "BR §7.1.2.11.2 (MUST be present in Subordinate CA Certificates); BR §7.1.2.2 (cross-certified)",
    description: "A subordinate CA or cross-certificate has crlDistributionPoints.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => (present(OID.crlDistributionPoints)(t) ? undefined : "crlDistributionPoints is missing; give crlDistributionPoints in the script"),
  },
  {
    id: "e_crldp_http_full_name",
    source: "BR §7.1.2.11.2",
    description: "Each DistributionPoint is a fullName of http:// URIs, without reasons or cRLIssuer.",
    appliesTo: present(OID.crlDistributionPoints),
    check: (t) => {
      const dps = [...(decoded(t, OID.crlDistributionPoints, CRLDistributionPoints) ?? [])];
      if (dps.length === 0) return "crlDistributionPoints is empty";
      for (const dp of dps) {
        if (dp.reasons || dp.cRLIssuer) return "a DistributionPoint has reasons or cRLIssuer";
        const names = dp.distributionPoint?.fullName;
        if (!names || names.length === 0) return "a DistributionPoint has no fullName";
        if (!names.every((n) => isHttpUrl(n.uniformResourceIdentifier, ["http:"]))) return "a DistributionPoint name is not an http:// URI";
      }
      return undefined;
    },
  },
  {
    id: "e_aia_methods_allowed",
    source: "BR §7.1.2.10.3",
    description: "authorityInfoAccess holds only id-ad-ocsp and id-ad-caIssuers entries with http:// URIs.",
    appliesTo: present(OID.authorityInfoAccess),
    check: (t) => {
      const items = [...(decoded(t, OID.authorityInfoAccess, AuthorityInfoAccessSyntax) ?? [])];
      if (items.length === 0) return "authorityInfoAccess is empty";
      const bad = items.find((a) => (a.accessMethod !== OID.adOcsp && a.accessMethod !== OID.adCaIssuers) || !isHttpUrl(a.accessLocation.uniformResourceIdentifier, ["http:"]));
      return bad ? `authorityInfoAccess entry ${bad.accessMethod} is not an allowed method with an http:// URI` : undefined;
    },
  },
  {
    id: "e_policies_any_policy_alone",
    source: "BR §7.1.2.10.5",
    description: "certificatePolicies is not empty, and anyPolicy, when used, is the only policy.",
    appliesTo: present(OID.certificatePolicies),
    check: (t) => {
      const ids = [...(decoded(t, OID.certificatePolicies, CertificatePolicies) ?? [])].map((p) => p.policyIdentifier);
      if (ids.length === 0) return "certificatePolicies is empty";
      if (ids.includes(OID.anyPolicy) && ids.length > 1) return "anyPolicy is combined with other policies";
      if (new Set(ids).size !== ids.length) return "a policy appears twice";
      return undefined;
    },
  },
  {
    id: "e_policies_cps_qualifier_only",
    source: "BR §7.1.2.10.5 (permitted policyQualifiers)",
    description: "Policy qualifiers are only id-qt-cps, each an IA5String http or https URL.",
    appliesTo: present(OID.certificatePolicies),
    check: (t) => {
      for (const p of decoded(t, OID.certificatePolicies, CertificatePolicies) ?? []) {
        for (const q of p.policyQualifiers ?? []) {
          if (q.policyQualifierId !== OID.qtCps) return `policy qualifier ${q.policyQualifierId} is not id-qt-cps`;
          const value = readSingleTlv(Buffer.from(q.qualifier));
          if (value.tag !== 0x16) return "a CPS qualifier is not an IA5String";
          if (!isHttpUrl(value.contents.toString("latin1"), ["http:", "https:"])) return "a CPS qualifier is not an http or https URL";
        }
      }
      return undefined;
    },
  },
];
