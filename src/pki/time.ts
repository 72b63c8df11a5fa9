/** Certificate and CRL times (RFC 5280 §4.1.2.5, §5.1.2.4–§5.1.2.6). */
import { Time } from "@peculiar/asn1-x509";
import { PkiInputError } from "./errors.ts";

export const DAY_MS = 86_400_000;

/**
 * RFC 5280 §4.1.2.5: dates through 2049 as UTCTime, from 2050 as GeneralizedTime, both with
 * seconds and "Z" and no fractional seconds.
 */
export function rfc5280Time(date: Date): Time {
  return date.getUTCFullYear() < 2050 ? new Time({ utcTime: date }) : new Time({ generalTime: date });
}

/** Refuses a date that is invalid or has milliseconds, which no certificate time can carry. */
export function requireWholeSeconds(date: unknown, path: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new PkiInputError("VALIDITY_INVALID", `${path} is not a valid date.`);
  }
  if (date.getTime() % 1000 !== 0) {
    throw new PkiInputError("VALIDITY_INVALID", `${path} (${date.toISOString()}) has fractional seconds; RFC 5280 §4.1.2.5 times are whole seconds, so round it first.`);
  }
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new PkiInputError("VALIDITY_INVALID", `${path} (${date.toISOString()}) is outside the years 1950–9999 that RFC 5280 times can express.`);
  return date;
}

/** `date` plus whole calendar years, in UTC. */
export function addUtcYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** `date` plus calendar months, in UTC. */
export function addUtcMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** A Date truncated to whole seconds, the form every certificate time takes. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Reads the encoded year and the Date from a raw UTCTime/GeneralizedTime TLV; undefined when malformed. */
export function decodeTimeTlv(tag: number, contents: Buffer): { date: Date; kind: "UTCTime" | "GeneralizedTime"; year: number } | undefined {
  const text = contents.toString("latin1");
  let m: RegExpExecArray | null;
  let year: number;
  let kind: "UTCTime" | "GeneralizedTime";
  if (tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    kind = "UTCTime";
  } else if (tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    year = Number(m[1]);
    kind = "GeneralizedTime";
  } else {
    return undefined;
  }
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) {
    return undefined;
  }
  return { date, kind, year };
}
