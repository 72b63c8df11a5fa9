/**
 * Builders for the X.509 extensions in the CA profiles. Criticality follows RFC 5280 §4.2.1
 * and CA/B BR §7.1.2.1.2 / §7.1.2.6.1: basicConstraints, keyUsage and nameConstraints critical;
 * everything else non-critical.
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
  CRLDistributionPoints, DistributionPoint, DistributionPointName, ExtendedKeyUsage, Extension, GeneralName,
  KeyIdentifier, KeyUsage, KeyUsageFlags, PolicyInformation, PolicyQualifierInfo, SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { encodeIa5String } from "./der-writer.ts";
import { PkiInputError } from "./errors.ts";
import { EXTENDED_KEY_USAGE_BY_NAME, OID, isDottedOid } from "./oids.ts";

function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function rawExtension(oid: string, critical: boolean, valueDer: Uint8Array): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(valueDer) });
}

/** RFC 5280 §4.2.1.9: cA TRUE, critical; pathLenConstraint only when given. */
export function basicConstraintsExtension(pathLength: number | undefined): Extension {
  return extension(OID.basicConstraints, true, new BasicConstraints(pathLength === undefined ? { cA: true } : { cA: true, pathLenConstraint: pathLength }));
}

/** RFC 5280 §4.2.1.3, BR §7.1.2.10.7: keyCertSign and cRLSign, digitalSignature only when the key signs OCSP. */
export function caKeyUsageExtension(digitalSignature: boolean): Extension {
  const flags = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | (digitalSignature ? KeyUsageFlags.digitalSignature : 0);
  return extension(OID.keyUsage, true, new KeyUsage(flags));
}

export function subjectKeyIdentifierExtension(keyId: Uint8Array): Extension {
  return extension(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
}

/** BR §7.1.2.11.1 / §7.1.2.1.3: keyIdentifier only. */
export function authorityKeyIdentifierExtension(keyId: Uint8Array): Extension {
  return extension(OID.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) }));
}

export function extendedKeyUsageExtension(oids: readonly string[]): Extension {
  return extension(OID.extKeyUsage, false, new ExtendedKeyUsage([...oids]));
}

/** BR §7.1.2.11.2: one DistributionPoint whose fullName lists the URLs. */
export function crlDistributionPointsExtension(urls: readonly string[]): Extension {
  const fullName = urls.map((u) => new GeneralName({ uniformResourceIdentifier: u }));
  return extension(OID.crlDistributionPoints, false, new CRLDistributionPoints([new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName }) })]));
}

/** BR §7.1.2.10.3: id-ad-ocsp and id-ad-caIssuers with URIs only. */
export function authorityInfoAccessExtension(ocspUrls: readonly string[], caIssuerUrls: readonly string[]): Extension {
  const items = [
    ...ocspUrls.map((u) => new AccessDescription({ accessMethod: OID.adOcsp, accessLocation: new GeneralName({ uniformResourceIdentifier: u }) })),
    ...caIssuerUrls.map((u) => new AccessDescription({ accessMethod: OID.adCaIssuers, accessLocation: new GeneralName({ uniformResourceIdentifier: u }) })),
  ];
  return extension(OID.authorityInfoAccess, false, new AuthorityInfoAccessSyntax(items));
}

export interface PolicyInput {
  /** Policy OID; anyPolicy (2.5.29.32.0) when left out. */
  readonly oid?: string;
  /** A CPS pointer (id-qt-cps), http or https (BR §7.1.2.10.5). */
  readonly cpsUrl?: string;
}

export function certificatePoliciesExtension(policies: readonly PolicyInput[]): Extension {
  const items = policies.map(
    (p) =>
      new PolicyInformation({
        policyIdentifier: p.oid ?? OID.anyPolicy,
        ...(p.cpsUrl ? { policyQualifiers: [new PolicyQualifierInfo({ policyQualifierId: OID.qtCps, qualifier: new Uint8Array(encodeIa5String(p.cpsUrl)).buffer })] } : {}),
      }),
  );
  return extension(OID.certificatePolicies, false, new CertificatePolicies(items));
}

/** Checks ceremony URLs: absolute, ASCII (IA5String), of the allowed schemes, no credentials or fragment. */
export function requireUrls(urls: unknown, path: string, schemes: readonly ("http:" | "https:")[]): string[] {
  if (urls === undefined) return [];
  if (!Array.isArray(urls)) throw new PkiInputError("URL_INVALID", `${path} must be a list of URLs.`);
  return urls.map((u, i) => {
    const where = `${path}[${i}]`;
    let parsed: URL;
    try {
      if (typeof u !== "string" || !/^[\x21-\x7e]+$/.test(u)) throw new Error("not ASCII");
      parsed = new URL(u);
    } catch {
      throw new PkiInputError("URL_INVALID", `${where} ${JSON.stringify(u)} is not an absolute ASCII URL.`);
    }
    if (!(schemes as readonly string[]).includes(parsed.protocol)) {
      throw new PkiInputError("URL_INVALID", `${where} ${u} must use ${schemes.join(" or ").replace(/:/g, "")} (CA/B BR §7.1.2.10.3, §7.1.2.10.5, §7.1.2.11.2).`);
    }
    if (parsed.username || parsed.password || parsed.hash) throw new PkiInputError("URL_INVALID", `${where} ${u} must not carry credentials or a #fragment.`);
    return u;
  });
}

export function requirePolicies(policies: unknown, path: string): PolicyInput[] | undefined {
  if (policies === undefined) return undefined;
  if (!Array.isArray(policies) || policies.length === 0) throw new PkiInputError("POLICY_INVALID", `${path} must be a non-empty list of {oid, cpsUrl} or be left out.`);
  return policies.map((p: PolicyInput, i) => {
    if (typeof p !== "object" || p === null) throw new PkiInputError("POLICY_INVALID", `${path}[${i}] must be {oid, cpsUrl}.`);
    if (p.oid !== undefined && (typeof p.oid !== "string" || !isDottedOid(p.oid))) {
      throw new PkiInputError("POLICY_INVALID", `${path}[${i}].oid ${JSON.stringify(p.oid)} is not a dotted OID such as 2.23.140.1.2.1.`);
    }
    const [cpsUrl] = p.cpsUrl === undefined ? [] : requireUrls([p.cpsUrl], `${path}[${i}].cpsUrl`, ["http:", "https:"]);
    return { ...(p.oid ? { oid: p.oid } : {}), ...(cpsUrl ? { cpsUrl } : {}) };
  });
}

export function requireExtendedKeyUsages(values: unknown, path: string): string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || values.length === 0) throw new PkiInputError("EXTENDED_KEY_USAGE_INVALID", `${path} must be a non-empty list or be left out.`);
  const oids = values.map((v, i) => {
    const oid = typeof v === "string" ? (EXTENDED_KEY_USAGE_BY_NAME[v] ?? (isDottedOid(v) ? v : undefined)) : undefined;
    if (!oid) throw new PkiInputError("EXTENDED_KEY_USAGE_INVALID", `${path}[${i}] ${JSON.stringify(v)} is neither a dotted OID nor one of ${Object.keys(EXTENDED_KEY_USAGE_BY_NAME).join(", ")}.`);
    return oid;
  });
  if (new Set(oids).size !== oids.length) throw new PkiInputError("EXTENDED_KEY_USAGE_INVALID", `${path} lists a key purpose twice.`);
  return oids;
}
