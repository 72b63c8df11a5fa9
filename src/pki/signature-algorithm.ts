/**
 * The signature algorithm this tool uses for each issuer key, and signature verification.
 * Encodings are the exact bytes CA/B BR §7.1.3.2 requires: RSA with SHA-256 and an explicit NULL
 * (RFC 4055 §5), ECDSA with the curve's hash and absent parameters (RFC 5758 §3.2), Ed25519 with
 * absent parameters (RFC 8410 §3).
 */
import { verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { DigestAlgorithm, SigningAlgorithm } from "../signer.ts";
import { OID } from "./oids.ts";
import type { PublicKeyDescription, PublicKeyKind } from "./public-key.ts";

export interface SignatureAlgorithm {
  readonly oid: string;
  readonly name: string;
  /** The DER AlgorithmIdentifier, byte for byte as BR §7.1.3.2 lists it. */
  readonly der: Buffer;
  /** Passed to Signer.sign; ignored for Ed25519. */
  readonly digest: DigestAlgorithm;
  /** node:crypto digest name, or null for Ed25519. */
  readonly nodeDigest: "sha256" | "sha384" | "sha512" | null;
}

const ALGORITHMS = {
  sha256WithRSAEncryption: { oid: OID.sha256WithRSAEncryption, name: "sha256WithRSAEncryption", der: "300d06092a864886f70d01010b0500", digest: "SHA-256", nodeDigest: "sha256" },
  ecdsaWithSha256: { oid: OID.ecdsaWithSha256, name: "ecdsa-with-SHA256", der: "300a06082a8648ce3d040302", digest: "SHA-256", nodeDigest: "sha256" },
  ecdsaWithSha384: { oid: OID.ecdsaWithSha384, name: "ecdsa-with-SHA384", der: "300a06082a8648ce3d040303", digest: "SHA-384", nodeDigest: "sha384" },
  ed25519: { oid: OID.ed25519, name: "Ed25519", der: "300506032b6570", digest: "SHA-256", nodeDigest: null },
} as const;

function build(a: (typeof ALGORITHMS)[keyof typeof ALGORITHMS]): SignatureAlgorithm {
  return { oid: a.oid, name: a.name, der: Buffer.from(a.der, "hex"), digest: a.digest, nodeDigest: a.nodeDigest };
}

/** The algorithm an issuer key of this kind signs with (BR §7.1.3.2.1, §7.1.3.2.2). */
export function signatureAlgorithmForKey(kind: PublicKeyKind): SignatureAlgorithm {
  switch (kind) {
    case "EC-P256":
      return build(ALGORITHMS.ecdsaWithSha256);
    case "EC-P384":
      return build(ALGORITHMS.ecdsaWithSha384);
    case "RSA":
      return build(ALGORITHMS.sha256WithRSAEncryption);
    case "Ed25519":
      return build(ALGORITHMS.ed25519);
  }
}

/** Whether a Signer's declared algorithm agrees with the key its SPKI holds. */
export function signerAlgorithmMatchesKey(algorithm: SigningAlgorithm, key: PublicKeyDescription): boolean {
  switch (algorithm) {
    case "EC-P256":
    case "EC-P384":
    case "Ed25519":
      return key.kind === algorithm;
    case "RSA-3072":
      return key.kind === "RSA" && key.rsaModulusBits === 3072;
    case "RSA-4096":
      return key.kind === "RSA" && key.rsaModulusBits === 4096;
  }
}

/**
 * Signature algorithms this package verifies (CSR self-signatures, and its own output), by
 * OID, with the key kinds each may go with. A CSR's self-signature only proves possession, so
 * any SHA-2 hash is accepted with either curve (OpenSSL signs P-384 requests with SHA-256 by
 * default); SHA-1 and PSS are refused.
 */
export const SIGNATURE_ALGORITHMS_BY_OID: Readonly<Record<string, { name: string; keyKinds: readonly PublicKeyKind[]; nodeDigest: SignatureAlgorithm["nodeDigest"]; rsaParams: boolean }>> = {
  [OID.sha256WithRSAEncryption]: { name: "sha256WithRSAEncryption", keyKinds: ["RSA"], nodeDigest: "sha256", rsaParams: true },
  [OID.sha384WithRSAEncryption]: { name: "sha384WithRSAEncryption", keyKinds: ["RSA"], nodeDigest: "sha384", rsaParams: true },
  [OID.sha512WithRSAEncryption]: { name: "sha512WithRSAEncryption", keyKinds: ["RSA"], nodeDigest: "sha512", rsaParams: true },
  [OID.ecdsaWithSha256]: { name: "ecdsa-with-SHA256", keyKinds: ["EC-P256", "EC-P384"], nodeDigest: "sha256", rsaParams: false },
  [OID.ecdsaWithSha384]: { name: "ecdsa-with-SHA384", keyKinds: ["EC-P256", "EC-P384"], nodeDigest: "sha384", rsaParams: false },
  [OID.ecdsaWithSha512]: { name: "ecdsa-with-SHA512", keyKinds: ["EC-P256", "EC-P384"], nodeDigest: "sha512", rsaParams: false },
  [OID.ed25519]: { name: "Ed25519", keyKinds: ["Ed25519"], nodeDigest: null, rsaParams: false },
};

/**
 * Verifies an X.509 signature value (ECDSA as DER SEQUENCE {r, s}, RSA PKCS #1 v1.5, Ed25519
 * raw). Returns false, never throws, for a malformed signature.
 */
export function verifySignature(key: KeyObject, nodeDigest: SignatureAlgorithm["nodeDigest"], data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(nodeDigest, data, key.asymmetricKeyType === "ec" ? { key, dsaEncoding: "der" } : key, signature);
  } catch {
    return false;
  }
}
