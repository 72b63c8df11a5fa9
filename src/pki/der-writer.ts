/** Minimal DER encoders (X.690 §10) for the few values assembled by hand. */

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

export function encodeTlv(tag: number, contents: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

export function encodeSequence(...items: Uint8Array[]): Buffer {
  return encodeTlv(0x30, Buffer.concat(items));
}

/** Minimal two's-complement contents of a non-negative INTEGER (X.690 §8.3). */
export function integerContents(value: bigint): Buffer {
  if (value < 0n) throw new RangeError("integerContents: value must not be negative");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return ((bytes[0] as number) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export function encodeInteger(value: bigint): Buffer {
  return encodeTlv(0x02, integerContents(value));
}

/** A BIT STRING holding whole octets (unused bits 0), as signatures are. */
export function encodeOctetAlignedBitString(bytes: Uint8Array): Buffer {
  return encodeTlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

export function encodeIa5String(value: string): Buffer {
  return encodeTlv(0x16, Buffer.from(value, "ascii"));
}
