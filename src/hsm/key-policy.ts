/**
 * Making a key whose template a module may refuse: the full template first; where the module
 * answers that it refuses the template (TEMPLATE_REFUSALS), the minimal one. Whichever made the
 * key, its attributes are read back and the key is kept only when the effective policy is what
 * the ceremony requires (private, sensitive, extractable only where it must be wrapped, purpose
 * flags); otherwise it is destroyed and HSM_KEY_POLICY_WEAKER is thrown. Used by the backend for
 * every key it makes (key pairs, KEKs, session keys) and by the preflight's known-answer tests, so
 * that the preflight passes only what the ceremony will keep.
 */
import type pkcs11js from "pkcs11js";
import { CKA } from "./constants.ts";
import { HsmError, toHsmError } from "./errors.ts";
import { describeAttributes, policyViolations, TEMPLATE_REFUSALS } from "./templates.ts";

type Handle = Buffer;
type Attribute = pkcs11js.Attribute;
export type AttributeName = keyof typeof CKA;
export type TemplateChoice = "full" | "minimal";

/** Per part of the key ("key" for a secret key; "private" and "public" for a pair): attribute → required value. */
export type KeyPolicy = Record<string, Partial<Record<AttributeName, boolean>>>;

export interface PolicyModule {
  C_GetAttributeValue: pkcs11js.PKCS11["C_GetAttributeValue"];
  C_DestroyObject: pkcs11js.PKCS11["C_DestroyObject"];
}

export interface MadeKey {
  /** The new objects by part, as the policy names them. */
  handles: Record<string, Handle>;
  template: TemplateChoice;
  /** Effective attributes by part, as read back. */
  effective: Record<string, Record<string, boolean | null>>;
  /** The same as one line for the transcript, e.g. "private: PRIVATE SENSITIVE !EXTRACTABLE …; public: …". */
  effectiveAttributes: string;
  /** The module's answer to the full template, when the minimal one was used. */
  refusedWith?: string;
}

/** The cause of HSM_KEY_POLICY_WEAKER: which template made the key, and what fell short (for the preflight's table). */
export class WeakerThanRequired extends Error {
  constructor(
    readonly template: TemplateChoice,
    readonly violations: string[],
  ) {
    super(`${template} template: ${violations.join("; ")}`);
    this.name = "WeakerThanRequired";
  }
}

const ATTRIBUTE_NAMES = new Map<number, AttributeName>(Object.entries(CKA).map(([name, type]) => [type, name as AttributeName]));

/** The boolean attributes of a template as a policy part: what the full template asks is what is required. */
export function policyOf(template: Attribute[]): Partial<Record<AttributeName, boolean>> {
  const out: Partial<Record<AttributeName, boolean>> = {};
  for (const a of template) {
    const name = ATTRIBUTE_NAMES.get(a.type);
    if (name && typeof a.value === "boolean") out[name] = a.value;
  }
  return out;
}

/**
 * Boolean attributes one at a time where the module does not know one, so that it reads as null
 * (unreadable, which the policy counts as not met) instead of failing all.
 */
export function readBooleans(module: PolicyModule, session: Handle, handle: Handle, names: AttributeName[]): Record<string, boolean | null> {
  const value = (v: Buffer | undefined): boolean | null => (v && v.length ? v[0] === 1 : null);
  try {
    // One call where the token knows every attribute (SoftHSM2, NSS softokn); one per attribute where it does not.
    const attrs = module.C_GetAttributeValue(session, handle, names.map((n) => ({ type: CKA[n] })));
    return Object.fromEntries(names.map((n, i) => [n, value(attrs[i]?.value as Buffer | undefined)]));
  } catch (e) {
    const err = toHsmError(e, "C_GetAttributeValue");
    if (err.code !== "CKR_ATTRIBUTE_TYPE_INVALID" && err.code !== "CKR_ATTRIBUTE_SENSITIVE") throw err;
  }
  const out: Record<string, boolean | null> = {};
  for (const name of names) {
    try {
      const [attr] = module.C_GetAttributeValue(session, handle, [{ type: CKA[name] }]);
      out[name] = value(attr?.value as Buffer | undefined);
    } catch (e) {
      const err = toHsmError(e, "C_GetAttributeValue");
      if (err.code !== "CKR_ATTRIBUTE_TYPE_INVALID" && err.code !== "CKR_ATTRIBUTE_SENSITIVE") throw err;
      out[name] = null;
    }
  }
  return out;
}

export interface MakeKeyOptions {
  /** What is being made, for the messages: "signing key pair", "KEK", "escrow transport key", … */
  what: string;
  /** The PKCS#11 function that makes it (C_GenerateKeyPair, C_GenerateKey, C_CreateObject, C_UnwrapKey). */
  method: string;
  /** Makes the key with the full or the minimal template; returns its objects by policy part. */
  make: (template: TemplateChoice) => Record<string, Handle>;
  policy: KeyPolicy;
  /** Attributes read back and recorded but not required, by part (e.g. a public key's VERIFY). */
  recorded?: Record<string, AttributeName[]>;
}

/** Makes the key (full template, else minimal), reads its attributes back, and keeps it only when they meet the policy. */
export function makeKey(module: PolicyModule, session: Handle, options: MakeKeyOptions): MadeKey {
  let handles: Record<string, Handle>;
  let template: TemplateChoice = "full";
  let refusedWith: string | undefined;
  try {
    handles = options.make("full");
  } catch (e) {
    const refused = toHsmError(e, options.method);
    if (!TEMPLATE_REFUSALS.has(refused.code)) throw refused;
    refusedWith = refused.code;
    try {
      handles = options.make("minimal");
    } catch (again) {
      throw toHsmError(again, options.method, `after the full template was refused with ${refused.code}`);
    }
    template = "minimal";
  }
  let checked: PolicyCheck;
  try {
    checked = checkPolicy(module, session, handles, options.policy, options.recorded);
  } catch (e) {
    // The key is left as it is: the step journals what it left, and Retry adopts it (ceremony/hsm-objects.ts),
    // where the same check runs on it (Pkcs11Backend.checkKeyPolicy).
    throw toHsmError(e, "C_GetAttributeValue");
  }
  const { effective, effectiveAttributes, violations: weaker } = checked;
  if (weaker.length) {
    destroyAll(module, session, handles);
    const why =
      template === "minimal"
        ? `This token refused the ${options.what} template (${refusedWith}), and the key it made with the minimal template is weaker than required`
        : `The ${options.what} this token made is weaker than its template asked (the token did not apply it)`;
    throw new HsmError("HSM_KEY_POLICY_WEAKER", `${why}: ${weaker.join("; ")}. The key was destroyed. This token cannot hold this key; use another HSM.`, options.method, {
      cause: new WeakerThanRequired(template, weaker),
    });
  }
  return { handles, template, effective, effectiveAttributes, ...(refusedWith ? { refusedWith } : {}) };
}

export interface PolicyCheck {
  effective: Record<string, Record<string, boolean | null>>;
  effectiveAttributes: string;
  /** What falls short of the policy, e.g. "private: DECRYPT is true, must be false"; empty when none. */
  violations: string[];
}

/** Reads a key's attributes back (by policy part) and compares them with the policy. */
export function checkPolicy(module: PolicyModule, session: Handle, handles: Record<string, Handle>, policy: KeyPolicy, recorded?: Record<string, AttributeName[]>): PolicyCheck {
  const effective: Record<string, Record<string, boolean | null>> = {};
  const violations: string[] = [];
  const parts = Object.keys(policy);
  for (const [part, required] of Object.entries(policy)) {
    const handle = handles[part];
    if (!handle) continue;
    const names = [...new Set([...(recorded?.[part] ?? []), ...(Object.keys(required) as AttributeName[])])];
    effective[part] = readBooleans(module, session, handle, names);
    violations.push(...policyViolations(required as Record<string, boolean>, effective[part]).map((v) => (parts.length > 1 ? `${part}: ${v}` : v)));
  }
  const read = Object.keys(effective);
  const effectiveAttributes = read.length === 1 ? describeAttributes(effective[read[0]!]!) : read.map((p) => `${p}: ${describeAttributes(effective[p]!)}`).join("; ");
  return { effective, effectiveAttributes, violations };
}

function destroyAll(module: PolicyModule, session: Handle, handles: Record<string, Handle>): void {
  for (const h of Object.values(handles)) {
    try {
      module.C_DestroyObject(session, h);
    } catch {
      // Reported by the caller's error either way; the label check of a retry finds anything left.
    }
  }
}
