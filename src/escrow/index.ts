/**
 * Escrow: the share format (docs/share-format.md), split and combine of the escrow key, key
 * check values and software RFC 5649 for verification. Pure: no PKCS#11 here.
 */
export { splitEscrowKey } from "./split-escrow-key.ts";
export type { SplitOptions } from "./split-escrow-key.ts";
export { combineShares } from "./combine-shares.ts";
export { decodeShare, wipeDecodedShares } from "./share-decode.ts";
export type { DecodedShare, DecodeShareOptions } from "./share-decode.ts";
export { encodeShareEnvelope } from "./share-encode.ts";
export type { EncodedShare } from "./share-encode.ts";
export {
  ENVELOPE_LENGTH,
  ESCROW_KEY_LENGTH,
  MAX_SHARES,
  SET_ID_LENGTH,
  SHARE_FORMAT_VERSION,
  serializeShareEnvelope,
  setIdHex,
  shareFingerprint,
} from "./share-envelope.ts";
export type { ShareEnvelope } from "./share-envelope.ts";
export { QR_PREFIX, SHARE_WORD_COUNT } from "./share-words.ts";
export {
  DuplicateShareError,
  InconsistentShareError,
  MalformedShareError,
  ShareChecksumError,
  ShareCombineError,
  ShareDecodeError,
  ShareNumberingError,
  ShareParameterMismatchError,
  ShareSetMismatchError,
  ShareVersionError,
  ShareWordCountError,
  TooFewSharesError,
  UnknownShareWordError,
} from "./share-errors.ts";
export type { ChecksumSuspect, NumberingProblem } from "./share-errors.ts";
export { KCV_CMAC_LENGTH, KCV_ECB0_LENGTH, kcvCmac, kcvEcb0, keyCheckValues } from "./kcv.ts";
export type { KeyCheckValues } from "./kcv.ts";
export { aesCmac } from "./aes-cmac.ts";
export { KeyUnwrapError, RFC5649_AIV, unwrapKeyWithPadding, wrapKeyWithPadding } from "./key-wrap.ts";
export { KcvMismatchError, verifyEscrowOffline } from "./verify-escrow-offline.ts";
export type { OfflineVerification } from "./verify-escrow-offline.ts";
