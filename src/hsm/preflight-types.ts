/** Plain data of the capability preflight crossing the worker boundary (preflight-probes.ts). */

/** CK_MECHANISM_INFO as the token reports it: key sizes in the unit the mechanism uses (bits or bytes). */
export interface MechanismInfo {
  mechanism: number;
  minKeySize: number;
  maxKeySize: number;
  flags: number;
}

/** The wrap known-answer test of each mechanism in the RFC 5649 table (key-wrap-choice.ts WRAP_MECHANISMS). */
export type WrapKatName = "wrap-kwp" | "wrap-pad" | "wrap-luna-kwp" | "wrap-cloudhsm-zero-pad";

/**
 * Known-answer tests, each on session objects destroyed before the probe returns:
 * - wrap-*: an AES-256 key wrapped under one mechanism of the RFC 5649 table (0x210B, 0x210A, the
 *   vendor numbers), compared with RFC 5649 as OpenSSL computes it, and the RFC 5649 §6 vector
 *   (reported, see key-wrap-choice.ts);
 * - unwrap-kcv: the same AES-256 vector unwrapped, with the mechanism the wrap tests chose, under an
 *   escrow transport key made as the trial recovery makes it, into a KCV probe with the trial
 *   recovery's template; its KCVs compared with the vector key's;
 * - kek-template: an AES-256 key generated with the KEK template (session copy);
 * - secret-import: an AES-256 key created from bytes (escrow transport key, KCV probe);
 * - check-value: CKA_CHECK_VALUE of that key read back;
 * - kcv-mechanisms: AES-ECB and AES-CMAC of a zero block with that key, compared with FIPS 197 / SP 800-38B;
 * - sign-EC-P256 / sign-EC-P384: a key pair made with the signing-key template, signing checked on the host;
 * - destroy: the least-privileged object the token makes (a session data object, else an AES key
 *   that may do nothing) destroyed and gone.
 */
export type KatName =
  | WrapKatName
  | "unwrap-kcv"
  | "kek-template"
  | "secret-import"
  | "check-value"
  | "kcv-mechanisms"
  | "sign-EC-P256"
  | "sign-EC-P384"
  | "destroy";

export interface KatResult {
  name: KatName;
  /** not-possible: the token made no test object for it (for a reason other than a missing login). */
  outcome: "passed" | "failed" | "needs-login" | "not-possible";
  /** What was seen: the CKR_ code of the refusal, the bytes that differed, or a note on a pass. */
  detail: string;
}

/** A test object the preflight could not destroy (C_DestroyObject refused it). */
export interface LeftObject {
  /** Its CKA_LABEL (every test object carries one: ceremony-preflight-…, ceremony-wrap-test-…). */
  label: string;
  /** e.g. "session AES key", "token EC private key". */
  what: string;
  /** What C_DestroyObject answered. */
  code: string;
  /** A token object stays on the token; a session object ends with the preflight's session. */
  token: boolean;
}

/** One wrap known-answer test (key-wrap-choice.ts knownAnswerTest). */
export interface KatRun {
  outcome: "matched" | "differs" | "not-possible";
  /** The token's answer where it refused (C_CreateObject: not possible; C_WrapKey: differs). */
  code?: string;
  /** Length of what the token gave, where it gave something else. */
  length?: number;
}

/** What one listed wrap mechanism did: the escrow's shape decides, the RFC 5649 §6 vector is reported. */
export interface WrapEvidence {
  mechanism: number;
  shape: KatRun;
  rfc: KatRun;
}

export interface ProbeRequest {
  /** In order; the wrap tests run before unwrap-kcv, which unwraps with the mechanism they chose. */
  tests: KatName[];
  /** Whether a user is logged in: test objects are then private, exactly as the ceremony makes them. */
  loggedIn: boolean;
}

export interface ProbeResult {
  mechanisms: number[];
  info: MechanismInfo[];
  tests: KatResult[];
  /** The evidence of each wrap mechanism tested, for the same decision the escrow step makes (key-wrap-choice.ts decideWrap). */
  wrap: WrapEvidence[];
  /** Test objects left behind because C_DestroyObject refused them. */
  left: LeftObject[];
}
