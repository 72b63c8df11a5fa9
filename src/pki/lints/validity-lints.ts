/** Validity lints (RFC 5280 §4.1.2.5, CA/B BR §7.1.2.1.1 and §7.1.2.10.1). */
import { DAY_MS, decodeTimeTlv } from "../time.ts";
import type { Tlv } from "../der-reader.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const ROOT_MAX_DAYS = 9132;
const ROOT_MIN_DAYS = 2922;

/** RFC 5280 §4.1.2.5 (and §5.1.2.4–6 for CRLs): UTCTime through 2049, GeneralizedTime from 2050, with seconds and Z. */
export function timeEncodingProblem(name: string, tlv: Tlv): string | undefined {
  const decoded = decodeTimeTlv(tlv.tag, tlv.contents);
  if (!decoded) return `${name} is not a UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ`;
  if (decoded.kind === "GeneralizedTime" && decoded.year < 2050) return `${name} (${decoded.date.toISOString()}) is a GeneralizedTime before 2050; it must be UTCTime`;
  return undefined;
}

const notBefore = (t: CertificateLintTarget): Date => t.tbs.validity.notBefore.getTime();
const notAfter = (t: CertificateLintTarget): Date => t.tbs.validity.notAfter.getTime();
const days = (ms: number): string => (ms / DAY_MS).toFixed(2);

export const VALIDITY_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_validity_time_encoding",
    source: "RFC 5280 §4.1.2.5",
    description: "notBefore and notAfter are UTCTime through 2049 and GeneralizedTime from 2050, in whole seconds with Z.",
    check: (t) => timeEncodingProblem("notBefore", t.parts.notBefore) ?? timeEncodingProblem("notAfter", t.parts.notAfter),
  },
  {
    id: "e_validity_not_inverted",
    source: "RFC 5280 §4.1.2.5",
    description: "notAfter is not before notBefore.",
    check: (t) => (notAfter(t) >= notBefore(t) ? undefined : `notAfter ${notAfter(t).toISOString()} is before notBefore ${notBefore(t).toISOString()}`),
  },
  {
    id: "e_ca_not_before_within_one_day_of_signing",
    source: "BR §7.1.2.1.1, §7.1.2.10.1",
    description: "notBefore lies between one day before the time of signing and the time of signing.",
    check: (t) => {
      const delta = t.signingTime.getTime() - notBefore(t).getTime();
      if (delta < 0) return `notBefore ${notBefore(t).toISOString()} is after the time of signing ${t.signingTime.toISOString()}`;
      if (delta > DAY_MS) return `notBefore ${notBefore(t).toISOString()} is more than one day before the time of signing ${t.signingTime.toISOString()}`;
      return undefined;
    },
  },
  {
    id: "e_root_validity_over_25y",
    source: "BR §7.1.2.1.1 (notAfter at most 9132 days)",
    description: "A root's notAfter is at most 9132 days (about 25 years) after notBefore.",
    appliesTo: (t) => t.profile === "root",
    check: (t) => {
      const span = notAfter(t).getTime() - notBefore(t).getTime();
      return span <= ROOT_MAX_DAYS * DAY_MS ? undefined : `the root is valid for ${days(span)} days, more than ${ROOT_MAX_DAYS}`;
    },
  },
  {
    id: "e_root_validity_under_8y",
    source: "BR §7.1.2.1.1 (notAfter at least 2922 days)",
    description: "A root's notAfter is at least 2922 days (about 8 years) after notBefore.",
    appliesTo: (t) => t.profile === "root",
    check: (t) => {
      const span = notAfter(t).getTime() - notBefore(t).getTime();
      return span >= ROOT_MIN_DAYS * DAY_MS ? undefined : `the root is valid for ${days(span)} days, fewer than ${ROOT_MIN_DAYS}`;
    },
  },
  {
    id: "e_sub_ca_validity_within_issuer",
    source: "RFC 5280 §6.1.3 (a)(2)",
    description: "A subordinate CA's or cross-certificate's validity lies within its issuer's, so the chain is valid for all of it.",
    appliesTo: (t) => t.profile !== "root",
    check: (t) => {
      if (notBefore(t) < t.issuer.notBefore) return `notBefore ${notBefore(t).toISOString()} is before the issuer's notBefore ${t.issuer.notBefore.toISOString()}`;
      if (notAfter(t) > t.issuer.notAfter) return `notAfter ${notAfter(t).toISOString()} is after the issuer's notAfter ${t.issuer.notAfter.toISOString()}`;
      return undefined;
    },
  },
];
