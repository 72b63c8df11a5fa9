/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2), read exactly. */
import { DerError, childrenOf, oidFromContents, readSingleTlv } from "./der-reader.ts";

/** The OID and the encoded parameters as hex ("0500" for NULL), undefined when absent. */
export function algorithmIdentifierParts(der: Buffer): { oid: string; paramsHex: string | undefined } {
  const tlv = readSingleTlv(der);
  if (tlv.tag !== 0x30) throw new DerError("an AlgorithmIdentifier must be a SEQUENCE", 0);
  const [oid, params, extra] = childrenOf(tlv);
  if (!oid || oid.tag !== 0x06 || extra) throw new DerError("an AlgorithmIdentifier must be SEQUENCE { OID, parameters OPTIONAL }", 0);
  return { oid: oidFromContents(oid.contents), paramsHex: params ? params.bytes.toString("hex") : undefined };
}
