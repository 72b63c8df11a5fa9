/** Plain data crossing the worker boundary and the HSM layer's public surface. */
import type { SigningAlgorithm } from "../signer.ts";

export type KeyPairAlgorithm = SigningAlgorithm;
export type SecretKeyAlgorithm = "AES-256";
export type KeyAlgorithm = KeyPairAlgorithm | SecretKeyAlgorithm;

/**
 * What a key is for; the HSM attributes follow from it (purpose binding):
 * signing keys sign only, KEKs wrap and unwrap only.
 */
export type KeyPurpose = "ca-signing" | "transcript-signing" | "signing" | "kek";

export type SignMechanism =
  | "ECDSA-SHA256"
  | "ECDSA-SHA384"
  | "RSA-PKCS1-SHA256"
  | "RSA-PKCS1-SHA384"
  | "RSA-PSS-SHA256"
  | "RSA-PSS-SHA384"
  | "EdDSA";

export interface TokenFlags {
  initialized: boolean;
  loginRequired: boolean;
  userPinInitialized: boolean;
  userPinCountLow: boolean;
  userPinFinalTry: boolean;
  userPinLocked: boolean;
  soPinCountLow: boolean;
  soPinFinalTry: boolean;
  soPinLocked: boolean;
}

export interface TokenInfo {
  /** Slot IDs change between runs: shown for diagnosis only, never used to choose a token. */
  slotId: string;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  firmware: string;
  hardware: string;
  flags: TokenFlags;
}

export interface TokenSelector {
  label: string;
  /** Required when two tokens share a label. */
  serial?: string;
  /** From a PKCS#11 URI (pkcs11-uri.ts): the token must also have this model / manufacturer. */
  model?: string;
  manufacturer?: string;
}

export type ObjectClass = "public" | "private" | "secret";

export interface ObjectSummary {
  handle: string;
  class: ObjectClass;
  label: string;
  /** CKA_ID as lowercase hex. */
  id: string;
  keyType: "RSA" | "EC" | "EC_EDWARDS" | "AES" | "OTHER";
  token: boolean;
}

export interface KeyPairInfo {
  label: string;
  id: string;
  algorithm: KeyPairAlgorithm;
  purpose: KeyPurpose;
  privateHandle: string;
  publicHandle: string;
  spki: Buffer;
  spkiSha256: string;
  /** "minimal" when the token refused our full template and the minimal one was used (then checked). */
  template: "full" | "minimal";
  /** The attributes the token reports for the new keys, e.g. "private: PRIVATE SENSITIVE !EXTRACTABLE …". */
  effectiveAttributes: string;
}

export interface SecretKeyInfo {
  label: string;
  id: string;
  algorithm: SecretKeyAlgorithm;
  purpose: "kek" | "escrow-transport" | "kcv-probe";
  handle: string;
  escrowable: boolean;
  /** KCV-ECB0 as uppercase hex, 3 bytes; null where the token has no CKA_CHECK_VALUE and the key may not encrypt. */
  kcvEcb0: string | null;
  /** Where kcvEcb0 came from: the token's CKA_CHECK_VALUE, or AES-ECB of a zero block via C_Encrypt (probes only). */
  kcvSource: "CKA_CHECK_VALUE" | "C_Encrypt" | null;
  /** "minimal" when the token refused our full template and the minimal one was used (then checked, key-policy.ts). */
  template: "full" | "minimal";
  /** The attributes the token reports for the new key, e.g. "!TOKEN PRIVATE SENSITIVE !EXTRACTABLE WRAP UNWRAP !ENCRYPT …". */
  effectiveAttributes: string;
}

export interface KeyCheckValues {
  kcvEcb0: string;
  kcvCmac: string;
}

export interface GenerateKeyPairRequest {
  label: string;
  algorithm: KeyPairAlgorithm;
  purpose: Exclude<KeyPurpose, "kek">;
}

export interface GenerateSecretKeyRequest {
  label: string;
  /** Allow export wrapped under another key (escrow); never in plaintext. */
  escrowable: boolean;
}
