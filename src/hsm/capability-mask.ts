/**
 * Makes a real module look like a less capable one, for tests of what the app does on tokens we
 * cannot run here: mechanisms missing from C_GetMechanismList (and refused if used anyway), and
 * tpm2-pkcs11's refusal of explicit `false` usage attributes in key-pair templates ("User
 * specified and TPM specified attr mismatch", CKR_GENERAL_ERROR). The real module does the work.
 */
import type pkcs11js from "pkcs11js";
import { CKA } from "./constants.ts";
import type { Pkcs11Module } from "./pkcs11-backend.ts";

export interface CapabilityMask {
  /** Mechanism numbers the token pretends not to offer. */
  hideMechanisms?: number[];
  /** Refuse C_GenerateKeyPair templates that set a usage attribute to false, as tpm2-pkcs11 does. */
  refuseExplicitFalseUsage?: boolean;
  /** The first C_GetAttributeValue after a key is made fails (CKR_FUNCTION_FAILED): a step that fails with the key already on the token. */
  failFirstReadAfterCreate?: boolean;
}

const USAGE = new Set<number>([CKA.ENCRYPT, CKA.DECRYPT, CKA.WRAP, CKA.UNWRAP, CKA.DERIVE, CKA.SIGN, CKA.VERIFY]);
const refuse = (code: string, value: number): Error => new Error(`${code}:${value}`);

export function capabilityMask(mask: CapabilityMask): (module: Pkcs11Module) => Pkcs11Module {
  const hidden = new Set(mask.hideMechanisms ?? []);
  const explicitFalse = (t: pkcs11js.Attribute[]): boolean => t.some((a) => USAGE.has(a.type) && a.value === false);
  let created = false;
  let failedRead = false;
  return (module) =>
    new Proxy(module, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        const fn = (value as (...a: unknown[]) => unknown).bind(target);
        if (prop === "C_GetMechanismList") return (...a: unknown[]) => (fn(...a) as number[]).filter((m) => !hidden.has(m));
        if (prop === "C_GetAttributeValue" && mask.failFirstReadAfterCreate) {
          return (...a: unknown[]) => {
            if (created && !failedRead) {
              failedRead = true;
              throw refuse("CKR_FUNCTION_FAILED", 0x6);
            }
            return fn(...a);
          };
        }
        const usesMechanism = ["C_GenerateKeyPair", "C_GenerateKey", "C_SignInit", "C_EncryptInit", "C_WrapKey", "C_UnwrapKey"];
        if (typeof prop === "string" && usesMechanism.includes(prop)) {
          return (...a: unknown[]) => {
            const m = (a[1] as pkcs11js.Mechanism).mechanism;
            if (hidden.has(m)) throw refuse("CKR_MECHANISM_INVALID", 0x70);
            if (prop === "C_GenerateKeyPair" && mask.refuseExplicitFalseUsage && (explicitFalse(a[2] as pkcs11js.Attribute[]) || explicitFalse(a[3] as pkcs11js.Attribute[]))) {
              throw refuse("CKR_GENERAL_ERROR", 0x5);
            }
            const result = fn(...a);
            if (prop === "C_GenerateKeyPair" || prop === "C_GenerateKey") created = true;
            return result;
          };
        }
        return fn;
      },
    });
}
