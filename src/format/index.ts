export { type BytesOrHex, toBytes, toUpperHex } from "./hex.ts";
export {
  type ReadAloudFingerprint,
  fingerprintForReadAloud,
  formatHexGroups,
  hexGroupList,
  pgpWords,
} from "./fingerprint.ts";
export { PGP_EVEN_WORDS, PGP_ODD_WORDS } from "./pgp-word-list.ts";
