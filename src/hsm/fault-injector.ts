/**
 * Wraps a real PKCS#11 module so that the Nth call of a ceremony fails with a chosen CKR_ code,
 * the way a pulled USB HSM fails. Used by the fault matrix (npm run test:faults); the real
 * SoftHSM2 module still does all the work underneath.
 */
import type { Pkcs11Module } from "./pkcs11-backend.ts";

export interface FaultPlan {
  /** 1-based index of the C_ call to fail, counted from module load. */
  failAtCall: number;
  code: "CKR_DEVICE_REMOVED" | "CKR_SESSION_HANDLE_INVALID" | "CKR_TOKEN_NOT_PRESENT" | "CKR_DEVICE_ERROR";
  /** Once failed, keep failing (a removed device stays removed until a fresh load). */
  sticky?: boolean;
}

export function faultInjector(plan: FaultPlan): (module: Pkcs11Module) => Pkcs11Module {
  return (module) => {
    let calls = 0;
    let failed = false;
    return new Proxy(module, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        // Native methods (load, close) refuse a Proxy as `this` ("Illegal invocation").
        if (typeof prop !== "string" || !prop.startsWith("C_")) return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          // Finalize must still run so the module can be closed after a simulated removal.
          if (prop !== "C_Finalize") {
            calls++;
            if (calls === plan.failAtCall || (failed && plan.sticky)) {
              failed = true;
              throw new Error(`${plan.code}:${codeValue(plan.code)}`);
            }
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  };
}

function codeValue(code: FaultPlan["code"]): number {
  return { CKR_DEVICE_REMOVED: 0x32, CKR_SESSION_HANDLE_INVALID: 0xb3, CKR_TOKEN_NOT_PRESENT: 0xe0, CKR_DEVICE_ERROR: 0x30 }[code];
}
