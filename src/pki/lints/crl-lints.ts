/** CRL field and extension lints (RFC 5280 §5.1, §5.2; CA/B BR §7.2, §7.2.2). */
import { AuthorityKeyIdentifier, KeyUsageFlags } from "@peculiar/asn1-x509";
import { bigintFromIntegerContents, readSingleTlv } from "../der-reader.ts";
import { decodeExtension, findExtension } from "../extension-access.ts";
import { OID } from "../oids.ts";
import { addUtcMonths } from "../time.ts";
import type { Lint } from "./lint.ts";
import type { CrlLintTarget } from "./targets.ts";
import { timeEncodingProblem } from "./validity-lints.ts";

const thisUpdate = (t: CrlLintTarget): Date => t.tbs.thisUpdate.getTime();
const crlNumberContents = (t: CrlLintTarget): Buffer | undefined => {
  const ext = findExtension(t.extensions, OID.crlNumber);
  if (!ext) return undefined;
  const tlv = readSingleTlv(Buffer.from(ext.extnValue.buffer));
  if (tlv.tag !== 0x02) throw new Error("cRLNumber is not an INTEGER");
  return tlv.contents;
};

export const CRL_LINTS_FIELDS: readonly Lint<CrlLintTarget>[] = [
  {
    id: "e_crl_version_2",
    source: "RFC 5280 §5.1.2.1; BR §7.2.1",
    description: "The CRL is version 2.",
    check: (t) => (t.tbs.version === 1 ? undefined : `the CRL version field is ${t.tbs.version === undefined ? "absent (v1)" : `v${t.tbs.version + 1}`}`),
  },
  {
    id: "e_crl_issuer_matches_subject_of_issuer",
    source: "RFC 5280 §5.1.2.3; BR §7.2 (issuer row)",
    description: "The CRL issuer equals the issuing CA's encoded subject byte for byte.",
    check: (t) => (t.parts.issuer.bytes.equals(t.issuer.subjectDer) ? undefined : "the CRL issuer Name is not byte-for-byte the issuing CA's subject Name"),
  },
  {
    id: "e_crl_time_encoding",
    source: "RFC 5280 §5.1.2.4, §5.1.2.5, §5.1.2.6",
    description: "thisUpdate, nextUpdate and each revocationDate are UTCTime through 2049 and GeneralizedTime from 2050, in whole seconds with Z.",
    check: (t) =>
      timeEncodingProblem("thisUpdate", t.parts.thisUpdate) ??
      (t.parts.nextUpdate ? timeEncodingProblem("nextUpdate", t.parts.nextUpdate) : undefined) ??
      t.parts.revokedEntries.map((e, i) => timeEncodingProblem(`revocationDate of entry ${i}`, e.revocationDate)).find((p) => p !== undefined),
  },
  {
    id: "e_crl_next_update_present",
    source: "RFC 5280 §5.1.2.5; BR §7.2 (nextUpdate MUST)",
    description: "nextUpdate is present.",
    check: (t) => (t.tbs.nextUpdate ? undefined : "nextUpdate is missing"),
  },
  {
    id: "e_crl_next_update_after_this_update",
    source: "RFC 5280 §5.1.2.5",
    description: "nextUpdate is later than thisUpdate.",
    appliesTo: (t) => t.tbs.nextUpdate !== undefined,
    check: (t) => {
      const next = t.tbs.nextUpdate?.getTime() as Date;
      return next > thisUpdate(t) ? undefined : `nextUpdate ${next.toISOString()} is not after thisUpdate ${thisUpdate(t).toISOString()}`;
    },
  },
  {
    id: "e_crl_next_update_within_12_months",
    source: "BR §7.2 (nextUpdate at most 12 months after thisUpdate for CRLs not covering Subscriber Certificates), §4.9.7",
    description: "nextUpdate is at most twelve months after thisUpdate.",
    appliesTo: (t) => t.tbs.nextUpdate !== undefined,
    check: (t) => {
      const next = t.tbs.nextUpdate?.getTime() as Date;
      const limit = addUtcMonths(thisUpdate(t), 12);
      return next <= limit ? undefined : `nextUpdate ${next.toISOString()} is more than 12 months after thisUpdate (latest ${limit.toISOString()})`;
    },
  },
  {
    id: "e_crl_this_update_not_future",
    source: "RFC 5280 §5.1.2.4 (thisUpdate is the issue date); BR §7.2",
    description: "thisUpdate is not later than the time of signing.",
    check: (t) => (thisUpdate(t) <= t.signingTime ? undefined : `thisUpdate ${thisUpdate(t).toISOString()} is after the time of signing ${t.signingTime.toISOString()}`),
  },
  {
    id: "e_crl_issuer_can_sign_crls",
    source: "RFC 5280 §4.2.1.3, §6.3.3 (f)",
    description: "The issuing certificate is a CA whose keyUsage asserts cRLSign.",
    check: (t) => {
      if (!t.issuer.basicConstraints?.cA) return "the issuer certificate is not a CA";
      if (t.issuer.keyUsage !== undefined && (t.issuer.keyUsage & KeyUsageFlags.cRLSign) === 0) return "the issuer certificate's keyUsage lacks cRLSign";
      return undefined;
    },
  },
  {
    id: "e_crl_ext_no_duplicates",
    source: "RFC 5280 §5.2",
    description: "No CRL extension appears more than once.",
    check: (t) => {
      const ids = t.extensions.map((e) => e.extnID);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      return dup ? `CRL extension ${dup} appears more than once` : undefined;
    },
  },
  {
    id: "e_crl_aki_present",
    source: "RFC 5280 §5.2.1; BR §7.2.2",
    description: "authorityKeyIdentifier is present, non-critical, with a keyIdentifier.",
    check: (t) => {
      const ext = findExtension(t.extensions, OID.authorityKeyIdentifier);
      if (!ext) return "authorityKeyIdentifier is missing";
      if (ext.critical) return "authorityKeyIdentifier is critical";
      return decodeExtension(ext, AuthorityKeyIdentifier).keyIdentifier ? undefined : "authorityKeyIdentifier has no keyIdentifier";
    },
  },
  {
    id: "e_crl_aki_matches_issuer_ski",
    source: "BR §7.2.2, §7.1.2.11.1",
    description: "authorityKeyIdentifier equals the issuing CA's subjectKeyIdentifier and carries nothing else.",
    appliesTo: (t) => findExtension(t.extensions, OID.authorityKeyIdentifier) !== undefined,
    check: (t) => {
      const aki = decodeExtension(findExtension(t.extensions, OID.authorityKeyIdentifier) as NonNullable<ReturnType<typeof findExtension>>, AuthorityKeyIdentifier);
      if (aki.authorityCertIssuer || aki.authorityCertSerialNumber) return "authorityKeyIdentifier carries authorityCertIssuer or authorityCertSerialNumber";
      if (!aki.keyIdentifier || !t.issuer.subjectKeyIdentifier) return "the keyIdentifier or the issuer's subjectKeyIdentifier is missing";
      return Buffer.from(aki.keyIdentifier.buffer).equals(t.issuer.subjectKeyIdentifier) ? undefined : "authorityKeyIdentifier does not equal the issuing CA's subjectKeyIdentifier";
    },
  },
  {
    id: "e_crl_number_present_non_critical",
    source: "RFC 5280 §5.2.3; BR §7.2.2",
    description: "cRLNumber is present and non-critical.",
    check: (t) => {
      const ext = findExtension(t.extensions, OID.crlNumber);
      if (!ext) return "cRLNumber is missing";
      return ext.critical ? "cRLNumber is critical" : undefined;
    },
  },
  {
    id: "e_crl_number_range",
    source: "RFC 5280 §5.2.3 (at most 20 octets); BR §7.2.2 (0 ≤ n < 2^159)",
    description: "cRLNumber is an INTEGER from 0 to 2^159 − 1.",
    appliesTo: (t) => findExtension(t.extensions, OID.crlNumber) !== undefined,
    check: (t) => {
      const contents = crlNumberContents(t) as Buffer;
      const n = bigintFromIntegerContents(contents);
      if (n < 0n) return `cRLNumber ${n} is negative`;
      return n < 1n << 159n && contents.length <= 20 ? undefined : "cRLNumber is 2^159 or more (over 20 octets)";
    },
  },
];
