/** A certificate's facts as the ceremony layer shows and journals them. */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { sha256Hex } from "./digests.ts";
import { nameToString } from "./distinguished-name.ts";
import { PkiInputError } from "./errors.ts";
import { basicConstraintsOf, subjectKeyIdentifierOf } from "./extension-access.ts";
import { describePublicKey } from "./public-key.ts";
import { serialHexFromContents } from "./serial-number.ts";
import { splitSigned, splitTbsCertificate } from "./tbs-parts.ts";

export interface CertificateSummary {
  /** RFC 4514 string, most specific RDN first. */
  readonly subject: string;
  readonly issuer: string;
  /** Lowercase hex of the serial's magnitude. */
  readonly serialHex: string;
  /** ISO 8601 UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  readonly sha256: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex. */
  readonly spkiSha256: string;
  readonly isCa: boolean;
  /** pathLenConstraint, or null when absent. */
  readonly pathLength: number | null;
  /** "EC-P384", "RSA-4096", …, or "unsupported". */
  readonly publicKeyAlgorithm: string;
  readonly subjectKeyIdentifierHex: string | null;
  readonly selfSigned: boolean;
}

export function certificateSummary(der: Uint8Array): CertificateSummary {
  const bytes = Buffer.from(der);
  try {
    const { tbs } = splitSigned(bytes);
    const parts = splitTbsCertificate(Buffer.from(tbs.bytes));
    const cert = AsnConvert.parse(bytes, Certificate).tbsCertificate;
    const extensions = cert.extensions ? [...cert.extensions] : undefined;
    const bc = basicConstraintsOf(extensions);
    const key = describePublicKey(parts.subjectPublicKeyInfo.bytes);
    const ski = subjectKeyIdentifierOf(extensions);
    return {
      subject: nameToString(cert.subject),
      issuer: nameToString(cert.issuer),
      serialHex: serialHexFromContents(parts.serialNumber.contents),
      notBefore: cert.validity.notBefore.getTime().toISOString(),
      notAfter: cert.validity.notAfter.getTime().toISOString(),
      sha256: sha256Hex(bytes),
      spkiSha256: sha256Hex(parts.subjectPublicKeyInfo.bytes),
      isCa: bc?.cA === true,
      pathLength: bc?.pathLength ?? null,
      publicKeyAlgorithm: key.ok ? key.key.label : "unsupported",
      subjectKeyIdentifierHex: ski ? ski.toString("hex") : null,
      selfSigned: parts.subject.bytes.equals(parts.issuer.bytes),
    };
  } catch (cause) {
    throw new PkiInputError("CERTIFICATE_MALFORMED", "The certificate is not a DER X.509 certificate; convert PEM with pemToDer first, or check the file.", { cause });
  }
}
