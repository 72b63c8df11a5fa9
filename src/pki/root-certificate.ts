/**
 * The self-signed root CA certificate (RFC 5280; CA/B BR §7.1.2.1). Profile:
 * v3; a 16-octet random serial from the HSM; issuer = subject; UTCTime/GeneralizedTime by year;
 * basicConstraints cA TRUE critical (pathLenConstraint only when asked; BR: NOT RECOMMENDED);
 * keyUsage keyCertSign + cRLSign critical (no digitalSignature, so the root key never signs
 * OCSP responses, BR §7.1.2.10.7); subjectKeyIdentifier (RFC 7093 §2 method 1);
 * authorityKeyIdentifier equal to it (BR §7.1.2.1.2 RECOMMENDED, §7.1.2.1.3); no extKeyUsage;
 * certificatePolicies only when given (BR: NOT RECOMMENDED for roots).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, Extensions, SubjectPublicKeyInfo, TBSCertificate, Validity as AsnValidity, Version } from "@peculiar/asn1-x509";
import type { Signer } from "../signer.ts";
import { keyIdentifierForSpki } from "./digests.ts";
import { buildName } from "./distinguished-name.ts";
import type { DistinguishedNameInput } from "./distinguished-name.ts";
import { PkiInputError } from "./errors.ts";
import {
  authorityKeyIdentifierExtension, basicConstraintsExtension, caKeyUsageExtension, certificatePoliciesExtension,
  requirePolicies, subjectKeyIdentifierExtension,
} from "./extensions.ts";
import type { PolicyInput } from "./extensions.ts";
import { assertSignerMatchesKey, subjectFactsFromTbs } from "./issuer.ts";
import { definedExtensions, issuedCertificate, requireNow, requirePathLength, requireValidity, tbsCertificateSignatureField } from "./issued.ts";
import type { IssuedCertificate, Validity } from "./issued.ts";
import { requireKnownLintIds } from "./lints/lint.ts";
import { CERTIFICATE_LINTS } from "./lints/registry.ts";
import { certificateLintTarget } from "./lints/targets.ts";
import { describePublicKey } from "./public-key.ts";
import { generateSerial } from "./serial-number.ts";
import type { RandomSource } from "./serial-number.ts";
import { lintSignAndCheck } from "./sign-and-check.ts";
import { signatureAlgorithmForKey } from "./signature-algorithm.ts";
import { addUtcYears, rfc5280Time } from "./time.ts";

export interface RootCertificateOptions {
  readonly subject: DistinguishedNameInput;
  /** The root key on the token; its SPKI becomes the certificate's. */
  readonly signer: Signer;
  /** At most 25 years (BR §7.1.2.1.1); notBefore within the day before `now`. */
  readonly validity: Validity;
  readonly pathLength?: number;
  readonly policies?: readonly PolicyInput[];
  /** The HSM random generator. */
  readonly random: RandomSource;
  /** The time of signing, from the ceremony clock. */
  readonly now: Date;
  /** Lint ids to skip; each is recorded in the result. */
  readonly skipLints?: readonly string[];
}

export const ROOT_MAX_YEARS = 25;

export async function issueRootCertificate(options: RootCertificateOptions): Promise<IssuedCertificate> {
  const skip = requireKnownLintIds(CERTIFICATE_LINTS, options.skipLints, "skipLints");
  const subject = buildName(options.subject, "subject");
  const validity = requireValidity(options.validity, "validity");
  const latest = addUtcYears(validity.notBefore, ROOT_MAX_YEARS);
  if (validity.notAfter > latest) {
    throw new PkiInputError("VALIDITY_TOO_LONG", `validity.notAfter (${validity.notAfter.toISOString()}) is more than ${ROOT_MAX_YEARS} years after notBefore; choose ${latest.toISOString()} or earlier (BR §7.1.2.1.1).`);
  }
  const pathLength = requirePathLength(options.pathLength, "pathLength");
  const policies = requirePolicies(options.policies, "policies");
  const now = requireNow(options.now, "now");
  const described = describePublicKey(options.signer.spki);
  if (!described.ok) throw new PkiInputError("UNSUPPORTED_KEY", `The root key on the token cannot be used: ${described.reason}.`);
  assertSignerMatchesKey(options.signer, { spki: Buffer.from(options.signer.spki), key: described.key });

  const algorithm = signatureAlgorithmForKey(described.key.kind);
  const keyId = keyIdentifierForSpki(options.signer.spki);
  const serialNumber = await generateSerial(options.random);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serialNumber).buffer,
    signature: AsnConvert.parse(algorithm.der, AlgorithmIdentifier),
    issuer: subject,
    validity: Object.assign(new AsnValidity(), { notBefore: rfc5280Time(validity.notBefore), notAfter: rfc5280Time(validity.notAfter) }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(options.signer.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(
      definedExtensions(
        basicConstraintsExtension(pathLength),
        caKeyUsageExtension(false),
        subjectKeyIdentifierExtension(keyId),
        authorityKeyIdentifierExtension(keyId),
        policies ? certificatePoliciesExtension(policies) : undefined,
      ),
    ),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));

  const { der, lintResults } = await lintSignAndCheck({
    what: "root certificate",
    tbsDer,
    innerSignatureAlgorithm: tbsCertificateSignatureField,
    signer: options.signer,
    issuer: subjectFactsFromTbs(tbsDer),
    lints: CERTIFICATE_LINTS,
    lintTarget: (bytes) => certificateLintTarget(bytes, "root", "self", now),
    parseSigned: (bytes) => void AsnConvert.parse(bytes, Certificate),
    skip,
  });
  return issuedCertificate(der, tbsDer, lintResults, skip);
}
