/**
 * The encoded fields of certificates, TBSCertificates and TBSCertLists, located with the strict
 * DER reader. Lints and checks that must see exact bytes (names compared byte for byte, time
 * encodings, the signed TBS) read them from here, not from a decoded object.
 */
import { DerError, childrenOf, readSingleTlv } from "./der-reader.ts";
import type { Tlv } from "./der-reader.ts";

export interface SignedParts {
  readonly tbs: Tlv;
  readonly signatureAlgorithm: Tlv;
  readonly signatureValue: Tlv;
}

/** Certificate / CertificateList ::= SEQUENCE { tbs, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 §4.1, §5.1). */
export function splitSigned(der: Buffer): SignedParts {
  const outer = readSingleTlv(der);
  if (outer.tag !== 0x30) throw new DerError("a signed object must be a SEQUENCE", 0);
  const [tbs, signatureAlgorithm, signatureValue, extra] = childrenOf(outer);
  if (!tbs || tbs.tag !== 0x30 || !signatureAlgorithm || signatureAlgorithm.tag !== 0x30 || !signatureValue || signatureValue.tag !== 0x03 || extra) {
    throw new DerError("a signed object must be SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }", 0);
  }
  return { tbs, signatureAlgorithm, signatureValue };
}

/** The signature bytes of an octet-aligned BIT STRING. */
export function bitStringOctets(tlv: Tlv): Buffer {
  if (tlv.contents[0] !== 0) throw new DerError("a signature BIT STRING must have no unused bits", tlv.offset);
  return tlv.contents.subarray(1);
}

export interface TbsCertificateParts {
  readonly version?: Tlv;
  readonly serialNumber: Tlv;
  readonly signature: Tlv;
  readonly issuer: Tlv;
  readonly notBefore: Tlv;
  readonly notAfter: Tlv;
  readonly subject: Tlv;
  readonly subjectPublicKeyInfo: Tlv;
  readonly extensions?: Tlv;
}

/** RFC 5280 §4.1: TBSCertificate field by field. */
export function splitTbsCertificate(tbsDer: Buffer): TbsCertificateParts {
  const fields = childrenOf(readSingleTlv(tbsDer));
  const version = fields[0]?.tag === 0xa0 ? fields.shift() : undefined;
  const [serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ...rest] = fields;
  if (!serialNumber || serialNumber.tag !== 0x02 || !signature || !issuer || !validity || validity.tag !== 0x30 || !subject || !subjectPublicKeyInfo) {
    throw new DerError("the TBSCertificate is missing required fields", 0);
  }
  const [notBefore, notAfter, extraTime] = childrenOf(validity);
  if (!notBefore || !notAfter || extraTime) throw new DerError("Validity must hold exactly two times", validity.offset);
  const extensions = rest.find((t) => t.tag === 0xa3);
  return { ...(version ? { version } : {}), serialNumber, signature, issuer, notBefore, notAfter, subject, subjectPublicKeyInfo, ...(extensions ? { extensions } : {}) };
}

export interface RevokedEntryParts {
  readonly serialNumber: Tlv;
  readonly revocationDate: Tlv;
  readonly extensions?: Tlv;
}

export interface TbsCertListParts {
  readonly version?: Tlv;
  readonly signature: Tlv;
  readonly issuer: Tlv;
  readonly thisUpdate: Tlv;
  readonly nextUpdate?: Tlv;
  readonly revokedCertificates?: Tlv;
  readonly revokedEntries: readonly RevokedEntryParts[];
  readonly extensions?: Tlv;
}

const isTime = (t: Tlv | undefined): t is Tlv => t !== undefined && (t.tag === 0x17 || t.tag === 0x18);

/** RFC 5280 §5.1: TBSCertList field by field. */
export function splitTbsCertList(tbsDer: Buffer): TbsCertListParts {
  const fields = childrenOf(readSingleTlv(tbsDer));
  const version = fields[0]?.tag === 0x02 ? fields.shift() : undefined;
  const [signature, issuer, thisUpdate] = fields.splice(0, 3);
  if (!signature || !issuer || !isTime(thisUpdate)) throw new DerError("the TBSCertList is missing required fields", 0);
  const nextUpdate = isTime(fields[0]) ? fields.shift() : undefined;
  const revokedCertificates = fields[0]?.tag === 0x30 ? fields.shift() : undefined;
  const extensions = fields[0]?.tag === 0xa0 ? fields.shift() : undefined;
  if (fields.length > 0) throw new DerError("the TBSCertList has unexpected trailing fields", fields[0]?.offset ?? 0);
  const revokedEntries = (revokedCertificates ? childrenOf(revokedCertificates) : []).map((entry) => {
    const [serialNumber, revocationDate, entryExtensions, extra] = childrenOf(entry);
    if (!serialNumber || serialNumber.tag !== 0x02 || !isTime(revocationDate) || extra) throw new DerError("a revoked entry is malformed", entry.offset);
    return { serialNumber, revocationDate, ...(entryExtensions ? { extensions: entryExtensions } : {}) };
  });
  return {
    ...(version ? { version } : {}), signature, issuer, thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}), ...(revokedCertificates ? { revokedCertificates } : {}), revokedEntries,
    ...(extensions ? { extensions } : {}),
  };
}

/** The DER extnValue of every Extension inside an Extensions SEQUENCE (or [n] EXPLICIT wrapper). */
export function extensionValues(wrapper: Tlv | undefined): Buffer[] {
  if (!wrapper) return [];
  const seq = wrapper.tag === 0x30 ? wrapper : childrenOf(wrapper)[0];
  if (!seq) return [];
  return childrenOf(seq).map((ext) => {
    const value = childrenOf(ext).find((t) => t.tag === 0x04);
    if (!value) throw new DerError("an Extension has no extnValue", ext.offset);
    return value.contents;
  });
}
