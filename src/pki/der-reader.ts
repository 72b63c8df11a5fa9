/**
 * The DER reader of src/common (the project's one DER module), with TLVs typed as Buffers: the
 * certificate code reads what it parses with Buffer methods. No decoding is done here.
 */
import type { Tlv as DerTlv } from "../common/der-reader.ts";

export { DerError, TAG, bigintFromIntegerContents, childrenOf, oidFromContents, readSingleTlv, readTlv, walkDer } from "../common/der-reader.ts";
export type Tlv = DerTlv<Buffer>;
