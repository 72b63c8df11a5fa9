/**
 * Minimal DER encoders (X.690 §10) for the few values assembled by hand: the one DER writer of
 * the project (certificates in src/pki, ECDSA signatures in src/hsm). Pure: Uint8Array in and out.
 */

/** The octets of `parts`, one after another. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

export function encodeTlv(tag: number, contents: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(contents.length), contents);
}

export function encodeSequence(...items: Uint8Array[]): Uint8Array {
  return encodeTlv(0x30, concatBytes(...items));
}

/** Minimal two's-complement contents of a non-negative INTEGER (X.690 §8.3). */
export function integerContents(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError("integerContents: value must not be negative");
  const octets: number[] = [];
  for (let n = value; n > 0n; n >>= 8n) octets.unshift(Number(n & 0xffn));
  if (octets.length === 0 || (octets[0]! & 0x80) !== 0) octets.unshift(0);
  return Uint8Array.from(octets);
}

export function encodeInteger(value: bigint): Uint8Array {
  return encodeTlv(0x02, integerContents(value));
}

/** A BIT STRING holding whole octets (unused bits 0), as signatures are. */
export function encodeOctetAlignedBitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(0x03, concatBytes(Uint8Array.of(0), bytes));
}

export function encodeIa5String(value: string): Uint8Array {
  if (!/^[\x00-\x7f]*$/.test(value)) throw new RangeError("encodeIa5String: IA5String holds ASCII only");
  return encodeTlv(0x16, Uint8Array.from(value, (c) => c.charCodeAt(0)));
}
