/**
 * AES key wrap with padding (RFC 5649) in software, via OpenSSL's id-aes{128,192,256}-wrap-pad
 * that node:crypto exposes. In a ceremony the HSM wraps (CKM_AES_KEY_WRAP_KWP) and unwraps; this
 * is for the published test vectors and the offline verifier, so that a recovery can be checked
 * with no HSM, exactly as `openssl enc -d -id-aes256-wrap-pad -iv A65959A6` would do it.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

import { CeremonyError, wipe } from "../errors.ts";

/** RFC 5649 §3: the 32-bit Alternative Initial Value constant; the length is appended to it. */
export const RFC5649_AIV = Buffer.from("a65959a6", "hex");

export class KeyUnwrapError extends CeremonyError {
  constructor(options?: { cause?: unknown }) {
    super(
      "ESCROW_UNWRAP_FAILED",
      "The wrapped key does not unwrap under the recovered escrow key (RFC 5649 integrity check failed): " +
        "the cards and the wrapped key are not from the same escrow, or a card was altered. " +
        "Check that the set ID on the cards is the one in the transcript, then try other cards.",
      options,
    );
  }
}

function wrapCipherName(kek: Uint8Array): "id-aes128-wrap-pad" | "id-aes192-wrap-pad" | "id-aes256-wrap-pad" {
  switch (kek.length) {
    case 16:
      return "id-aes128-wrap-pad";
    case 24:
      return "id-aes192-wrap-pad";
    case 32:
      return "id-aes256-wrap-pad";
    default:
      throw new RangeError(`key-encryption key must be 16, 24 or 32 bytes, got ${kek.length}`);
  }
}

export function wrapKeyWithPadding(kek: Uint8Array, key: Uint8Array): Uint8Array {
  if (key.length < 1) throw new RangeError("key to wrap must not be empty");
  const cipher = createCipheriv(wrapCipherName(kek), kek, RFC5649_AIV);
  const parts = [cipher.update(key), cipher.final()];
  return joinAndWipe(parts);
}

/** The unwrapped key; the caller wipes it. Throws KeyUnwrapError when the integrity check fails. */
export function unwrapKeyWithPadding(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
    throw new RangeError(`wrapped key must be a multiple of 8 bytes and at least 16, got ${wrapped.length}`);
  }
  const decipher = createDecipheriv(wrapCipherName(kek), kek, RFC5649_AIV);
  const parts: Buffer[] = [];
  try {
    parts.push(decipher.update(wrapped));
    parts.push(decipher.final());
  } catch (cause) {
    wipe(...parts);
    throw new KeyUnwrapError({ cause });
  }
  return joinAndWipe(parts);
}

/** One plain Uint8Array the caller owns; Node's output buffers may sit in its shared pool. */
function joinAndWipe(parts: Buffer[]): Uint8Array {
  const joined = Buffer.concat(parts);
  const result = new Uint8Array(joined);
  wipe(joined, ...parts);
  return result;
}
