/** Certificate serial numbers (RFC 5280 §4.1.2.2, CA/B BR §7.1.2.1). */
import { PkiCheckError, PkiInputError } from "./errors.ts";
import { integerContents } from "./der-writer.ts";

/** The HSM's random generator in a ceremony. */
export type RandomSource = (length: number) => Promise<Buffer>;

export const SERIAL_RANDOM_OCTETS = 16;

/**
 * 16 octets from `random`, with the top bit cleared (positive, RFC 5280 §4.1.2.2) and the next
 * bit set, so the INTEGER is always exactly 16 octets long and minimal: 126 random bits, well
 * above BR's 64 bits of CSPRNG output, and below its 2^159 bound.
 */
export async function generateSerial(random: RandomSource): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await random(SERIAL_RANDOM_OCTETS));
  } catch (cause) {
    throw new PkiCheckError("RANDOM_SOURCE_FAILED", "The random generator failed while drawing a serial number; check the token connection and retry the step.", { cause });
  }
  if (bytes.length !== SERIAL_RANDOM_OCTETS) {
    throw new PkiCheckError("RANDOM_SOURCE_FAILED", `The random generator returned ${bytes.length} octets for a serial number instead of ${SERIAL_RANDOM_OCTETS}; do not continue with this token.`);
  }
  if (bytes.every((b) => b === bytes[0])) {
    throw new PkiCheckError("RANDOM_SOURCE_FAILED", "The random generator returned a constant byte pattern for a serial number; do not continue with this token.");
  }
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x40;
  return bytes;
}

/** A serial as lowercase hex of its magnitude, the form `openssl x509 -serial` shows (lowercased). */
export function serialHexFromContents(contents: Uint8Array): string {
  let start = 0;
  while (start < contents.length - 1 && contents[start] === 0) start++;
  return Buffer.from(contents.subarray(start)).toString("hex");
}

/** Parses a serial given as hex (colons allowed) into minimal INTEGER contents. */
export function serialContentsFromHex(hex: unknown, path: string): Buffer {
  if (typeof hex !== "string" || hex.length > 80 || !/^[0-9a-fA-F]{2}(:?[0-9a-fA-F]{2})*$|^[0-9a-fA-F]+$/.test(hex)) {
    throw new PkiInputError("REVOKED_ENTRY_INVALID", `${path} must be the certificate serial number in hex, such as "4f3a…"; got ${JSON.stringify(hex)}.`);
  }
  const value = BigInt(`0x${hex.replace(/:/g, "")}`);
  if (value <= 0n) throw new PkiInputError("REVOKED_ENTRY_INVALID", `${path} is zero; serial numbers are positive (RFC 5280 §4.1.2.2).`);
  const contents = integerContents(value);
  if (contents.length > 20) throw new PkiInputError("REVOKED_ENTRY_INVALID", `${path} is longer than 20 octets, which no conforming certificate has (RFC 5280 §4.1.2.2).`);
  return contents;
}
