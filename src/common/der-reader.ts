/**
 * A small, strict reader for DER (X.690 §10) used before any ASN.1 library sees untrusted bytes,
 * and to reach exact encoded bytes (names, times, the TBS) that a decoded object cannot show.
 * Only single-octet identifiers are accepted (X.509 uses no high tag numbers), lengths must be
 * definite and minimal (X.690 §10.1), and a TLV must lie wholly inside its parent.
 *
 * The one DER reader of the project (src/pki for certificates, src/hsm for EC points and ECDSA
 * signatures). It is pure, so it works on any Uint8Array; a TLV read from a Buffer holds Buffers,
 * because a Buffer's subarray is a Buffer.
 */

export class DerError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = "DerError";
    this.offset = offset;
  }
}

export interface Tlv<B extends Uint8Array = Uint8Array> {
  /** The identifier octet: class, constructed bit and tag number. */
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole encoding: identifier, length and contents. */
  readonly bytes: B;
  readonly contents: B;
  /** Offset of the identifier octet in the buffer it was read from. */
  readonly offset: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads one TLV starting at `offset`; the TLV must end within `limit` (default: buffer end). */
export function readTlv<B extends Uint8Array>(buf: B, offset: number, limit: number = buf.length): Tlv<B> {
  if (offset >= limit) throw new DerError("expected a TLV, found the end of the data", offset);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not used in X.509", offset);
  if (offset + 1 >= limit) throw new DerError("the length octet is missing", offset);
  const first = buf[offset + 1] as number;
  let length: number;
  let headerLength: number;
  if (first < 0x80) {
    length = first;
    headerLength = 2;
  } else if (first === 0x80) {
    throw new DerError("indefinite lengths are not DER", offset + 1);
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError("a length of more than 4 octets is not supported", offset + 1);
    if (offset + 2 + count > limit) throw new DerError("the length octets run past the end", offset + 1);
    if (buf[offset + 2] === 0) throw new DerError("the length has a leading zero octet (not DER)", offset + 1);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[offset + 2 + i] as number);
    if (length < 0x80) throw new DerError("a short length was written in long form (not DER)", offset + 1);
    headerLength = 2 + count;
  }
  const end = offset + headerLength + length;
  if (end > limit) throw new DerError(`the contents (${length} octets) run past the end of the enclosing value`, offset);
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    bytes: slice(buf, offset, end),
    contents: slice(buf, offset + headerLength, end),
    offset,
  };
}

// subarray keeps the receiver's class (a Buffer's is a Buffer: Node sets Symbol.species), which
// the Uint8Array typing cannot say.
function slice<B extends Uint8Array>(buf: B, start: number, end: number): B {
  return buf.subarray(start, end) as B;
}

/** Reads exactly one TLV that spans all of `buf`; trailing bytes are an error. */
export function readSingleTlv<B extends Uint8Array>(buf: B): Tlv<B> {
  const tlv = readTlv(buf, 0);
  if (tlv.bytes.length !== buf.length) {
    throw new DerError(`${buf.length - tlv.bytes.length} trailing byte(s) after the value`, tlv.bytes.length);
  }
  return tlv;
}

/** The TLVs inside a constructed value, which must fill its contents exactly. */
export function childrenOf<B extends Uint8Array>(tlv: Tlv<B>): Tlv<B>[] {
  if (!tlv.constructed) throw new DerError("expected a constructed value", tlv.offset);
  const out: Tlv<B>[] = [];
  const c = tlv.contents;
  let pos = 0;
  while (pos < c.length) {
    const child = readTlv(c, pos);
    out.push({ ...child, offset: tlv.offset + (tlv.bytes.length - c.length) + child.offset });
    pos += child.bytes.length;
  }
  return out;
}

/**
 * Walks every constructed value, checking lengths and nesting depth, without building
 * anything. Run on untrusted input before an ASN.1 library parses it, so that a deeply nested
 * or inconsistent encoding is refused up front.
 */
export function walkDer<B extends Uint8Array>(buf: B, maxDepth: number, visit?: (tlv: Tlv<B>, depth: number) => void): void {
  const root = readSingleTlv(buf);
  const stack: Array<{ tlv: Tlv<B>; depth: number }> = [{ tlv: root, depth: 1 }];
  while (stack.length > 0) {
    const { tlv, depth } = stack.pop() as { tlv: Tlv<B>; depth: number };
    if (depth > maxDepth) throw new DerError(`nesting deeper than ${maxDepth} levels`, tlv.offset);
    visit?.(tlv, depth);
    if (tlv.constructed) {
      const kids = childrenOf(tlv);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ tlv: kids[i] as Tlv<B>, depth: depth + 1 });
    }
  }
}

/** Decodes the contents of an INTEGER as a signed two's-complement number. */
export function bigintFromIntegerContents(contents: Uint8Array): bigint {
  if (contents.length === 0) return 0n;
  let value = 0n;
  for (const b of contents) value = (value << 8n) | BigInt(b);
  if (((contents[0] as number) & 0x80) !== 0) value -= 1n << BigInt(contents.length * 8);
  return value;
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (X.690 §8.19). */
export function oidFromContents(contents: Uint8Array): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const b of contents) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs].join(".");
}
