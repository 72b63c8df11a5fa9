/** Fingerprints and key identifiers. */
import { createHash } from "node:crypto";
import { childrenOf, readSingleTlv } from "./der-reader.ts";

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Key identifier by RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the
 * subjectPublicKey BIT STRING value (without tag, length and unused-bits octet). Chosen over
 * RFC 5280 §4.2.1.2 method 1 so that no SHA-1 is computed, at the same 20-octet length that
 * other software expects. BR §7.1.2.11.4 allows any method that is unique per key.
 */
export function keyIdentifierForSpki(spki: Uint8Array): Buffer {
  const [, subjectPublicKey] = childrenOf(readSingleTlv(Buffer.from(spki)));
  if (!subjectPublicKey || subjectPublicKey.tag !== 0x03) throw new RangeError("keyIdentifierForSpki: not a SubjectPublicKeyInfo");
  return createHash("sha256").update(subjectPublicKey.contents.subarray(1)).digest().subarray(0, 20);
}
