/**
 * A private key that can sign, wherever it lives. In a ceremony it is a key in the HSM
 * (src/hsm/hsm-signer.ts); in unit tests it may be a node:crypto key. PKI building and
 * transcript signing depend only on this shape, so they never see PKCS#11.
 */
export type SigningAlgorithm = "EC-P256" | "EC-P384" | "RSA-3072" | "RSA-4096" | "Ed25519";
export type DigestAlgorithm = "SHA-256" | "SHA-384";

export interface Signer {
  readonly algorithm: SigningAlgorithm;
  /** DER SubjectPublicKeyInfo of the signing key. */
  readonly spki: Buffer;
  /**
   * Signs `data`. The signer hashes `data` with `digest` itself (ignored for Ed25519) and returns
   * the signature in its X.509 form: ECDSA as DER SEQUENCE { r, s }, RSA as PKCS#1 v1.5
   * signature bytes, Ed25519 as the 64 raw bytes.
   */
  sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Buffer>;
}
