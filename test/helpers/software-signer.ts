/**
 * A Signer backed by a node:crypto private key, for tests only. It follows the Signer contract
 * exactly: it hashes with the requested digest itself (ignored for Ed25519) and returns ECDSA
 * signatures as DER SEQUENCE { r, s }, RSA as PKCS #1 v1.5 bytes, Ed25519 as 64 raw bytes.
 */
import { generateKeyPair, randomBytes, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { DigestAlgorithm, Signer, SigningAlgorithm } from "../../src/signer.ts";

const generate = promisify(generateKeyPair);

export interface SoftwareSigner extends Signer {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const NODE_DIGEST: Record<DigestAlgorithm, string> = { "SHA-256": "sha256", "SHA-384": "sha384" };

async function generateKeys(algorithm: SigningAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (algorithm) {
    case "EC-P256":
      return generate("ec", { namedCurve: "P-256" });
    case "EC-P384":
      return generate("ec", { namedCurve: "P-384" });
    case "RSA-3072":
      return generate("rsa", { modulusLength: 3072, publicExponent: 65537 });
    case "RSA-4096":
      return generate("rsa", { modulusLength: 4096, publicExponent: 65537 });
    case "Ed25519":
      return generate("ed25519");
  }
}

/** Generates a fresh key of `algorithm` (RSA-4096 takes a second or so). */
export async function createSoftwareSigner(algorithm: SigningAlgorithm): Promise<SoftwareSigner> {
  const { privateKey, publicKey } = await generateKeys(algorithm);
  return softwareSignerFromKeys(algorithm, privateKey, publicKey);
}

/** Wraps an existing key pair; `spki` is always derived from `publicKey`. */
export function softwareSignerFromKeys(algorithm: SigningAlgorithm, privateKey: KeyObject, publicKey: KeyObject): SoftwareSigner {
  const spki = publicKey.export({ format: "der", type: "spki" });
  return {
    algorithm,
    spki,
    privateKey,
    publicKey,
    async sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Buffer> {
      if (algorithm === "Ed25519") return sign(null, data, privateKey);
      if (algorithm.startsWith("EC-")) return sign(NODE_DIGEST[digest], data, { key: privateKey, dsaEncoding: "der" });
      return sign(NODE_DIGEST[digest], data, privateKey);
    },
  };
}

/** A `random(n)` over node:crypto, standing in for the HSM's generator. */
export async function softwareRandom(length: number): Promise<Buffer> {
  return randomBytes(length);
}
