/** Reads an encoded Name attribute by attribute, keeping each value's string type (RFC 5280 §4.1.2.4). */
import { DerError, childrenOf, oidFromContents, readSingleTlv } from "./der-reader.ts";

export const STRING_TYPES: Readonly<Record<number, string>> = {
  0x0c: "UTF8String",
  0x13: "PrintableString",
  0x14: "TeletexString",
  0x16: "IA5String",
  0x1c: "UniversalString",
  0x1e: "BMPString",
};

export interface NameAttribute {
  readonly rdnIndex: number;
  /** How many attributes share this RDN (1 unless multi-valued). */
  readonly rdnSize: number;
  readonly oid: string;
  readonly tag: number;
  readonly stringType: string | undefined;
  /** The value as text, undefined for a type that is not a string this reader decodes. */
  readonly text: string | undefined;
}

function decodeText(tag: number, contents: Buffer): string | undefined {
  switch (tag) {
    case 0x0c:
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(contents);
      } catch {
        return undefined;
      }
    case 0x13:
    case 0x16:
      return contents.toString("latin1");
    case 0x1e: {
      if (contents.length % 2 !== 0) return undefined;
      const swapped = Buffer.from(contents);
      swapped.swap16();
      return swapped.toString("utf16le");
    }
    default:
      return undefined;
  }
}

export function readNameAttributes(nameDer: Buffer): NameAttribute[] {
  const name = readSingleTlv(nameDer);
  if (name.tag !== 0x30) throw new DerError("a Name must be a SEQUENCE (RDNSequence)", 0);
  return childrenOf(name).flatMap((rdn, rdnIndex) => {
    if (rdn.tag !== 0x31) throw new DerError("an RDN must be a SET", rdn.offset);
    const atvs = childrenOf(rdn);
    return atvs.map((atv) => {
      const [type, value, extra] = childrenOf(atv);
      if (!type || type.tag !== 0x06 || !value || extra) throw new DerError("an AttributeTypeAndValue is malformed", atv.offset);
      return {
        rdnIndex,
        rdnSize: atvs.length,
        oid: oidFromContents(type.contents),
        tag: value.tag,
        stringType: STRING_TYPES[value.tag],
        text: decodeText(value.tag, value.contents),
      };
    });
  });
}
