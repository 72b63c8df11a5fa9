/**
 * The DER writer of src/common (the project's one DER module), handing back Buffers because the
 * certificate code compares and concatenates with Buffer methods. No encoding is done here.
 */
import * as der from "../common/der-writer.ts";

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const encodeLength = (length: number): Buffer => asBuffer(der.encodeLength(length));
export const encodeTlv = (tag: number, contents: Uint8Array): Buffer => asBuffer(der.encodeTlv(tag, contents));
export const encodeSequence = (...items: Uint8Array[]): Buffer => asBuffer(der.encodeSequence(...items));
export const integerContents = (value: bigint): Buffer => asBuffer(der.integerContents(value));
export const encodeInteger = (value: bigint): Buffer => asBuffer(der.encodeInteger(value));
export const encodeOctetAlignedBitString = (bytes: Uint8Array): Buffer => asBuffer(der.encodeOctetAlignedBitString(bytes));
export const encodeIa5String = (value: string): Buffer => asBuffer(der.encodeIa5String(value));
