/** Plain data of the capability preflight crossing the worker boundary (preflight-probes.ts). */

/** CK_MECHANISM_INFO as the token reports it: key sizes in the unit the mechanism uses (bits or bytes). */
export interface MechanismInfo {
  mechanism: number;
  minKeySize: number;
  maxKeySize: number;
  flags: number;
}

/**
 * Known-answer tests, each on session objects destroyed before the probe returns:
 * - wrap-kwp / wrap-pad: an AES-256 key wrapped under 0x210B (CKM_AES_KEY_WRAP_KWP) / 0x210A, compared
 *   with RFC 5649 as OpenSSL computes it, and the RFC 5649 §6 vector (reported, see preflight-probes.ts);
 * - kek-template: an AES-256 key generated with the KEK template (session copy);
 * - secret-import: an AES-256 key created from bytes (escrow transport key, KCV probe);
 * - check-value: CKA_CHECK_VALUE of that key read back;
 * - kcv-mechanisms: AES-ECB and AES-CMAC of a zero block with that key, compared with FIPS 197 / SP 800-38B;
 * - sign-EC-P256 / sign-EC-P384: a key pair made with the signing-key template, signing checked on the host;
 * - destroy: a session object destroyed and gone.
 */
export type KatName =
  | "wrap-kwp"
  | "wrap-pad"
  | "kek-template"
  | "secret-import"
  | "check-value"
  | "kcv-mechanisms"
  | "sign-EC-P256"
  | "sign-EC-P384"
  | "destroy";

export interface KatResult {
  name: KatName;
  outcome: "passed" | "failed" | "needs-login";
  /** What was seen: the CKR_ code of the refusal, the bytes that differed, or a note on a pass. */
  detail: string;
}

export interface ProbeRequest {
  tests: KatName[];
  /** Whether a user is logged in: test objects are then private, exactly as the ceremony makes them. */
  loggedIn: boolean;
}

export interface ProbeResult {
  mechanisms: number[];
  info: MechanismInfo[];
  tests: KatResult[];
}
