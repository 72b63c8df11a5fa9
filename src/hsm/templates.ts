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
