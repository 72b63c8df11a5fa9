/** Token information as pkcs11js reports it, turned into what the officer reads. */
import type pkcs11js from "pkcs11js";
import { CKF, CKK, CKO } from "./constants.ts";
import type { ObjectClass, ObjectSummary, TokenFlags, TokenInfo } from "./types.ts";

export const trim = (s: string): string => s.replace(/[\s\0]+$/u, "");
export const version = (v: { major: number; minor: number }): string => `${v.major}.${v.minor}`;

export const CLASS_NAMES: Record<number, ObjectClass> = { [CKO.PUBLIC_KEY]: "public", [CKO.PRIVATE_KEY]: "private", [CKO.SECRET_KEY]: "secret" };
export const CLASS_CODES: Record<ObjectClass, number> = { public: CKO.PUBLIC_KEY, private: CKO.PRIVATE_KEY, secret: CKO.SECRET_KEY };
export const KEY_TYPE_NAMES: Record<number, ObjectSummary["keyType"]> = {
  [CKK.RSA]: "RSA",
  [CKK.EC]: "EC",
  [CKK.EC_EDWARDS]: "EC_EDWARDS",
  [CKK.AES]: "AES",
};

export function flagsOf(flags: number): TokenFlags {
  const has = (f: number): boolean => (flags & f) !== 0;
  return {
    initialized: has(CKF.TOKEN_INITIALIZED),
    loginRequired: has(CKF.LOGIN_REQUIRED),
    userPinInitialized: has(CKF.USER_PIN_INITIALIZED),
    userPinCountLow: has(CKF.USER_PIN_COUNT_LOW),
    userPinFinalTry: has(CKF.USER_PIN_FINAL_TRY),
    userPinLocked: has(CKF.USER_PIN_LOCKED),
    soPinCountLow: has(CKF.SO_PIN_COUNT_LOW),
    soPinFinalTry: has(CKF.SO_PIN_FINAL_TRY),
    soPinLocked: has(CKF.SO_PIN_LOCKED),
  };
}

export function retryState(flags: TokenFlags, role: "user" | "so"): string {
  const [low, final, locked] =
    role === "user"
      ? [flags.userPinCountLow, flags.userPinFinalTry, flags.userPinLocked]
      : [flags.soPinCountLow, flags.soPinFinalTry, flags.soPinLocked];
  if (locked) return "The token now reports this PIN LOCKED.";
  if (final) return "The token reports that the NEXT wrong PIN will LOCK it.";
  if (low) return "The token reports that few attempts remain before it locks.";
  return "The token reports no retry warning.";
}


export function describeTokenInfo(slotId: string, info: pkcs11js.TokenInfo): TokenInfo {
  return {
    slotId,
    label: trim(info.label),
    serial: trim(info.serialNumber),
    manufacturer: trim(info.manufacturerID),
    model: trim(info.model),
    firmware: version(info.firmwareVersion),
    hardware: version(info.hardwareVersion),
    flags: flagsOf(info.flags),
  };
}
