/** Serial number lints (RFC 5280 §4.1.2.2, CA/B BR §7.1.2.1 / §7.1.2.6 serialNumber rows). */
import { bigintFromIntegerContents } from "../der-reader.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const serialOf = (t: CertificateLintTarget): bigint => bigintFromIntegerContents(t.parts.serialNumber.contents);

export const SERIAL_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_serial_positive",
    source: "RFC 5280 §4.1.2.2; BR §7.1.2.1",
    description: "The serial number is a positive integer.",
    check: (t) => (serialOf(t) > 0n ? undefined : `the serial number ${serialOf(t)} is not positive`),
  },
  {
    id: "e_serial_min_64_bits",
    source: "BR §7.1.2.1, §7.1.2.6 (at least 64 bits of CSPRNG output)",
    description: "The serial number has at least 64 significant bits.",
    check: (t) => {
      const bits = serialOf(t) > 0n ? serialOf(t).toString(2).length : 0;
      return bits >= 64 ? undefined : `the serial number has ${bits} significant bits; draw at least 9 random octets`;
    },
  },
  {
    id: "e_serial_max_20_octets",
    source: "RFC 5280 §4.1.2.2; BR §7.1.2.1 (less than 2^159)",
    description: "The serial number is at most 20 octets long.",
    check: (t) => (t.parts.serialNumber.contents.length <= 20 ? undefined : `the serial number is ${t.parts.serialNumber.contents.length} octets long`),
  },
];
