/**
 * Makes a real module look like another one, for tests of what the app does on tokens we cannot
 * run here: mechanisms missing from C_GetMechanismList (and refused if used anyway), vendor numbers
 * standing for real mechanisms, key pairs hidden until a login, objects the module will not
 * destroy, an unwrap that insists on CKA_VALUE_LEN. The real module does the work. (tpm2-pkcs11's
 * refusal of our full key-pair template is tested on tpm2-pkcs11 itself:
 * test/integration/hsm/tpm2-key-policy.test.ts.)
 */
import type pkcs11js from "pkcs11js";
import { CKA } from "./constants.ts";
import type { Pkcs11Module } from "./pkcs11-backend.ts";

export interface CapabilityMask {
  /** Mechanism numbers the token pretends not to offer. */
  hideMechanisms?: number[];
  /** The first C_GetAttributeValue after a key is made fails (CKR_FUNCTION_FAILED): a step that fails with the key already on the token. */
  failFirstReadAfterCreate?: boolean;
  /**
   * Key pairs are made with the public half CKA_PRIVATE too, so the real module shows neither half
   * before a login, as YubiHSM 2 shows no object to a session that has not authenticated.
   */
  privateKeyPairs?: boolean;
  /**
   * Objects made with a CKA_LABEL starting with one of these get CKA_DESTROYABLE false, so the real
   * module refuses C_DestroyObject on them (SoftHSM2: CKR_ACTION_PROHIBITED), as some HSMs refuse it.
   */
  undestroyableLabels?: string[];
  /**
   * Vendor numbers the token lists, each standing for a real mechanism of the module ([vendor,
   * real]): C_GetMechanismList shows the vendor number where the real one is listed, and calls with
   * it reach the real mechanism. A token that offers RFC 5649 only under a vendor number (Luna,
   * AWS CloudHSM) is then one whose real bytes the known-answer tests judge.
   */
  aliasMechanisms?: Array<[number, number]>;
  /** C_UnwrapKey refuses a template without CKA_VALUE_LEN (CKR_TEMPLATE_INCOMPLETE), as Luna documents before firmware 7.9.3. */
  unwrapNeedsValueLen?: boolean;
}

/** PKCS#11 2.40 CKA_DESTROYABLE. */
const CKA_DESTROYABLE = 0x172;
const refuse = (code: string, value: number): Error => new Error(`${code}:${value}`);

export function capabilityMask(mask: CapabilityMask): (module: Pkcs11Module) => Pkcs11Module {
  const hidden = new Set(mask.hideMechanisms ?? []);
  let created = false;
  let failedRead = false;
  const aliases = mask.aliasMechanisms ?? [];
  const realOf = (m: number): number => aliases.find(([vendor]) => vendor === m)?.[1] ?? m;
  const undestroyable = (t: pkcs11js.Attribute[]): pkcs11js.Attribute[] => {
    const label = t.find((a) => a.type === CKA.LABEL)?.value;
    const matches = typeof label === "string" && (mask.undestroyableLabels ?? []).some((prefix) => label.startsWith(prefix));
    return matches ? [...t, { type: CKA_DESTROYABLE, value: false }] : t;
  };
  return (module) =>
    new Proxy(module, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        const fn = (value as (...a: unknown[]) => unknown).bind(target);
        if (prop === "C_GetMechanismList") {
          return (...a: unknown[]) => {
            const listed = fn(...a) as number[];
            return [...listed, ...aliases.filter(([, real]) => listed.includes(real)).map(([vendor]) => vendor)].filter((m) => !hidden.has(m));
          };
        }
        if (prop === "C_GetMechanismInfo") return (slot: unknown, m: number) => fn(slot, realOf(m));
        if (prop === "C_CreateObject" && mask.undestroyableLabels) return (...a: unknown[]) => fn(a[0], undestroyable(a[1] as pkcs11js.Attribute[]));
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
            a[1] = { ...(a[1] as pkcs11js.Mechanism), mechanism: realOf(m) };
            if (prop === "C_UnwrapKey" && mask.unwrapNeedsValueLen && !(a[4] as pkcs11js.Attribute[]).some((x) => x.type === CKA.VALUE_LEN)) {
              throw refuse("CKR_TEMPLATE_INCOMPLETE", 0xd1);
            }
            if (prop === "C_GenerateKey") a[2] = undestroyable(a[2] as pkcs11js.Attribute[]);
            if (prop === "C_GenerateKeyPair") {
              const pub = a[2] as pkcs11js.Attribute[];
              a[2] = undestroyable(mask.privateKeyPairs ? [...pub.filter((x) => x.type !== CKA.PRIVATE), { type: CKA.PRIVATE, value: true }] : pub);
              a[3] = undestroyable(a[3] as pkcs11js.Attribute[]);
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
