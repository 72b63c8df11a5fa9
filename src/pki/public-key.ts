/**
 * What kind of public key a SubjectPublicKeyInfo holds, restricted to the keys this tool signs
 * with or certifies: P-256, P-384, RSA 2048–8192 bits and Ed25519.
 * Encodings follow CA/B BR §7.1.3.1 (RSA parameters an explicit NULL, ECDSA a namedCurve) and
 * RFC 8410 §3 (Ed25519 parameters absent).
 */
import { createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { OID } from "./oids.ts";
import { algorithmIdentifierParts } from "./algorithm-identifier.ts";
import { childrenOf, readSingleTlv } from "./der-reader.ts";

export type PublicKeyKind = "EC-P256" | "EC-P384" | "RSA" | "Ed25519";

export interface PublicKeyDescription {
  readonly kind: PublicKeyKind;
  /** "EC-P256", "EC-P384", "Ed25519" or "RSA-<modulus bits>". */
  readonly label: string;
  readonly rsaModulusBits?: number;
  readonly keyObject: KeyObject;
}

export type DescribeResult = { ok: true; key: PublicKeyDescription } | { ok: false; reason: string };

const RSA_MIN_BITS = 2048;
/** Larger moduli buy nothing and make verification of hostile input slow. */
const RSA_MAX_BITS = 8192;
/** BR §6.1.6: the exponent is an odd number ≥ 3; above 2^256 − 1 it only slows verification. */
const RSA_MAX_EXPONENT = (1n << 256n) - 1n;

const NULL_PARAMS = "0500";
const CURVE_PARAMS: Record<string, "EC-P256" | "EC-P384"> = {
  "06082a8648ce3d030107": "EC-P256",
  "06052b81040022": "EC-P384",
};

export function describePublicKey(spki: Uint8Array): DescribeResult {
  let oid: string;
  let params: string | undefined;
  try {
    const [algorithm, key, extra] = childrenOf(readSingleTlv(Buffer.from(spki)));
    if (!algorithm || !key || key.tag !== 0x03 || extra) throw new Error("not a SubjectPublicKeyInfo");
    ({ oid, paramsHex: params } = algorithmIdentifierParts(algorithm.bytes));
  } catch {
    return { ok: false, reason: "the SubjectPublicKeyInfo is not valid DER" };
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    return { ok: false, reason: "the public key bytes do not decode (for EC, the point must be on the curve)" };
  }
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (oid) {
    case OID.rsaEncryption: {
      if (params !== NULL_PARAMS) return { ok: false, reason: "an RSA key's algorithm parameters must be an explicit NULL (BR §7.1.3.1.1)" };
      const bits = details.modulusLength ?? 0;
      const exponent = details.publicExponent ?? 0n;
      if (bits < RSA_MIN_BITS) return { ok: false, reason: `RSA-${bits} is too small; RSA keys must have at least ${RSA_MIN_BITS} bits (BR §6.1.5)` };
      if (bits > RSA_MAX_BITS) return { ok: false, reason: `RSA-${bits} is larger than the ${RSA_MAX_BITS} bits this tool accepts` };
      if (bits % 8 !== 0) return { ok: false, reason: `an RSA modulus of ${bits} bits is not a multiple of 8 (BR §6.1.5)` };
      if (exponent < 3n || exponent % 2n === 0n || exponent > RSA_MAX_EXPONENT) {
        return { ok: false, reason: "the RSA public exponent must be odd, at least 3 and below 2^256 (BR §6.1.6)" };
      }
      return { ok: true, key: { kind: "RSA", label: `RSA-${bits}`, rsaModulusBits: bits, keyObject } };
    }
    case OID.ecPublicKey: {
      const curve = params ? CURVE_PARAMS[params] : undefined;
      if (!curve) return { ok: false, reason: "only the named curves P-256 and P-384 are accepted for EC keys (BR §7.1.3.1.2)" };
      return { ok: true, key: { kind: curve, label: curve, keyObject } };
    }
    case OID.ed25519:
      if (params !== undefined) return { ok: false, reason: "an Ed25519 key's algorithm parameters must be absent (RFC 8410 §3)" };
      return { ok: true, key: { kind: "Ed25519", label: "Ed25519", keyObject } };
    case OID.rsassaPss:
      return { ok: false, reason: "RSASSA-PSS keys (id-RSASSA-PSS) are not accepted; use an rsaEncryption key (BR §7.1.3.1.1)" };
    default:
      return { ok: false, reason: `the key algorithm ${oid} is not one of P-256, P-384, RSA or Ed25519` };
  }
}
