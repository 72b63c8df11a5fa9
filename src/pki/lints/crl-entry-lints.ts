/** Lints on revokedCertificates entries (RFC 5280 §5.1.2.6, §5.3.1; CA/B BR §7.2.2). */
import { CRLReason, CRLReasons } from "@peculiar/asn1-x509";
import { bigintFromIntegerContents } from "../der-reader.ts";
import { findExtensions } from "../extension-access.ts";
import { OID } from "../oids.ts";
import type { Lint } from "./lint.ts";
import type { CrlLintTarget } from "./targets.ts";
import { decodeExtension } from "../extension-access.ts";

/** BR §7.2.2 "CRLReasons": the codes a CRL may carry in a reasonCode extension. */
export const PERMITTED_CRL_REASONS: ReadonlySet<CRLReasons> = new Set([
  CRLReasons.keyCompromise,
  CRLReasons.affiliationChanged,
  CRLReasons.superseded,
  CRLReasons.cessationOfOperation,
  CRLReasons.privilegeWithdrawn,
]);

const entries = (t: CrlLintTarget) => t.tbs.revokedCertificates ?? [];
const reasonExtensions = (t: CrlLintTarget) => entries(t).flatMap((e) => findExtensions(e.crlEntryExtensions, OID.crlReason));
const reasons = (t: CrlLintTarget): CRLReasons[] => reasonExtensions(t).map((ext) => decodeExtension(ext, CRLReason).reason);

export const CRL_ENTRY_LINTS: readonly Lint<CrlLintTarget>[] = [
  {
    id: "e_crl_revoked_absent_when_empty",
    source: "RFC 5280 §5.1.2.6",
    description: "revokedCertificates is absent, not empty, when nothing is revoked.",
    check: (t) => (t.parts.revokedCertificates && t.parts.revokedEntries.length === 0 ? "revokedCertificates is present but empty" : undefined),
  },
  {
    id: "e_crl_entry_serial_valid",
    source: "RFC 5280 §4.1.2.2, §5.1.2.6",
    description: "Each revoked serial number is positive and at most 20 octets.",
    check: (t) => {
      const bad = t.parts.revokedEntries.findIndex((e) => bigintFromIntegerContents(e.serialNumber.contents) <= 0n || e.serialNumber.contents.length > 20);
      return bad === -1 ? undefined : `entry ${bad} has a serial number that is not positive or is longer than 20 octets`;
    },
  },
  {
    id: "e_crl_no_duplicate_serials",
    source: "RFC 5280 §5.1.2.6",
    description: "No serial number is listed twice.",
    check: (t) => {
      const serials = t.parts.revokedEntries.map((e) => e.serialNumber.contents.toString("hex"));
      const dup = serials.find((s, i) => serials.indexOf(s) !== i);
      return dup ? `serial ${dup} is listed twice` : undefined;
    },
  },
  {
    id: "e_crl_revocation_date_not_after_this_update",
    source: "RFC 5280 §5.1.2.6 (revocationDate is when revocation occurred)",
    description: "No revocationDate is later than thisUpdate.",
    check: (t) => {
      const bad = entries(t).findIndex((e) => e.revocationDate.getTime() > t.tbs.thisUpdate.getTime());
      return bad === -1 ? undefined : `entry ${bad} has a revocationDate after thisUpdate`;
    },
  },
  {
    id: "e_crl_reason_not_unspecified",
    source: "RFC 5280 §5.3.1 (unspecified SHOULD be absent); BR §7.2.2 (represented by omitting reasonCode)",
    description: "No reasonCode is unspecified (0); leave the extension out instead.",
    check: (t) => (reasons(t).includes(CRLReasons.unspecified) ? "a reasonCode is unspecified (0); omit the reasonCode extension instead" : undefined),
  },
  {
    id: "e_crl_reason_permitted",
    source: "BR §7.2.2 (CRLReasons table); RFC 5280 §5.3.1 (removeFromCRL only in delta CRLs)",
    description: "Each reasonCode is keyCompromise, affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn.",
    check: (t) => {
      const bad = reasons(t).find((r) => r !== CRLReasons.unspecified && !PERMITTED_CRL_REASONS.has(r));
      return bad === undefined ? undefined : `reasonCode ${CRLReasons[bad] ?? bad} is not permitted`;
    },
  },
  {
    id: "e_crl_reason_non_critical",
    source: "BR §7.2.2 (reasonCode MUST NOT be marked critical); RFC 5280 §5.3.1",
    description: "reasonCode extensions are non-critical, and each entry has at most one.",
    check: (t) => {
      if (reasonExtensions(t).some((e) => e.critical)) return "a reasonCode extension is critical";
      return entries(t).some((e) => findExtensions(e.crlEntryExtensions, OID.crlReason).length > 1) ? "an entry has two reasonCode extensions" : undefined;
    },
  },
];
