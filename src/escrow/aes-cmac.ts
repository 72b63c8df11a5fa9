/**
 * AES-CMAC (RFC 4493; NIST SP 800-38B) on node:crypto's AES-ECB, which Node exposes while CMAC
 * itself it does not. Used in software only to cross-check the HSM's KCVs and to publish test
 * vectors; ceremony keys never leave the HSM in the clear.
 */
import { createCipheriv } from "node:crypto";

import { wipe } from "../errors.ts";

const BLOCK = 16;
/** R_128 from SP 800-38B §5.3: the low byte of x^128 + x^7 + x^2 + x + 1. */
const RB = 0x87;

function aesEcbCipherName(key: Uint8Array): "aes-128-ecb" | "aes-192-ecb" | "aes-256-ecb" {
  switch (key.length) {
    case 16:
      return "aes-128-ecb";
    case 24:
      return "aes-192-ecb";
    case 32:
      return "aes-256-ecb";
    default:
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/**
 * AES(key, block) for one 16-byte block, as a plain Uint8Array the caller owns (a Buffer's
 * slice() is a view, so wiping a Buffer result would also zero what was sliced from it).
 */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (block.length !== BLOCK) throw new RangeError(`AES block must be ${BLOCK} bytes, got ${block.length}`);
  const cipher = createCipheriv(aesEcbCipherName(key), key, null).setAutoPadding(false);
  const out = cipher.update(block);
  cipher.final();
  const result = Uint8Array.from(out);
  wipe(out);
  return result;
}

/** RFC 4493 §2.3 Generate_Subkey: K1 = L·x, K2 = L·x² in GF(2^128), L = AES(K, 0^128). */
function subkeys(key: Uint8Array): [Uint8Array, Uint8Array] {
  const l = aesEncryptBlock(key, new Uint8Array(BLOCK));
  const k1 = doubleBlock(l);
  const k2 = doubleBlock(k1);
  wipe(l);
  return [k1, k2];
}

function doubleBlock(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = (((block[i] ?? 0) << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff;
  out[BLOCK - 1] = (out[BLOCK - 1] ?? 0) ^ (-((block[0] ?? 0) >> 7) & RB);
  return out;
}

/** RFC 4493 §2.4: the full 16-byte tag. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const [k1, k2] = subkeys(key);
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = new Uint8Array(BLOCK);
  last.set(message.subarray((blocks - 1) * BLOCK));
  if (!complete) last[message.length - (blocks - 1) * BLOCK] = 0x80;
  xorInto(last, complete ? k1 : k2);

  const cipher = createCipheriv(aesEcbCipherName(key), key, null).setAutoPadding(false);
  const x = new Uint8Array(BLOCK);
  try {
    for (let i = 0; i < blocks; i++) {
      xorInto(x, i === blocks - 1 ? last : message.subarray(i * BLOCK, (i + 1) * BLOCK));
      const y = cipher.update(x);
      x.set(y);
      wipe(y);
    }
    cipher.final();
    return Uint8Array.from(x);
  } finally {
    wipe(k1, k2, last, x);
  }
}

function xorInto(target: Uint8Array, source: Uint8Array): void {
  for (let i = 0; i < BLOCK; i++) target[i] = (target[i] ?? 0) ^ (source[i] ?? 0);
}
