/**
 * PKCS#11 attribute templates: what each kind of key may do (purpose binding). The token
 * enforces these; tests read them back.
 */
import type pkcs11js from "pkcs11js";
import { CKA } from "./constants.ts";

type Attribute = pkcs11js.Attribute;

/** A signing key pair: the private key only signs (never decrypts, unwraps or derives), the public key only verifies. */
export function signingKeyPairTemplates(label: string, id: Buffer): { publicTemplate: Attribute[]; privateTemplate: Attribute[] } {
  const common: Attribute[] = [
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: id },
  ];
  // Purpose binding: a signing key can only sign (and its public half only verify).
  const publicTemplate: Attribute[] = [
    ...common,
    { type: CKA.PRIVATE, value: false },
    { type: CKA.VERIFY, value: true },
    { type: CKA.ENCRYPT, value: false },
    { type: CKA.WRAP, value: false },
  ];
  const privateTemplate: Attribute[] = [
    ...common,
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    { type: CKA.SIGN, value: true },
    { type: CKA.DECRYPT, value: false },
    { type: CKA.UNWRAP, value: false },
    { type: CKA.DERIVE, value: false },
  ];
  return { publicTemplate, privateTemplate };
}

/** A KEK: wraps and unwraps only; extractable only wrapped, and only when escrowable. */
export function kekAttributes(escrowable: boolean, token: boolean): Attribute[] {
  return [
    { type: CKA.TOKEN, value: token },
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: escrowable },
    { type: CKA.WRAP, value: true },
    { type: CKA.UNWRAP, value: true },
    { type: CKA.ENCRYPT, value: false },
    { type: CKA.DECRYPT, value: false },
    { type: CKA.SIGN, value: false },
    { type: CKA.VERIFY, value: false },
    { type: CKA.DERIVE, value: false },
  ];
}

/** A session "KCV probe": may encrypt and MAC (to compute KCVs), never wrap. */
export function probeAttributes(): Attribute[] {
  return [
    { type: CKA.TOKEN, value: false },
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    { type: CKA.WRAP, value: false },
    { type: CKA.UNWRAP, value: false },
    { type: CKA.ENCRYPT, value: true },
    { type: CKA.DECRYPT, value: false },
    { type: CKA.SIGN, value: true },
    { type: CKA.VERIFY, value: false },
    { type: CKA.DERIVE, value: false },
  ];
}

/**
 * The fallback for tokens that refuse explicit `false` usage attributes (tpm2-pkcs11 answers
 * CKR_GENERAL_ERROR): only what must be true, and the private key's secrecy. What the token then
 * made is read back and checked against SIGNING_KEY_POLICY before it is used.
 */
export function minimalSigningKeyPairTemplates(label: string, id: Buffer): { publicTemplate: Attribute[]; privateTemplate: Attribute[] } {
  const common: Attribute[] = [
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: id },
  ];
  return {
    publicTemplate: [...common, { type: CKA.VERIFY, value: true }],
    privateTemplate: [
      ...common,
      { type: CKA.PRIVATE, value: true },
      { type: CKA.SENSITIVE, value: true },
      { type: CKA.EXTRACTABLE, value: false },
      { type: CKA.SIGN, value: true },
    ],
  };
}

/** What a signing key pair must be, whatever template made it (purpose binding, docs/architecture.md). */
export const SIGNING_KEY_POLICY = {
  private: { PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, NEVER_EXTRACTABLE: true, SIGN: true, DECRYPT: false, UNWRAP: false, DERIVE: false },
  public: { VERIFY: true, ENCRYPT: false, WRAP: false },
} as const;

/** Token answers that mean "not this template", after which the minimal template is tried. */
export const TEMPLATE_REFUSALS: ReadonlySet<string> = new Set([
  "CKR_TEMPLATE_INCONSISTENT",
  "CKR_ATTRIBUTE_VALUE_INVALID",
  "CKR_ATTRIBUTE_TYPE_INVALID",
  "CKR_GENERAL_ERROR",
]);

/** Attribute names whose effective value differs from the policy (unreadable counts as differing). */
export function policyViolations(policy: Record<string, boolean>, effective: Record<string, boolean | null>): string[] {
  return Object.entries(policy)
    .filter(([name, want]) => effective[name] !== want)
    .map(([name, want]) => `${name} is ${effective[name] === null ? "unreadable" : String(effective[name])}, must be ${String(want)}`);
}

/** Effective attributes as one line for the transcript, e.g. "PRIVATE SENSITIVE !EXTRACTABLE SIGN !DECRYPT". */
export function describeAttributes(effective: Record<string, boolean | null>): string {
  return Object.entries(effective)
    .map(([name, v]) => (v === null ? `${name}?` : v ? name : `!${name}`))
    .join(" ");
}
