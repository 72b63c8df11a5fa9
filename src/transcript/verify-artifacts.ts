/**
 * The certificate, CRL, CSR and wrapped-key files of a bundle checked against what the signed
 * transcript recorded about them when they were made: the DER's SHA-256, the serial and the SPKI
 * fingerprint of a certificate, a CSR's key and self-signature, a CRL's signature by a certificate
 * that is in the bundle, an issued certificate's signature by its issuer in the bundle, and the
 * shape of an RFC 5649 wrapped key. The file hashes themselves are checked in verify-bundle.ts;
 * these checks catch a transcript whose outputs were fitted to different files.
 */
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { algorithmIdentifierParts } from "../pki/algorithm-identifier.ts";
import { DerError, childrenOf, readSingleTlv } from "../pki/der-reader.ts";
import { SIGNATURE_ALGORITHMS_BY_OID, verifySignature } from "../pki/signature-algorithm.ts";
import { bitStringOctets, splitSigned, splitTbsCertList } from "../pki/tbs-parts.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import type { Transcript, TranscriptOutput } from "./types.ts";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** DER of a PEM or DER file: one block of the given label, or the bytes themselves when they start a SEQUENCE. */
export function derOf(bytes: Buffer, label: string): Buffer {
  if (bytes[0] === 0x30) return bytes;
  const m = new RegExp(`^\\s*-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+)-----END ${label}-----\\s*$`).exec(bytes.toString("latin1"));
  if (!m) throw new DerError(`not DER and not one PEM block labelled ${label}`, 0);
  return Buffer.from((m[1] as string).replace(/\s+/g, ""), "base64");
}

/** A certificate file parsed, or null when it is not one (checkCertificate says so). */
function parseCertificate(bytes: Buffer): X509Certificate | null {
  try {
    return new X509Certificate(bytes);
  } catch {
    return null;
  }
}

function signedBy(der: Buffer, issuer: X509Certificate): boolean {
  const parts = splitSigned(der);
  const algorithm = SIGNATURE_ALGORITHMS_BY_OID[algorithmIdentifierParts(parts.signatureAlgorithm.bytes).oid];
  if (!algorithm) return false;
  return verifySignature(issuer.publicKey, algorithm.nodeDigest, parts.tbs.bytes, bitStringOctets(parts.signatureValue));
}

const spkiSha256Of = (cert: X509Certificate): string => sha256(cert.publicKey.export({ type: "spki", format: "der" }));

function checkCertificate(o: TranscriptOutput, cert: X509Certificate | null, certs: readonly X509Certificate[], say: (m: string) => void): void {
  if (!cert) return say(`${o.file} is not a certificate`);
  const d = o.details;
  if (d.sha256 !== undefined && sha256(cert.raw) !== d.sha256) say(`${o.file}: its DER SHA-256 is ${sha256(cert.raw)}, the transcript recorded ${d.sha256}`);
  if (d.serial !== undefined && cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, "") !== d.serial.toLowerCase().replace(/^(00)+(?=.)/, "")) {
    say(`${o.file}: serial ${cert.serialNumber.toLowerCase()}, the transcript recorded ${d.serial}`);
  }
  if (d.spkiSha256 !== undefined) {
    const spkiSha256 = spkiSha256Of(cert);
    if (spkiSha256 !== d.spkiSha256) say(`${o.file}: its public key's SHA-256 is ${spkiSha256}, the transcript recorded ${d.spkiSha256}`);
  }
  const issuers = certs.filter((c) => {
    try {
      return cert.checkIssued(c);
    } catch {
      return false;
    }
  });
  if (issuers.length > 0 && !issuers.some((c) => cert.verify(c.publicKey))) say(`${o.file}: its signature does not verify under its issuer's certificate in the bundle`);
}

function checkCrl(o: TranscriptOutput, bytes: Buffer, certs: readonly X509Certificate[], say: (m: string) => void): void {
  let der: Buffer;
  let issuerDer: Buffer;
  try {
    der = derOf(bytes, "X509 CRL");
    issuerDer = splitTbsCertList(splitSigned(der).tbs.bytes).issuer.bytes;
  } catch {
    return say(`${o.file} is not a CRL`);
  }
  if (o.details.sha256 !== undefined && sha256(der) !== o.details.sha256) say(`${o.file}: its DER SHA-256 is ${sha256(der)}, the transcript recorded ${o.details.sha256}`);
  const issuers = certs.filter((c) => subjectDer(c)?.equals(issuerDer));
  if (issuers.length === 0) say(`${o.file}: its issuer's certificate is not in the bundle, so its signature cannot be checked`);
  else if (!issuers.some((c) => signedBy(der, c))) say(`${o.file}: its signature does not verify under its issuer's certificate in the bundle`);
}

/** The subject Name's DER of a certificate (TBSCertificate field 6, after the optional version). */
function subjectDer(cert: X509Certificate): Buffer | null {
  try {
    const fields = childrenOf(readSingleTlv(splitSigned(cert.raw).tbs.bytes));
    const start = fields[0]?.tag === 0xa0 ? 1 : 0;
    return fields[start + 4]?.bytes ?? null;
  } catch {
    return null;
  }
}

function checkCsr(o: TranscriptOutput, bytes: Buffer, say: (m: string) => void): void {
  try {
    const der = derOf(bytes, "(?:NEW )?CERTIFICATE REQUEST");
    const parts = splitSigned(der);
    const [, , spki] = childrenOf(readSingleTlv(parts.tbs.bytes));
    if (!spki) return say(`${o.file} is not a certificate request`);
    const key = createPublicKey({ key: spki.bytes, format: "der", type: "spki" });
    const algorithm = SIGNATURE_ALGORITHMS_BY_OID[algorithmIdentifierParts(parts.signatureAlgorithm.bytes).oid];
    if (o.details.spkiSha256 !== undefined && sha256(spki.bytes) !== o.details.spkiSha256) {
      say(`${o.file}: its public key's SHA-256 is ${sha256(spki.bytes)}, the transcript recorded ${o.details.spkiSha256}`);
    }
    if (!algorithm || !verifySignature(key, algorithm.nodeDigest, parts.tbs.bytes, bitStringOctets(parts.signatureValue))) say(`${o.file}: its self-signature does not verify`);
  } catch {
    say(`${o.file} is not a certificate request`);
  }
}

/** RFC 5649 §4.1: the output is at least two 64-bit blocks and a whole number of them. */
function checkWrappedKey(o: TranscriptOutput, bytes: Buffer, kcvFacts: readonly TranscriptOutput[], say: (m: string) => void): void {
  if (bytes.length < 16 || bytes.length % 8 !== 0) say(`${o.file}: ${bytes.length} bytes is not an RFC 5649 wrapped key (a multiple of 8, at least 16)`);
  const kcv = kcvFacts.find((k) => k.label === o.label);
  for (const field of ["kcvEcb0", "kcvCmac"] as const) {
    if (kcv && o.details[field] !== undefined && kcv.details[field] !== undefined && o.details[field] !== kcv.details[field]) {
      say(`${o.file}: the wrapped key's ${field} ${o.details[field]} is not the key's recorded ${kcv.details[field]}`);
    }
  }
}

/** ARTIFACT_MISMATCH failures for the files of `t` present in `files` (missing files are reported elsewhere). */
export function checkArtifacts(t: Transcript, files: ReadonlyMap<string, Buffer>, extraCertificates: readonly X509Certificate[] = []): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const withFile = t.outputs.filter((o) => o.file !== undefined && files.has(o.file));
  // Each certificate file is parsed once: as a candidate issuer of the others, and for its own checks.
  const parsed = new Map(withFile.filter((o) => o.kind === "certificate").map((o) => [o, parseCertificate(files.get(o.file as string) as Buffer)] as const));
  const certs = [...extraCertificates, ...[...parsed.values()].filter((c) => c !== null)];
  const kcvFacts = t.outputs.filter((o) => o.kind === "kcv");
  for (const o of withFile) {
    const bytes = files.get(o.file as string) as Buffer;
    const say = (message: string): void => void failures.push(failure("ARTIFACT_MISMATCH", `output ${o.kind} ${o.label}: ${message}`));
    try {
      if (o.kind === "certificate") checkCertificate(o, parsed.get(o) ?? null, certs, say);
      else if (o.kind === "crl") checkCrl(o, bytes, certs, say);
      else if (o.kind === "csr") checkCsr(o, bytes, say);
      else if (o.kind === "wrapped-key") checkWrappedKey(o, bytes, kcvFacts, say);
    } catch (e) {
      // node:crypto parses lazily (a certificate's key is decoded only when asked for): a damaged file fails here, named.
      say(`${o.file} cannot be read (${(e as Error).message})`);
    }
  }
  return failures;
}
