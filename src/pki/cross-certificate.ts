/**
 * A cross-certificate for root rotation (CA/B BR §7.1.2.2, Cross-Certified Subordinate CA; RFC
 * 4210 §4.4 "root CA key update"): one root's key certifies another root's key, so that a
 * relying party that trusts either root builds a path to certificates issued under the other.
 *
 * Profile: subject, subjectPublicKeyInfo and subjectKeyIdentifier are copied byte for byte from
 * the certified root's own self-signed certificate (so a path builder matches the cross-certificate
 * to what that root issued, by name and by key identifier); issuer = the issuing root's subject,
 * byte for byte; authorityKeyIdentifier = the issuing root's SKI; basicConstraints cA TRUE
 * critical (pathLenConstraint only when asked); keyUsage keyCertSign + cRLSign critical;
 * certificatePolicies and crlDistributionPoints (http; both MUST, BR §7.1.2.2.3), authorityInfoAccess
 * when given; no extKeyUsage, so issuer and subject must name the same organization (BR §7.1.2.2.3);
 * validity inside both the issuer's and the certified root's own, so the cross-certificate never
 * vouches for a key longer than its owner does. Linted with the same lints as the root and the
 * intermediate, in the "cross-ca" profile, and signed in Boulder's order (sign-and-check.ts).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Extensions, Name, SubjectPublicKeyInfo, TBSCertificate, Validity as AsnValidity, Version } from "@peculiar/asn1-x509";
import type { Signer } from "../signer.ts";
import { PkiInputError } from "./errors.ts";
import {
  authorityInfoAccessExtension, authorityKeyIdentifierExtension, basicConstraintsExtension, caKeyUsageExtension,
  certificatePoliciesExtension, crlDistributionPointsExtension, requirePolicies, requireUrls, subjectKeyIdentifierExtension,
} from "./extensions.ts";
import type { PolicyInput } from "./extensions.ts";
import { assertSignerMatchesKey, issuerFactsFromCertificate } from "./issuer.ts";
import type { IssuerFacts } from "./issuer.ts";
import { definedExtensions, issuedCertificate, requireNow, requirePathLength, requireValidity, tbsCertificateSignatureField } from "./issued.ts";
import type { IssuedCertificate, Validity } from "./issued.ts";
import { requireKnownLintIds } from "./lints/lint.ts";
import { CERTIFICATE_LINTS } from "./lints/registry.ts";
import { certificateLintTarget } from "./lints/targets.ts";
import { generateSerial } from "./serial-number.ts";
import type { RandomSource } from "./serial-number.ts";
import { lintSignAndCheck } from "./sign-and-check.ts";
import { signatureAlgorithmForKey } from "./signature-algorithm.ts";
import { rfc5280Time } from "./time.ts";

export interface CrossCertificateOptions {
  /** The certified root's own self-signed certificate (DER): its subject, key and SKI are copied. */
  readonly certifiedCertificate: Uint8Array;
  /** The issuing root: its certificate and the signer for its key on the token. */
  readonly issuer: { readonly certificate: Uint8Array; readonly signer: Signer };
  /** Must lie within the issuer's validity and the certified root's. */
  readonly validity: Validity;
  /** pathLenConstraint; none unless asked (a root-to-root cross-certificate constrains nothing below). */
  readonly pathLength?: number;
  /** http:// URLs of the issuing root's CRL (BR §7.1.2.2: MUST be present). */
  readonly crlDistributionPoints: readonly string[];
  /** http:// URLs of the issuing root's certificate (id-ad-caIssuers). */
  readonly aiaIssuerUrls?: readonly string[];
  /** BR §7.1.2.2.3: certificatePolicies MUST be present; anyPolicy ({}) for a root of the same organization. */
  readonly policies: readonly PolicyInput[];
  readonly random: RandomSource;
  readonly now: Date;
  readonly skipLints?: readonly string[];
}

/** The latest end a cross-certificate between these two roots may have: the earlier of their ends. */
export function crossCertificateLatestEnd(issuerCertificate: Uint8Array, certifiedCertificate: Uint8Array): Date {
  const issuer = issuerFactsFromCertificate(issuerCertificate, "issuer.certificate");
  const certified = issuerFactsFromCertificate(certifiedCertificate, "certifiedCertificate");
  return issuer.notAfter < certified.notAfter ? issuer.notAfter : certified.notAfter;
}

export async function issueCrossCertificate(options: CrossCertificateOptions): Promise<IssuedCertificate> {
  const skip = requireKnownLintIds(CERTIFICATE_LINTS, options.skipLints, "skipLints");
  const issuer = issuerFactsFromCertificate(options.issuer.certificate, "issuer.certificate");
  const certified = issuerFactsFromCertificate(options.certifiedCertificate, "certifiedCertificate");
  assertSignerMatchesKey(options.issuer.signer, issuer);
  if (!issuer.subjectKeyIdentifier) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", "issuer.certificate has no subjectKeyIdentifier, so the authorityKeyIdentifier cannot be set (BR §7.1.2.11.1); re-issue the issuer certificate with one.");
  }
  if (!certified.subjectKeyIdentifier) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", "certifiedCertificate has no subjectKeyIdentifier to copy; a path builder could not match the cross-certificate to what that root issued.");
  }
  if (certified.spki.equals(issuer.spki)) {
    throw new PkiInputError("CROSS_SAME_KEY", "The certified root's key is the issuing root's own key; a cross-certificate certifies another root's key. Check the two certificates given.");
  }
  const validity = requireValidity(options.validity, "validity");
  const latest = issuer.notAfter < certified.notAfter ? issuer.notAfter : certified.notAfter;
  const earliest = issuer.notBefore > certified.notBefore ? issuer.notBefore : certified.notBefore;
  if (validity.notBefore < earliest || validity.notAfter > latest) {
    throw new PkiInputError(
      "VALIDITY_OUTSIDE_ISSUER",
      `validity ${validity.notBefore.toISOString()} – ${validity.notAfter.toISOString()} is not within both roots' validity (${earliest.toISOString()} – ${latest.toISOString()}); ` +
        "choose dates inside both.",
    );
  }
  const pathLength = requirePathLength(options.pathLength, "pathLength");
  const crlUrls = requireUrls(options.crlDistributionPoints, "crlDistributionPoints", ["http:"]);
  const caIssuerUrls = requireUrls(options.aiaIssuerUrls, "aiaIssuerUrls", ["http:"]);
  const policies = requirePolicies(options.policies, "policies");
  const now = requireNow(options.now, "now");

  const algorithm = signatureAlgorithmForKey((issuer.key as NonNullable<IssuerFacts["key"]>).kind);
  const serialNumber = await generateSerial(options.random);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serialNumber).buffer,
    signature: AsnConvert.parse(algorithm.der, AlgorithmIdentifier),
    issuer: AsnConvert.parse(issuer.subjectDer, Name),
    validity: Object.assign(new AsnValidity(), { notBefore: rfc5280Time(validity.notBefore), notAfter: rfc5280Time(validity.notAfter) }),
    subject: AsnConvert.parse(certified.subjectDer, Name),
    subjectPublicKeyInfo: AsnConvert.parse(certified.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(
      definedExtensions(
        basicConstraintsExtension(pathLength),
        caKeyUsageExtension(false),
        subjectKeyIdentifierExtension(certified.subjectKeyIdentifier),
        authorityKeyIdentifierExtension(issuer.subjectKeyIdentifier),
        policies ? certificatePoliciesExtension(policies) : undefined,
        crlUrls.length > 0 ? crlDistributionPointsExtension(crlUrls) : undefined,
        caIssuerUrls.length > 0 ? authorityInfoAccessExtension([], caIssuerUrls) : undefined,
      ),
    ),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));

  const { der, lintResults } = await lintSignAndCheck({
    what: "cross-certificate",
    tbsDer,
    innerSignatureAlgorithm: tbsCertificateSignatureField,
    signer: options.issuer.signer,
    issuer,
    lints: CERTIFICATE_LINTS,
    lintTarget: (bytes) => certificateLintTarget(bytes, "cross-ca", issuer, now, certified),
    parseSigned: (bytes) => void AsnConvert.parse(bytes, Certificate),
    skip,
  });
  return issuedCertificate(der, tbsDer, lintResults, skip);
}
