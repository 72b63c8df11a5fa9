/** What the issuing functions return, and helpers they share. */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import type { Extension } from "@peculiar/asn1-x509";
import { sha256Hex } from "./digests.ts";
import { PkiInputError } from "./errors.ts";
import type { LintResult } from "./lints/lint.ts";
import { derToPem } from "./pem.ts";
import { serialHexFromContents } from "./serial-number.ts";
import { splitTbsCertificate } from "./tbs-parts.ts";
import { requireWholeSeconds } from "./time.ts";

export interface IssuedCertificate {
  readonly der: Buffer;
  readonly pem: string;
  /** The TBSCertificate that was linted and signed. */
  readonly tbsDer: Buffer;
  /** SHA-256 of the certificate DER, lowercase hex. */
  readonly sha256: string;
  /** SHA-256 of the subject SubjectPublicKeyInfo DER, lowercase hex. */
  readonly spkiSha256: string;
  readonly serialHex: string;
  /** Every lint with its outcome on the final certificate, skipped ones included. */
  readonly lintResults: readonly LintResult[];
  /** The lint ids the caller skipped, for the journal. */
  readonly skippedLints: readonly string[];
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export function requireValidity(validity: unknown, path: string): Validity {
  const v = validity as Partial<Validity> | undefined;
  if (!v || typeof v !== "object") throw new PkiInputError("VALIDITY_INVALID", `${path} must be {notBefore, notAfter}.`);
  const notBefore = requireWholeSeconds(v.notBefore, `${path}.notBefore`);
  const notAfter = requireWholeSeconds(v.notAfter, `${path}.notAfter`);
  if (notAfter <= notBefore) throw new PkiInputError("VALIDITY_INVALID", `${path}.notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()}).`);
  return { notBefore, notAfter };
}

export function requirePathLength(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 16) {
    throw new PkiInputError("PATH_LENGTH_INVALID", `${path} must be a whole number from 0 to 16, or be left out for no constraint.`);
  }
  return value;
}

export function requireNow(now: unknown, path: string): Date {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new PkiInputError("VALIDITY_INVALID", `${path} must be the current time as a Date.`);
  return now;
}

export function issuedCertificate(der: Buffer, tbsDer: Buffer, lintResults: readonly LintResult[], skippedLints: readonly string[]): IssuedCertificate {
  AsnConvert.parse(der, Certificate);
  const parts = splitTbsCertificate(tbsDer);
  return {
    der,
    pem: derToPem(der, "CERTIFICATE"),
    tbsDer,
    sha256: sha256Hex(der),
    spkiSha256: sha256Hex(parts.subjectPublicKeyInfo.bytes),
    serialHex: serialHexFromContents(parts.serialNumber.contents),
    lintResults,
    skippedLints,
  };
}

export function tbsCertificateSignatureField(tbsDer: Buffer): Buffer {
  return Buffer.from(splitTbsCertificate(tbsDer).signature.bytes);
}

export function definedExtensions(...extensions: Array<Extension | undefined>): Extension[] {
  return extensions.filter((e): e is Extension => e !== undefined);
}
