/**
 * Certificate signing requests (PKCS #10, RFC 2986), parsed defensively: the input comes from
 * outside the ceremony room. Size and nesting are checked with the strict DER reader before the
 * ASN.1 library sees the bytes; the self-signature must verify; only P-256, P-384, RSA
 * 2048–8192 and Ed25519 keys are accepted. Requested extensions are reported, never copied:
 * the profile comes from the ceremony script.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { Extensions } from "@peculiar/asn1-x509";
import type { Name } from "@peculiar/asn1-x509";
import { DerError, childrenOf, readSingleTlv, walkDer } from "./der-reader.ts";
import type { Tlv } from "./der-reader.ts";
import { sha256Hex } from "./digests.ts";
import { nameToString } from "./distinguished-name.ts";
import { CsrError, PkiInputError } from "./errors.ts";
import { OID } from "./oids.ts";
import { pemToDer } from "./pem.ts";
import { describePublicKey } from "./public-key.ts";
import { SIGNATURE_ALGORITHMS_BY_OID, verifySignature } from "./signature-algorithm.ts";
import { bitStringOctets } from "./tbs-parts.ts";
import { algorithmIdentifierParts } from "./algorithm-identifier.ts";

export interface CsrLimits {
  /** Largest accepted input, PEM or DER; 64 KiB by default. */
  readonly maxBytes?: number;
  /** Deepest accepted nesting of constructed values; 32 by default (real CSRs need about 8). */
  readonly maxDepth?: number;
}

export interface RequestedExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly valueHex: string;
}

export interface ParsedCsr {
  readonly der: Buffer;
  readonly subject: { readonly der: Buffer; readonly text: string };
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly spkiSha256: string;
  /** "EC-P256", "EC-P384", "Ed25519" or "RSA-<bits>". */
  readonly publicKeyAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly extensionsRequested: readonly RequestedExtension[];
}

export const CSR_DEFAULT_MAX_BYTES = 64 * 1024;
export const CSR_DEFAULT_MAX_DEPTH = 32;

export function parseCsr(input: Uint8Array | string, limits: CsrLimits = {}): ParsedCsr {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) throw new TypeError("parseCsr: input must be PEM text or DER bytes");
  const maxBytes = limits.maxBytes ?? CSR_DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? CSR_DEFAULT_MAX_DEPTH;
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.length;
  if (size > maxBytes) throw new CsrError("CSR_TOO_LARGE", `The CSR is ${size} bytes, more than the ${maxBytes} accepted; a real CSR is a few kilobytes. Check that the right file was given.`);

  const der = toDer(input);
  try {
    walkDer(der, maxDepth);
  } catch (e) {
    if (e instanceof DerError && /nesting deeper/.test(e.message)) {
      throw new CsrError("CSR_TOO_DEEP", `The CSR nests more than ${maxDepth} levels deep, which no real CSR does; refuse it and ask for a new one.`, { cause: e });
    }
    throw new CsrError("CSR_DER_MALFORMED", `The CSR is not valid DER: ${(e as Error).message}. Ask for the CSR file again.`, { cause: e });
  }

  const malformed = (why: string, cause?: unknown): never => {
    throw new CsrError("CSR_DER_MALFORMED", `The CSR is not a PKCS #10 request: ${why}. Ask for the CSR file again.`, cause === undefined ? undefined : { cause });
  };
  let request: CertificationRequest;
  let infoDer: Buffer;
  let subjectDer: Buffer;
  let spki: Buffer;
  let signatureTlv: Tlv;
  let algorithmParts: ReturnType<typeof algorithmIdentifierParts>;
  try {
    request = AsnConvert.parse(der, CertificationRequest);
    const outer = readSingleTlv(der);
    if (outer.tag !== 0x30) throw new DerError("the request is not a SEQUENCE", 0);
    const [info, algorithm, signatureValue, extra] = childrenOf(outer);
    if (!info || info.tag !== 0x30 || !algorithm || algorithm.tag !== 0x30 || !signatureValue || signatureValue.tag !== 0x03 || extra) throw new DerError("wrong outer structure", 0);
    const [version, subject, subjectPkInfo] = childrenOf(info);
    if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !subjectPkInfo || subjectPkInfo.tag !== 0x30) throw new DerError("wrong CertificationRequestInfo structure", info.offset);
    infoDer = Buffer.from(info.bytes);
    subjectDer = Buffer.from(subject.bytes);
    spki = Buffer.from(subjectPkInfo.bytes);
    signatureTlv = signatureValue;
    algorithmParts = algorithmIdentifierParts(algorithm.bytes);
  } catch (cause) {
    return malformed("its structure does not match RFC 2986 §4", cause);
  }

  if (request.certificationRequestInfo.version !== 0) {
    throw new CsrError("CSR_VERSION_UNSUPPORTED", `The CSR has version ${request.certificationRequestInfo.version}; RFC 2986 defines only version 0 (v1). Ask for a standard CSR.`);
  }
  const described = describePublicKey(spki);
  if (!described.ok) throw new CsrError("CSR_UNSUPPORTED_KEY", `The CSR's key cannot be certified: ${described.reason}.`);
  const key = described.key;

  const { oid: algorithmOid, paramsHex } = algorithmParts;
  const algorithm = SIGNATURE_ALGORITHMS_BY_OID[algorithmOid];
  // RFC 4055 §5 wants NULL for RSA, though some encoders omit it; ECDSA and Ed25519 have none.
  const paramsOk = algorithm?.rsaParams ? paramsHex === undefined || paramsHex === "0500" : paramsHex === undefined;
  if (!algorithm || !algorithm.keyKinds.includes(key.kind) || !paramsOk) {
    const why = !algorithm ? "" : !paramsOk ? " with unexpected parameters" : ` for an ${key.label} key`;
    throw new CsrError(
      "CSR_UNSUPPORTED_SIGNATURE_ALGORITHM",
      `The CSR is signed with ${algorithm?.name ?? algorithmOid}${why}; accepted: SHA-256/384/512 with RSA or ECDSA, and Ed25519.`,
    );
  }
  let signature: Buffer;
  try {
    signature = bitStringOctets(signatureTlv);
  } catch (cause) {
    return malformed("its signature BIT STRING has unused bits", cause);
  }
  if (!verifySignature(key.keyObject, algorithm.nodeDigest, infoDer, signature)) {
    throw new CsrError("CSR_SIGNATURE_INVALID", "The CSR's self-signature does not verify: the file is damaged or was altered after signing. Ask for the CSR again and compare its fingerprint with the requester.");
  }

  return {
    der,
    subject: { der: subjectDer, text: safeNameText(request.certificationRequestInfo.subject) },
    spki,
    spkiSha256: sha256Hex(spki),
    publicKeyAlgorithm: key.label,
    signatureAlgorithm: algorithm.name,
    extensionsRequested: requestedExtensions(request, malformed),
  };
}

function toDer(input: Uint8Array | string): Buffer {
  const bytes = typeof input === "string" ? undefined : Buffer.from(input);
  const looksPem = typeof input === "string" || /^\s*-----BEGIN /.test((bytes as Buffer).subarray(0, 64).toString("latin1"));
  if (!looksPem) return bytes as Buffer;
  const text = typeof input === "string" ? input : (bytes as Buffer).toString("latin1");
  try {
    return pemToDer(text, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
  } catch (e) {
    if (e instanceof PkiInputError) throw new CsrError("CSR_PEM_MALFORMED", e.message.replace(/^The CERTIFICATE REQUEST PEM/, "The CSR PEM"), { cause: e });
    throw e;
  }
}

function safeNameText(name: Name): string {
  try {
    return nameToString(name);
  } catch {
    return "(unreadable)";
  }
}

/** RFC 2986 §4.1 attributes: the PKCS #9 extensionRequest (RFC 2985 §5.4.2), if any. */
function requestedExtensions(request: CertificationRequest, malformed: (why: string, cause?: unknown) => never): RequestedExtension[] {
  const out: RequestedExtension[] = [];
  for (const attribute of request.certificationRequestInfo.attributes ?? []) {
    if (attribute.type !== OID.extensionRequest) continue;
    for (const value of attribute.values) {
      let extensions: Extensions;
      try {
        extensions = AsnConvert.parse(value, Extensions);
      } catch (cause) {
        return malformed("its extensionRequest attribute is malformed", cause);
      }
      for (const e of extensions) out.push({ oid: e.extnID, critical: e.critical, valueHex: Buffer.from(e.extnValue.buffer).toString("hex") });
    }
  }
  return out;
}
