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
 * The fallback where a module refuses the full key-pair template. tpm2-pkcs11 answers it with
 * CKR_GENERAL_ERROR ("User specified and TPM specified attr mismatch"): a TPM key has one
 * decrypt flag and one sign/encrypt flag, and the module reports the public half's CKA_VERIFY as
 * the decrypt flag and its CKA_ENCRYPT as the sign/encrypt flag, so no public template can say
 * VERIFY true and ENCRYPT false for a key that may only sign. The minimal template leaves the
 * public half's usage to the module and keeps every limit of the private half, which holds the
 * secret; what the module made is read back and checked against SIGNING_KEY_POLICY (key-policy.ts).
 */
export function minimalSigningKeyPairTemplates(label: string, id: Buffer): { publicTemplate: Attribute[]; privateTemplate: Attribute[] } {
  const common: Attribute[] = [
    { type: CKA.TOKEN, value: true },
    { type: CKA.LABEL, value: label },
    { type: CKA.ID, value: id },
  ];
  return {
    publicTemplate: common,
    privateTemplate: signingKeyPairTemplates(label, id).privateTemplate,
  };
}

/**
 * What a signing key pair must be, whatever template made it (purpose binding, docs/architecture.md).
 * The private half holds the secret: it may only sign and never leaves the token. Of the public
 * half only WRAP is required false (no token key may be exported wrapped to it); its VERIFY and
 * ENCRYPT are recorded, not required: signatures are verified on the host, encrypting to a public
 * key gives nothing anyone holding the certificate could not do, and the private half may not
 * decrypt or unwrap. (On tpm2-pkcs11 the public half of a sign-only key reads !VERIFY ENCRYPT.)
 */
export const SIGNING_KEY_POLICY = {
  private: { PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, NEVER_EXTRACTABLE: true, SIGN: true, DECRYPT: false, UNWRAP: false, DERIVE: false },
  public: { WRAP: false },
} as const;

/** A signing key pair's attributes recorded in the transcript besides the required ones. */
export const SIGNING_KEY_RECORDED = { public: ["VERIFY", "ENCRYPT"] } as const;

/** The usage attributes a secret key's minimal template leaves out when the full one says `false`. */
const USAGE_LIMITS = new Set<number>([CKA.ENCRYPT, CKA.DECRYPT, CKA.WRAP, CKA.UNWRAP, CKA.SIGN, CKA.VERIFY, CKA.DERIVE]);

/**
 * A secret key's minimal template (KEK, escrow transport key, KCV probe): the full one without its
 * explicit `false` usage limits, the attributes a module is likeliest to refuse for an AES key
 * (CKR_ATTRIBUTE_TYPE_INVALID, CKR_TEMPLATE_INCONSISTENT). What must be true stays, and so do CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE and
 * CKA_EXTRACTABLE. The key made is then checked against the full template's values (key-policy.ts):
 * a module whose defaults allow more (SoftHSM2 and NSS softokn default to encrypt, sign, …) is refused.
 */
export function minimalSecretKeyAttributes(full: Attribute[]): Attribute[] {
  return full.filter((a) => !(USAGE_LIMITS.has(a.type) && a.value === false));
}

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
