/**
 * DER rules for primitive values that a TLV walk alone cannot see (X.690 §10–11): the encoding
 * of BOOLEAN, INTEGER, BIT STRING, NULL, OBJECT IDENTIFIER, string and time types, and the
 * ordering of SET OF. Used by the e_der_strict lint on everything this package signs.
 */
import { DerError, TAG, walkDer, childrenOf } from "./der-reader.ts";
import type { Tlv } from "./der-reader.ts";
import { isPrintableString } from "./printable-string.ts";

const MUST_BE_PRIMITIVE = new Set<number>([
  TAG.BOOLEAN, TAG.INTEGER, TAG.BIT_STRING, TAG.OCTET_STRING, TAG.NULL, TAG.OID, TAG.ENUMERATED,
  TAG.UTF8_STRING, TAG.PRINTABLE_STRING, TAG.IA5_STRING, TAG.UTC_TIME, TAG.GENERALIZED_TIME,
]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

function primitiveViolation(tlv: Tlv): string | undefined {
  const c = tlv.contents;
  switch (tlv.tag) {
    case TAG.BOOLEAN:
      return c.length === 1 && (c[0] === 0x00 || c[0] === 0xff) ? undefined : "BOOLEAN must be one octet, 00 or FF (X.690 §11.1)";
    case TAG.INTEGER:
    case TAG.ENUMERATED:
      if (c.length === 0) return "INTEGER has no contents octets (X.690 §8.3.1)";
      if (c.length > 1 && ((c[0] === 0x00 && ((c[1] as number) & 0x80) === 0) || (c[0] === 0xff && ((c[1] as number) & 0x80) !== 0))) {
        return "INTEGER is not in minimal form (X.690 §8.3.2)";
      }
      return undefined;
    case TAG.BIT_STRING: {
      if (c.length === 0) return "BIT STRING has no unused-bits octet (X.690 §8.6.2)";
      const unused = c[0] as number;
      if (unused > 7 || (c.length === 1 && unused !== 0)) return "BIT STRING unused-bits octet is invalid (X.690 §8.6.2)";
      if (unused > 0 && (((c[c.length - 1] as number) & ((1 << unused) - 1)) !== 0)) return "BIT STRING unused bits are not zero (X.690 §11.2.1)";
      return undefined;
    }
    case TAG.NULL:
      return c.length === 0 ? undefined : "NULL has contents (X.690 §8.8.2)";
    case TAG.OID:
      if (c.length === 0 || ((c[c.length - 1] as number) & 0x80) !== 0) return "OBJECT IDENTIFIER is truncated (X.690 §8.19)";
      for (let i = 0; i < c.length; i++) {
        if (c[i] === 0x80 && (i === 0 || ((c[i - 1] as number) & 0x80) === 0)) return "OBJECT IDENTIFIER sub-identifier is not minimal (X.690 §8.19.2)";
      }
      return undefined;
    case TAG.UTF8_STRING:
      try {
        utf8.decode(c);
        return undefined;
      } catch {
        return "UTF8String is not valid UTF-8";
      }
    case TAG.PRINTABLE_STRING:
      return isPrintableString(c.toString("latin1")) ? undefined : "PrintableString has characters outside its set (X.680 §41.4)";
    case TAG.IA5_STRING:
      return c.every((b) => b < 0x80) ? undefined : "IA5String has non-ASCII octets";
    case TAG.UTC_TIME:
      return /^\d{12}Z$/.test(c.toString("latin1")) ? undefined : "UTCTime must be YYMMDDHHMMSSZ (X.690 §11.8, RFC 5280 §4.1.2.5.1)";
    case TAG.GENERALIZED_TIME:
      return /^\d{14}Z$/.test(c.toString("latin1")) ? undefined : "GeneralizedTime must be YYYYMMDDHHMMSSZ (X.690 §11.7, RFC 5280 §4.1.2.5.2)";
    default:
      return undefined;
  }
}

/** Lists DER violations in `der`; empty when it is canonical as far as these rules reach. */
export function derViolations(der: Buffer, maxDepth = 64): string[] {
  const found: string[] = [];
  try {
    walkDer(der, maxDepth, (tlv) => {
      const universal = (tlv.tag & 0xc0) === 0;
      if (!universal) return;
      const number = tlv.tag & 0x1f;
      if (tlv.constructed && MUST_BE_PRIMITIVE.has(number)) {
        found.push(`constructed encoding of a primitive type (tag ${number}) at byte ${tlv.offset} (X.690 §10.2)`);
        return;
      }
      if ((number === 0x10 || number === 0x11) && !tlv.constructed) {
        found.push(`SEQUENCE/SET with primitive encoding at byte ${tlv.offset}`);
        return;
      }
      if (tlv.tag === TAG.SET) {
        const kids = childrenOf(tlv);
        for (let i = 1; i < kids.length; i++) {
          if (Buffer.compare((kids[i - 1] as Tlv).bytes, (kids[i] as Tlv).bytes) > 0) {
            found.push(`SET OF elements are not in ascending order at byte ${tlv.offset} (X.690 §11.6)`);
            break;
          }
        }
        return;
      }
      const problem = primitiveViolation(tlv);
      if (problem) found.push(`${problem} at byte ${tlv.offset}`);
    });
  } catch (e) {
    if (e instanceof DerError) found.push(e.message);
    else throw e;
  }
  return found;
}
