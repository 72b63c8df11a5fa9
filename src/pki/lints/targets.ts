/** What a lint looks at: the encoded TBS, its decoded form, its exact fields, and the issuer. */
import { AsnConvert } from "@peculiar/asn1-schema";
import { TBSCertList, TBSCertificate } from "@peculiar/asn1-x509";
import type { Extension } from "@peculiar/asn1-x509";
import { subjectFactsFromTbs } from "../issuer.ts";
import type { IssuerFacts } from "../issuer.ts";
import { extensionValues, splitTbsCertList, splitTbsCertificate } from "../tbs-parts.ts";
import type { TbsCertListParts, TbsCertificateParts } from "../tbs-parts.ts";

/** "cross-ca": one root's key certifying another root's key (BR §7.1.2.2), for root rotation. */
export type CertificateProfile = "root" | "subordinate-ca" | "cross-ca";

/** Fields common to certificates and CRLs, for the lints that apply to both. */
export interface SignedObjectLintTarget {
  readonly tbsDer: Buffer;
  /** The encoded AlgorithmIdentifier inside the TBS. */
  readonly signatureAlgorithmDer: Buffer;
  readonly issuer: IssuerFacts;
  /** Every extnValue in the TBS, CRL entry extensions included, for the DER lint. */
  readonly extensionValues: readonly Buffer[];
  /** The time of signing (the ceremony clock). */
  readonly signingTime: Date;
}

export interface CertificateLintTarget extends SignedObjectLintTarget {
  readonly profile: CertificateProfile;
  /** For a cross-certificate: the certified root's own certificate, whose subject, key and SKI it must carry. */
  readonly certified?: IssuerFacts;
  readonly tbs: TBSCertificate;
  readonly parts: TbsCertificateParts;
  readonly extensions: readonly Extension[];
}

export interface CrlLintTarget extends SignedObjectLintTarget {
  readonly tbs: TBSCertList;
  readonly parts: TbsCertListParts;
  readonly extensions: readonly Extension[];
}

/**
 * Decodes `tbsDer` for linting. For a root the issuer is the certificate itself; pass the
 * issuing CA's facts for a subordinate. Throws when the bytes are not a TBSCertificate.
 */
export function certificateLintTarget(tbsDer: Buffer, profile: CertificateProfile, issuer: IssuerFacts | "self", signingTime: Date, certified?: IssuerFacts): CertificateLintTarget {
  const parts = splitTbsCertificate(tbsDer);
  const tbs = AsnConvert.parse(tbsDer, TBSCertificate);
  return {
    profile,
    ...(certified ? { certified } : {}),
    tbsDer,
    tbs,
    parts,
    extensions: tbs.extensions ? [...tbs.extensions] : [],
    issuer: issuer === "self" ? subjectFactsFromTbs(tbsDer) : issuer,
    signatureAlgorithmDer: Buffer.from(parts.signature.bytes),
    extensionValues: extensionValues(parts.extensions),
    signingTime,
  };
}

export function crlLintTarget(tbsDer: Buffer, issuer: IssuerFacts, signingTime: Date): CrlLintTarget {
  const parts = splitTbsCertList(tbsDer);
  const tbs = AsnConvert.parse(tbsDer, TBSCertList);
  return {
    tbsDer,
    tbs,
    parts,
    extensions: tbs.crlExtensions ?? [],
    issuer,
    signatureAlgorithmDer: Buffer.from(parts.signature.bytes),
    extensionValues: [...extensionValues(parts.extensions), ...parts.revokedEntries.flatMap((e) => extensionValues(e.extensions))],
    signingTime,
  };
}
