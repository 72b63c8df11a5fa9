/** Bytes, or the same bytes as hex text (either case; spaces and colons between digits are ignored). */
export type BytesOrHex = Uint8Array | string;

const HEX_DIGITS = /^[0-9A-F]*$/;
// src/common runs in the renderer too, where there is no Buffer: bytes become hex by table.
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, "0"));
// Fingerprints arrive as pasted text ("3f:9a:…" from openssl, "3F9A 81C0" from a screen); the
// separators carry no information, so they are dropped before the digits are checked.
const SEPARATORS = /[\s:]/g;

/**
 * Uppercase hex digits of `input`, without separators. Throws TypeError for a value that is not
 * bytes or hex text, RangeError for an odd number of digits (half a byte cannot be read aloud).
 */
export function toUpperHex(input: BytesOrHex, argName = "input"): string {
  if (input instanceof Uint8Array) {
    let hex = "";
    for (const byte of input) hex += HEX_PAIRS[byte]!;
    return hex;
  }
  if (typeof input !== "string") {
    throw new TypeError(`${argName} must be a Uint8Array or a hex string, got ${typeof input}`);
  }
  const hex = input.replace(SEPARATORS, "").toUpperCase();
  if (!HEX_DIGITS.test(hex)) {
    throw new TypeError(`${argName} must contain only hex digits 0-9 and A-F`);
  }
  if (hex.length % 2 !== 0) {
    throw new RangeError(`${argName} must have an even number of hex digits, got ${hex.length}`);
  }
  return hex;
}

/** The bytes of `input` (see toUpperHex for what hex text is accepted). */
export function toBytes(input: BytesOrHex, argName = "input"): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const hex = toUpperHex(input, argName);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
