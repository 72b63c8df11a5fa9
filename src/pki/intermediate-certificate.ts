/**
 * A subordinate CA certificate signed by an existing CA (RFC 5280; CA/B BR §7.1.2.6 and
 * §7.1.2.10). Profile: subject and key from the CSR (subject may be overridden by the script);
 * issuer = the issuing CA's subject, byte for byte; authorityKeyIdentifier = issuer's SKI;
 * subjectKeyIdentifier (RFC 7093 §2 method 1) from the CSR key; basicConstraints cA TRUE
 * critical with pathLenConstraint (0 unless asked); keyUsage keyCertSign + cRLSign critical
 * (+ digitalSignature when the CA will sign OCSP responses); validity within the issuer's.
 * Extensions requested in the CSR are ignored.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Extensions, Name, SubjectPublicKeyInfo, TBSCertificate, Validity as AsnValidity, Version } from "@peculiar/asn1-x509";
import type { Signer } from "../signer.ts";
import { parseCsr } from "./csr.ts";
import type { ParsedCsr } from "./csr.ts";
import { keyIdentifierForSpki } from "./digests.ts";
import { buildName } from "./distinguished-name.ts";
import type { DistinguishedNameInput } from "./distinguished-name.ts";
import { PkiInputError } from "./errors.ts";
import {
  authorityInfoAccessExtension, authorityKeyIdentifierExtension, basicConstraintsExtension, caKeyUsageExtension,
  certificatePoliciesExtension, crlDistributionPointsExtension, extendedKeyUsageExtension, requireExtendedKeyUsages,
  requirePolicies, requireUrls, subjectKeyIdentifierExtension,
} from "./extensions.ts";
import type { PolicyInput } from "./extensions.ts";
import { assertSignerMatchesKey, issuerFactsFromCertificate } from "./issuer.ts";
import { definedExtensions, issuedCertificate, requireNow, requirePathLength, requireValidity, tbsCertificateSignatureField } from "./issued.ts";
import type { IssuedCertificate, Validity } from "./issued.ts";
import { requireKnownLintIds } from "./lints/lint.ts";
import { CERTIFICATE_LINTS } from "./lints/registry.ts";
import { certificateLintTarget } from "./lints/targets.ts";
import { nameConstraintsExtension } from "./name-constraints.ts";
import type { NameConstraintsInput } from "./name-constraints.ts";
import { generateSerial } from "./serial-number.ts";
import type { RandomSource } from "./serial-number.ts";
import { lintSignAndCheck } from "./sign-and-check.ts";
import { signatureAlgorithmForKey } from "./signature-algorithm.ts";
import { rfc5280Time } from "./time.ts";

export interface IntermediateCertificateOptions {
  /** From parseCsr; it is parsed and verified again here. */
  readonly csr: ParsedCsr;
  /** Replaces the CSR's subject. */
  readonly subject?: DistinguishedNameInput;
  readonly issuer: { readonly certificate: Uint8Array; readonly signer: Signer };
  readonly validity: Validity;
  /** pathLenConstraint; 0 by default, null for none. */
  readonly pathLength?: number | null;
  /** Assert digitalSignature too, for a CA that signs its own OCSP responses (BR §7.1.2.10.7). */
  readonly digitalSignature?: boolean;
  /** http:// URLs of the issuer's CRL (BR §7.1.2.11.2 requires at least one). */
  readonly crlDistributionPoints?: readonly string[];
  /** http:// URLs of the issuer's certificate (id-ad-caIssuers). */
  readonly aiaIssuerUrls?: readonly string[];
  /** http:// URLs of the issuer's OCSP responder (id-ad-ocsp). */
  readonly ocspUrls?: readonly string[];
  /** OIDs or names (serverAuth, clientAuth, …). */
  readonly extKeyUsages?: readonly string[];
  readonly nameConstraints?: NameConstraintsInput;
  readonly policies?: readonly PolicyInput[];
  readonly random: RandomSource;
  readonly now: Date;
  readonly skipLints?: readonly string[];
}

export async function issueIntermediateCertificate(options: IntermediateCertificateOptions): Promise<IssuedCertificate> {
  const skip = requireKnownLintIds(CERTIFICATE_LINTS, options.skipLints, "skipLints");
  const csr = reparse(options.csr);
  const issuer = issuerFactsFromCertificate(options.issuer.certificate, "issuer.certificate");
  assertSignerMatchesKey(options.issuer.signer, issuer);
  if (!issuer.subjectKeyIdentifier) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", "issuer.certificate has no subjectKeyIdentifier, so the authorityKeyIdentifier cannot be set (BR §7.1.2.11.1); re-issue the issuer certificate with one.");
  }
  const validity = requireValidity(options.validity, "validity");
  if (validity.notBefore < issuer.notBefore || validity.notAfter > issuer.notAfter) {
    throw new PkiInputError(
      "VALIDITY_OUTSIDE_ISSUER",
      `validity ${validity.notBefore.toISOString()} – ${validity.notAfter.toISOString()} is not within the issuer's ${issuer.notBefore.toISOString()} – ${issuer.notAfter.toISOString()}; ` +
        "choose dates inside the issuer's validity.",
    );
  }
  const pathLength = options.pathLength === null ? undefined : (requirePathLength(options.pathLength, "pathLength") ?? 0);
  const subject = options.subject === undefined ? AsnConvert.parse(csr.subject.der, Name) : buildName(options.subject, "subject");
  const extKeyUsages = requireExtendedKeyUsages(options.extKeyUsages, "extKeyUsages");
  const policies = requirePolicies(options.policies, "policies");
  const crlUrls = requireUrls(options.crlDistributionPoints, "crlDistributionPoints", ["http:"]);
  const caIssuerUrls = requireUrls(options.aiaIssuerUrls, "aiaIssuerUrls", ["http:"]);
  const ocspUrls = requireUrls(options.ocspUrls, "ocspUrls", ["http:"]);
  const nameConstraints = options.nameConstraints === undefined ? undefined : nameConstraintsExtension(options.nameConstraints, "nameConstraints");
  const now = requireNow(options.now, "now");

  const algorithm = signatureAlgorithmForKey((issuer.key as NonNullable<typeof issuer.key>).kind);
  const serialNumber = await generateSerial(options.random);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serialNumber).buffer,
    signature: AsnConvert.parse(algorithm.der, AlgorithmIdentifier),
    issuer: AsnConvert.parse(issuer.subjectDer, Name),
    validity: Object.assign(new AsnValidity(), { notBefore: rfc5280Time(validity.notBefore), notAfter: rfc5280Time(validity.notAfter) }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(csr.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(
      definedExtensions(
        basicConstraintsExtension(pathLength),
        caKeyUsageExtension(options.digitalSignature === true),
        subjectKeyIdentifierExtension(keyIdentifierForSpki(csr.spki)),
        authorityKeyIdentifierExtension(issuer.subjectKeyIdentifier),
        extKeyUsages ? extendedKeyUsageExtension(extKeyUsages) : undefined,
        policies ? certificatePoliciesExtension(policies) : undefined,
        crlUrls.length > 0 ? crlDistributionPointsExtension(crlUrls) : undefined,
        ocspUrls.length + caIssuerUrls.length > 0 ? authorityInfoAccessExtension(ocspUrls, caIssuerUrls) : undefined,
        nameConstraints,
      ),
    ),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));

  const { der, lintResults } = await lintSignAndCheck({
    what: "intermediate certificate",
    tbsDer,
    innerSignatureAlgorithm: tbsCertificateSignatureField,
    signer: options.issuer.signer,
    issuer,
    lints: CERTIFICATE_LINTS,
    lintTarget: (bytes) => certificateLintTarget(bytes, "subordinate-ca", issuer, now),
    parseSigned: (bytes) => void AsnConvert.parse(bytes, Certificate),
    skip,
  });
  return issuedCertificate(der, tbsDer, lintResults, skip);
}

/** Parses the CSR again from its DER, so that an altered ParsedCsr object cannot slip through. */
function reparse(csr: ParsedCsr): ParsedCsr {
  if (!csr || !(csr.der instanceof Uint8Array)) throw new PkiInputError("CSR_NOT_PARSED", "csr must be the result of parseCsr.");
  const again = parseCsr(csr.der);
  if (!again.spki.equals(Buffer.from(csr.spki)) || !again.subject.der.equals(Buffer.from(csr.subject.der))) {
    throw new PkiInputError("CSR_NOT_PARSED", "csr was changed after parseCsr (its key or subject no longer match its DER); parse the CSR file again.");
  }
  return again;
}
