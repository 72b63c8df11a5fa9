/**
 * PKCS#11 slot IDs and object handles are CK_ULONGs; pkcs11js hands them over as a Buffer of the
 * host's bytes (little-endian on x86 and ARM), which read as hex come out byte-reversed
 * ("0200000000000000" for handle 2). People see them as the module numbers them.
 */
import { endianness } from "node:os";

/** The CK_ULONG in `bytes` (a Buffer or its hex) as a decimal number, as pkcs11-tool prints it. */
export function ulongText(bytes: Buffer | string): string {
  const b = typeof bytes === "string" ? Buffer.from(bytes, "hex") : bytes;
  const le = endianness() === "LE";
  if (b.length === 8) return (le ? b.readBigUInt64LE() : b.readBigUInt64BE()).toString();
  if (b.length === 4) return String(le ? b.readUInt32LE() : b.readUInt32BE());
  return b.toString("hex");
}
