/**
 * Public keys as the HSM reports them (CKA_EC_POINT, CKA_MODULUS/CKA_PUBLIC_EXPONENT) turned into
 * DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), and ECDSA signatures between PKCS#11's raw r‖s
 * (PKCS#11 v2.40 §2.3.1) and the DER SEQUENCE { r, s } of RFC 3279 §2.2.3. The DER is the
 * project's one DER module (src/common/der-*.ts), as the certificate code uses.
 */
import { createHash, createPublicKey } from "node:crypto";
import { readSingleTlv, TAG, type Tlv } from "../common/der-reader.ts";
import { encodeInteger, encodeSequence } from "../common/der-writer.ts";
import { derToPem } from "../common/pem.ts";
import type { KeyPairAlgorithm } from "./types.ts";

const CURVE_BYTES = { "EC-P256": 32, "EC-P384": 48 } as const;

/** CKA_EC_POINT is a DER OCTET STRING around the point; some modules return the bare point. */
export function unwrapEcPoint(value: Buffer, pointLength: number): Buffer {
  if (value.length === pointLength) return value;
  let octetString: Tlv<Buffer>;
  try {
    octetString = readSingleTlv(value);
  } catch (e) {
    throw new RangeError(`CKA_EC_POINT: not an OCTET STRING (${(e as Error).message})`);
  }
  if (octetString.tag !== TAG.OCTET_STRING) throw new RangeError("CKA_EC_POINT: not an OCTET STRING");
  if (octetString.contents.length !== pointLength) {
    throw new RangeError(`CKA_EC_POINT: expected a ${pointLength}-byte point, got ${octetString.contents.length}`);
  }
  return octetString.contents;
}

export function spkiFromEcPoint(algorithm: "EC-P256" | "EC-P384", ecPoint: Buffer): Buffer {
  const n = CURVE_BYTES[algorithm];
  const point = unwrapEcPoint(ecPoint, 1 + 2 * n);
  if (point[0] !== 0x04) throw new RangeError("CKA_EC_POINT: only uncompressed points are supported");
  const jwk = {
    kty: "EC",
    crv: algorithm === "EC-P256" ? "P-256" : "P-384",
    x: point.subarray(1, 1 + n).toString("base64url"),
    y: point.subarray(1 + n).toString("base64url"),
  };
  return createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" });
}

export function spkiFromEdwardsPoint(ecPoint: Buffer): Buffer {
  const x = unwrapEcPoint(ecPoint, 32);
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }, format: "jwk" }).export({
    type: "spki",
    format: "der",
  });
}

export function spkiFromRsa(modulus: Buffer, exponent: Buffer): Buffer {
  const jwk = { kty: "RSA", n: stripZeros(modulus).toString("base64url"), e: stripZeros(exponent).toString("base64url") };
  return createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" });
}

export function spkiSha256(spki: Buffer): string {
  return createHash("sha256").update(spki).digest("hex");
}

export function spkiToPem(spki: Uint8Array): string {
  return derToPem(spki, "PUBLIC KEY");
}

export function algorithmOfSpki(spki: Buffer): KeyPairAlgorithm {
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "ec":
      if (details.namedCurve === "prime256v1") return "EC-P256";
      if (details.namedCurve === "secp384r1") return "EC-P384";
      break;
    case "rsa":
      if (details.modulusLength === 3072) return "RSA-3072";
      if (details.modulusLength === 4096) return "RSA-4096";
      break;
    case "ed25519":
      return "Ed25519";
  }
  throw new RangeError(`unsupported public key: ${key.asymmetricKeyType} ${JSON.stringify(details)}`);
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** raw r‖s (each half the length) → DER SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 §2.2.3). */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length % 2 !== 0 || raw.length === 0) throw new RangeError("ECDSA signature: odd length");
  const half = raw.length / 2;
  const sequence = encodeSequence(encodeInteger(unsignedOf(raw.subarray(0, half))), encodeInteger(unsignedOf(raw.subarray(half))));
  return Buffer.from(sequence.buffer, sequence.byteOffset, sequence.byteLength);
}

function unsignedOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}
