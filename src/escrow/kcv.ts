/**
 * Key check values (docs/architecture.md, Key check values), computed in software to cross-check what the
 * HSM reports and to publish test vectors:
 *   KCV-ECB0 = first 3 bytes of AES-ECB(key, 16 zero bytes), PKCS#11's CKA_CHECK_VALUE
 *              (PKCS#11 v2.40 Current Mechanisms, "AES secret key objects", CKA_CHECK_VALUE);
 *   KCV-CMAC = first 5 bytes of AES-CMAC(key, 16 zero bytes).
 * Shown as uppercase hex, as printed and read aloud.
 */
import { wipe } from "../errors.ts";
import { aesCmac, aesEncryptBlock } from "./aes-cmac.ts";

export interface KeyCheckValues {
  /** 6 uppercase hex digits. */
  readonly ecb0: string;
  /** 10 uppercase hex digits. */
  readonly cmac: string;
}

export const KCV_ECB0_LENGTH = 3;
export const KCV_CMAC_LENGTH = 5;

export function kcvEcb0(key: Uint8Array): Uint8Array {
  const block = aesEncryptBlock(key, new Uint8Array(16));
  const kcv = block.slice(0, KCV_ECB0_LENGTH);
  wipe(block);
  return kcv;
}

export function kcvCmac(key: Uint8Array): Uint8Array {
  const tag = aesCmac(key, new Uint8Array(16));
  const kcv = tag.slice(0, KCV_CMAC_LENGTH);
  wipe(tag);
  return kcv;
}

export function keyCheckValues(key: Uint8Array): KeyCheckValues {
  return { ecb0: hex(kcvEcb0(key)), cmac: hex(kcvCmac(key)) };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}
