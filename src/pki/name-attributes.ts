/**
 * Subject attribute types this tool knows, with the encoding, upper bound and relative order
 * CA/B BR §7.1.4.2 requires (bounds are characters, also RFC 5280 Appendix A ub-* values).
 */
export type DnAttributeType =
  | "DC" | "C" | "ST" | "L" | "postalCode" | "street" | "O" | "OU" | "CN" | "serialNumber" | "organizationIdentifier";

export interface AttributeSpec {
  readonly short: string;
  readonly oid: string;
  /** "printable": PrintableString only; "ia5": IA5String only; "directory": UTF8String or PrintableString. */
  readonly encoding: "printable" | "ia5" | "directory";
  readonly maxLength?: number;
  /** Position in BR §7.1.4.2's ordered table; attributes without one are not ordered. */
  readonly order?: number;
  /** Whether a Name may repeat it (BR §7.1.2.10.2 allows several streetAddress). */
  readonly repeatable?: boolean;
  /** Whether ceremony parameters may set it. */
  readonly input: boolean;
}

export const ATTRIBUTE_SPECS: readonly AttributeSpec[] = [
  { short: "DC", oid: "0.9.2342.19200300.100.1.25", encoding: "ia5", maxLength: 63, order: 0, repeatable: true, input: true },
  { short: "C", oid: "2.5.4.6", encoding: "printable", maxLength: 2, order: 1, input: true },
  { short: "ST", oid: "2.5.4.8", encoding: "directory", maxLength: 128, order: 2, input: true },
  { short: "L", oid: "2.5.4.7", encoding: "directory", maxLength: 128, order: 3, input: true },
  { short: "postalCode", oid: "2.5.4.17", encoding: "directory", maxLength: 40, order: 4, input: true },
  { short: "street", oid: "2.5.4.9", encoding: "directory", maxLength: 128, order: 5, repeatable: true, input: true },
  { short: "O", oid: "2.5.4.10", encoding: "directory", maxLength: 64, order: 6, input: true },
  { short: "SN", oid: "2.5.4.4", encoding: "directory", maxLength: 64, order: 7, input: false },
  { short: "GN", oid: "2.5.4.42", encoding: "directory", maxLength: 64, order: 8, input: false },
  { short: "OU", oid: "2.5.4.11", encoding: "directory", maxLength: 64, order: 9, input: true },
  { short: "CN", oid: "2.5.4.3", encoding: "directory", maxLength: 64, order: 10, input: true },
  { short: "serialNumber", oid: "2.5.4.5", encoding: "printable", maxLength: 64, input: true },
  { short: "organizationIdentifier", oid: "2.5.4.97", encoding: "directory", input: true },
];

export const ATTRIBUTE_BY_OID: ReadonlyMap<string, AttributeSpec> = new Map(ATTRIBUTE_SPECS.map((s) => [s.oid, s]));

export const ATTRIBUTE_OID = {
  countryName: "2.5.4.6",
  organizationName: "2.5.4.10",
  organizationalUnitName: "2.5.4.11",
  commonName: "2.5.4.3",
} as const;

export function attributeByShortName(name: string): AttributeSpec | undefined {
  const lower = name.toLowerCase();
  return ATTRIBUTE_SPECS.find((s) => s.input && s.short.toLowerCase() === lower);
}
