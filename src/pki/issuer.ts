/**
 * What the lints and checks need to know about the issuing CA, taken from its certificate (or,
 * for a self-signed root, from the TBS being built), and the check that the key on the token is
 * the key in that certificate.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, TBSCertificate } from "@peculiar/asn1-x509";
import type { Signer } from "../signer.ts";
import { sha256Hex } from "./digests.ts";
import { PkiCheckError, PkiInputError } from "./errors.ts";
import { basicConstraintsOf, keyUsageOf, subjectKeyIdentifierOf } from "./extension-access.ts";
import type { BasicConstraintsValue } from "./extension-access.ts";
import { describePublicKey } from "./public-key.ts";
import type { PublicKeyDescription } from "./public-key.ts";
import { signerAlgorithmMatchesKey } from "./signature-algorithm.ts";
import { splitSigned, splitTbsCertificate } from "./tbs-parts.ts";

export interface IssuerFacts {
  /** The issuer's encoded subject Name, which an issued object's issuer must equal byte for byte. */
  readonly subjectDer: Buffer;
  readonly spki: Buffer;
  /** Undefined when the key is not one this tool signs with. */
  readonly key: PublicKeyDescription | undefined;
  readonly subjectKeyIdentifier: Buffer | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly basicConstraints: BasicConstraintsValue | undefined;
  /** KeyUsageFlags bits, undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
}

/** Facts about the subject of a TBSCertificate; for a root these are also its issuer's. */
export function subjectFactsFromTbs(tbsDer: Buffer): IssuerFacts {
  const parts = splitTbsCertificate(tbsDer);
  const tbs = AsnConvert.parse(tbsDer, TBSCertificate);
  const described = describePublicKey(parts.subjectPublicKeyInfo.bytes);
  const ext = tbs.extensions ? [...tbs.extensions] : undefined;
  const safe = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  return {
    subjectDer: Buffer.from(parts.subject.bytes),
    spki: Buffer.from(parts.subjectPublicKeyInfo.bytes),
    key: described.ok ? described.key : undefined,
    subjectKeyIdentifier: safe(() => subjectKeyIdentifierOf(ext)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    basicConstraints: safe(() => basicConstraintsOf(ext)),
    keyUsage: safe(() => keyUsageOf(ext)),
  };
}

/** Parses an issuer certificate given as DER; refuses one that cannot issue. */
export function issuerFactsFromCertificate(certificateDer: Uint8Array, path: string): IssuerFacts {
  let facts: IssuerFacts;
  try {
    const der = Buffer.from(certificateDer);
    const { tbs } = splitSigned(der);
    AsnConvert.parse(der, Certificate);
    facts = subjectFactsFromTbs(Buffer.from(tbs.bytes));
  } catch (cause) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", `${path} is not a DER X.509 certificate; give the issuer certificate exactly as issued (convert PEM with pemToDer).`, { cause });
  }
  if (!facts.key) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", `${path} holds a public key this tool cannot sign with; only P-256, P-384, RSA and Ed25519 CA keys are supported.`);
  }
  return facts;
}

/**
 * The key on the token must be the key in the issuer certificate: compares the signer's SPKI
 * with the certificate's, byte for byte, and the signer's declared algorithm with that key.
 * Run before anything is sent to the signer.
 */
export function assertSignerMatchesCertificate(signer: Signer, certificateDer: Uint8Array): void {
  const facts = issuerFactsFromCertificate(certificateDer, "issuer certificate");
  assertSignerMatchesKey(signer, facts);
}

export function assertSignerMatchesKey(signer: Signer, facts: Pick<IssuerFacts, "spki" | "key">): void {
  if (!Buffer.from(signer.spki).equals(facts.spki)) {
    throw new PkiCheckError(
      "SIGNER_KEY_MISMATCH",
      `The key on the token (SPKI SHA-256 ${sha256Hex(signer.spki)}) is not the key in the issuer certificate (SPKI SHA-256 ${sha256Hex(facts.spki)}). ` +
        "Check that the right token and key label are selected; nothing was signed.",
    );
  }
  if (!facts.key || !signerAlgorithmMatchesKey(signer.algorithm, facts.key)) {
    throw new PkiCheckError(
      "SIGNER_ALGORITHM_MISMATCH",
      `The signer declares ${signer.algorithm} but its key is ${facts.key?.label ?? "of an unsupported kind"}; the token configuration is inconsistent, nothing was signed.`,
    );
  }
}
