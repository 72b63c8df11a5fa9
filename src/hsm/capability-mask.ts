/**
 * Makes a real module look like a less capable one, for tests of what the app does on tokens we
 * cannot run here: mechanisms missing from C_GetMechanismList (and refused if used anyway). The
 * real module does the work. (tpm2-pkcs11's refusal of our full key-pair template is tested on
 * tpm2-pkcs11 itself: test/integration/hsm/tpm2-key-policy.test.ts.)
 */
import type pkcs11js from "pkcs11js";
import type { Pkcs11Module } from "./pkcs11-backend.ts";

export interface CapabilityMask {
  /** Mechanism numbers the token pretends not to offer. */
  hideMechanisms?: number[];
  /** The first C_GetAttributeValue after a key is made fails (CKR_FUNCTION_FAILED): a step that fails with the key already on the token. */
  failFirstReadAfterCreate?: boolean;
}

const refuse = (code: string, value: number): Error => new Error(`${code}:${value}`);

export function capabilityMask(mask: CapabilityMask): (module: Pkcs11Module) => Pkcs11Module {
  const hidden = new Set(mask.hideMechanisms ?? []);
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
            const result = fn(...a);
            if (prop === "C_GenerateKeyPair" || prop === "C_GenerateKey") created = true;
            return result;
          };
        }
        return fn;
      },
    });
}
