/**
 * Distinguished names: ceremony input (an RFC 4514 string or a list of attributes) to an
 * X.501 Name, and a Name back to an RFC 4514 string for display.
 *
 * Order matters. A list is given in encoding order, most significant first
 * ([{C}, {O}, {CN}]). An RFC 4514 string is written the other way round (RFC 4514 §2.1:
 * "CN=Example Root,O=Example,C=GB" encodes C first); the e_subject_rdn_order lint refuses a
 * string written in the wrong direction.
 *
 * Values use PrintableString when every character allows it, else UTF8String (BR §7.1.4.2);
 * countryName and serialNumber are always PrintableString, domainComponent IA5String. The
 * choice is deterministic, so the same input always encodes to the same bytes, which
 * BR §7.1.4.1 requires across re-issuance.
 */
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import { PkiInputError } from "./errors.ts";
import { ATTRIBUTE_BY_OID, attributeByShortName } from "./name-attributes.ts";
import type { AttributeSpec, DnAttributeType } from "./name-attributes.ts";
import { isPrintableString } from "./printable-string.ts";

export interface DnAttribute {
  readonly type: DnAttributeType;
  readonly value: string;
}

/** An RFC 4514 string, or attributes in encoding order (most significant first). */
export type DistinguishedNameInput = string | readonly DnAttribute[];

const CONTROL = /[\u0000-\u001f\u007f]/;

export function buildName(input: DistinguishedNameInput, path: string): Name {
  const attributes = typeof input === "string" ? parseRfc4514(input, path) : input;
  if (!Array.isArray(attributes) || attributes.length === 0) {
    throw new PkiInputError("SUBJECT_INVALID", `${path} is empty; a CA certificate needs a subject such as "CN=Example Root CA,O=Example Ltd,C=GB".`);
  }
  return new Name(
    attributes.map((a, i) => {
      const spec = typeof a?.type === "string" ? attributeByShortName(a.type) : undefined;
      if (!spec) throw new PkiInputError("SUBJECT_INVALID", `${path}[${i}].type "${String(a?.type)}" is not one of C, ST, L, postalCode, street, O, OU, CN, serialNumber, organizationIdentifier, DC.`);
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: spec.oid, value: encodeValue(spec, a.value, `${path}[${i}] (${spec.short})`) })]);
    }),
  );
}

function encodeValue(spec: AttributeSpec, value: unknown, where: string): AttributeValue {
  if (typeof value !== "string" || value.length === 0) throw new PkiInputError("SUBJECT_INVALID", `${where} has an empty value; give a value or leave the attribute out.`);
  if (CONTROL.test(value)) throw new PkiInputError("SUBJECT_INVALID", `${where} contains a control character; remove it.`);
  if (value !== value.trim()) throw new PkiInputError("SUBJECT_INVALID", `${where} has leading or trailing spaces; remove them.`);
  switch (spec.encoding) {
    case "printable":
      if (!isPrintableString(value)) throw new PkiInputError("SUBJECT_INVALID", `${where} must use only PrintableString characters (A–Z, a–z, 0–9, space and '()+,-./:=?), BR §7.1.4.2.`);
      return new AttributeValue({ printableString: value });
    case "ia5":
      if (!/^[\x20-\x7e]+$/.test(value)) throw new PkiInputError("SUBJECT_INVALID", `${where} must be ASCII (IA5String), BR §7.1.4.2.`);
      return new AttributeValue({ ia5String: value });
    case "directory":
      return isPrintableString(value) ? new AttributeValue({ printableString: value }) : new AttributeValue({ utf8String: value });
  }
}

/** Parses an RFC 4514 string into attributes in encoding order. Multi-valued RDNs are refused (BR §7.1.4.1). */
export function parseRfc4514(text: string, path: string): DnAttribute[] {
  const fail = (why: string): never => {
    throw new PkiInputError("SUBJECT_INVALID", `${path} "${text}" is not a usable RFC 4514 name: ${why}.`);
  };
  if (text.trim() === "") fail("it is empty");
  const rdns: DnAttribute[] = [];
  let i = 0;
  while (i <= text.length) {
    let type = "";
    while (i < text.length && text[i] !== "=") {
      if (text[i] === "," || text[i] === "+") fail(`"${type.trim()}" has no "="`);
      type += text[i++];
    }
    if (i >= text.length) fail(`"${type.trim()}" has no "="`);
    i++;
    const bytes: number[] = [];
    let trailingSpaces = 0;
    let sawValue = false;
    if (text[i] === "#") fail("hex-encoded (#) values are not accepted");
    while (i < text.length && text[i] !== ",") {
      const ch = text[i] as string;
      if (ch === "+") fail("multi-valued RDNs (+) are not allowed, BR §7.1.4.1");
      if (ch === "\\") {
        const next = text.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          bytes.push(parseInt(next, 16));
          i += 3;
        } else if (i + 1 < text.length && ',+"\\<>;= #'.includes(text[i + 1] as string)) {
          bytes.push((text[i + 1] as string).charCodeAt(0));
          i += 2;
        } else {
          fail(`"\\" at position ${i} escapes nothing escapable`);
        }
        sawValue = true;
        trailingSpaces = 0;
        continue;
      }
      if (ch === " " && !sawValue) {
        i++;
        continue;
      }
      if ('"<>;'.includes(ch)) fail(`"${ch}" must be escaped`);
      const encoded = Buffer.from(ch, "utf8");
      bytes.push(...encoded);
      trailingSpaces = ch === " " ? trailingSpaces + 1 : 0;
      sawValue = true;
      i++;
    }
    let value: string;
    try {
      value = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)));
    } catch {
      return fail("an escaped value is not valid UTF-8");
    }
    const spec = attributeByShortName(type.trim());
    if (!spec) fail(`"${type.trim()}" is not one of C, ST, L, postalCode, street, O, OU, CN, serialNumber, organizationIdentifier, DC`);
    rdns.push({ type: (spec as AttributeSpec).short as DnAttributeType, value });
    if (i >= text.length) break;
    i++; // the comma
    while (text[i] === " ") i++;
  }
  return rdns.reverse();
}

/** An X.501 Name as an RFC 4514 string, most specific RDN first. */
export function nameToString(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) => [...rdn].map((atv) => `${ATTRIBUTE_BY_OID.get(atv.type)?.short ?? atv.type}=${formatValue(atv.value)}`).join("+"))
    .join(",");
}

function formatValue(value: AttributeValue): string {
  if (value.anyValue) return `#${Buffer.from(value.anyValue).toString("hex")}`;
  const s = value.ia5String ?? value.toString();
  return s
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ")
    .replace(/\u0000/g, "\\00");
}
