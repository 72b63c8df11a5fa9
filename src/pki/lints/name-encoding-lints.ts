/** Subject attribute encoding lints (CA/B BR §7.1.4.1, §7.1.4.2). */
import { ISO_3166_ALPHA_2 } from "../country-codes.ts";
import { ATTRIBUTE_BY_OID, ATTRIBUTE_OID } from "../name-attributes.ts";
import { readNameAttributes } from "../name-reader.ts";
import { isPrintableString } from "../printable-string.ts";
import type { Lint } from "./lint.ts";
import type { CertificateLintTarget } from "./targets.ts";

const subjectAttributes = (t: CertificateLintTarget) => readNameAttributes(t.parts.subject.bytes);
const nameOf = (oid: string): string => ATTRIBUTE_BY_OID.get(oid)?.short ?? oid;

export const NAME_ENCODING_LINTS: readonly Lint<CertificateLintTarget>[] = [
  {
    id: "e_subject_country_valid",
    source: "BR §7.1.2.10.2, §7.1.4.2 (ISO 3166-1 alpha-2, PrintableString)",
    description: "countryName is an assigned ISO 3166-1 two-letter code encoded as PrintableString.",
    check: (t) => {
      for (const a of subjectAttributes(t).filter((x) => x.oid === ATTRIBUTE_OID.countryName)) {
        if (a.stringType !== "PrintableString") return `countryName is a ${a.stringType ?? "non-string"}, not a PrintableString`;
        if (!a.text || !ISO_3166_ALPHA_2.has(a.text)) return `countryName "${a.text ?? ""}" is not an ISO 3166-1 alpha-2 code (upper case, e.g. GB, not UK)`;
      }
      return undefined;
    },
  },
  {
    id: "e_dn_string_types",
    source: "BR §7.1.4.2",
    description: "Each subject attribute uses the string type BR allows (PrintableString or UTF8String; C and serialNumber PrintableString; DC IA5String), with valid characters.",
    check: (t) => {
      for (const a of subjectAttributes(t)) {
        const spec = ATTRIBUTE_BY_OID.get(a.oid);
        const allowed = spec?.encoding === "printable" ? ["PrintableString"] : spec?.encoding === "ia5" ? ["IA5String"] : ["PrintableString", "UTF8String"];
        if (!a.stringType || !allowed.includes(a.stringType)) return `${nameOf(a.oid)} is encoded as ${a.stringType ?? `tag 0x${a.tag.toString(16)}`}; allowed: ${allowed.join(" or ")}`;
        if (a.text === undefined) return `${nameOf(a.oid)} is not a valid ${a.stringType}`;
        if (a.stringType === "PrintableString" && !isPrintableString(a.text)) return `${nameOf(a.oid)} has characters outside PrintableString`;
        if (a.stringType === "IA5String" && !/^[\x00-\x7f]*$/.test(a.text)) return `${nameOf(a.oid)} has characters outside IA5String`;
        if (a.text.length === 0) return `${nameOf(a.oid)} is empty`;
      }
      return undefined;
    },
  },
  {
    id: "e_subject_attribute_max_length",
    source: "BR §7.1.4.2 (maximum lengths); RFC 5280 Appendix A (ub-*)",
    description: "No subject attribute is longer than its upper bound in characters.",
    check: (t) => {
      for (const a of subjectAttributes(t)) {
        const max = ATTRIBUTE_BY_OID.get(a.oid)?.maxLength;
        const length = a.text === undefined ? 0 : [...a.text].length;
        if (max !== undefined && length > max) return `${nameOf(a.oid)} is ${length} characters, more than ${max}`;
      }
      return undefined;
    },
  },
  {
    id: "e_subject_single_attribute_rdns",
    source: "BR §7.1.4.1",
    description: "Each RDN holds exactly one attribute.",
    check: (t) => (subjectAttributes(t).some((a) => a.rdnSize !== 1) ? "the subject has a multi-valued RDN" : undefined),
  },
  {
    id: "e_subject_rdn_order",
    source: "BR §7.1.4.1, §7.1.4.2 (relative order of the attribute table)",
    description: "Subject attributes appear in BR's order: DC, C, ST, L, postalCode, street, O, SN, GN, OU, CN.",
    check: (t) => {
      let last = -1;
      let lastName = "";
      for (const a of subjectAttributes(t)) {
        const order = ATTRIBUTE_BY_OID.get(a.oid)?.order;
        if (order === undefined) continue;
        if (order < last) return `${nameOf(a.oid)} comes after ${lastName}; encode it before (an RFC 4514 string lists the last RDN first)`;
        last = order;
        lastName = nameOf(a.oid);
      }
      return undefined;
    },
  },
  {
    id: "e_subject_no_duplicate_attributes",
    source: "BR §7.1.4.1",
    description: "No attribute type appears twice, except those BR allows to repeat (streetAddress, domainComponent).",
    check: (t) => {
      const seen = new Set<string>();
      for (const a of subjectAttributes(t)) {
        if (seen.has(a.oid) && !ATTRIBUTE_BY_OID.get(a.oid)?.repeatable) return `${nameOf(a.oid)} appears more than once`;
        seen.add(a.oid);
      }
      return undefined;
    },
  },
];
