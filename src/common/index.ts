/**
 * The pure layer: no Node, DOM or Electron imports, so the core (src/) and the renderer both use
 * it, as VS Code's `common/` is shared. It imports nothing outside itself (eslint.config.js).
 */
export { type BytesOrHex, toBytes, toUpperHex } from "./hex.ts";
export {
  type ReadAloudFingerprint,
  fingerprintForReadAloud,
  formatHexGroups,
  hexGroupList,
  pgpWords,
} from "./fingerprint.ts";
export { PGP_EVEN_WORDS, PGP_ODD_WORDS } from "./pgp-word-list.ts";
export {
  fingerprintWords,
  formatFingerprint,
  formatFingerprintPrefix,
  formatHex,
  formatKcv,
  formatKeyId,
  formatOutputDetail,
  formatOutputValue,
  formatSerial,
  formatSetId,
  formatUtc,
  formatUtcClock,
  formatUtcDate,
  outputTextLines,
  isHexDetail,
} from "./format.ts";
export { TERMINAL_WIDTH, columns, fitLine, fitText, labelledLines, wrapWords } from "./terminal-text.ts";
export { ROLES, ROLE_TITLES, type Role, roleTitle, roleTitlePlural } from "./roles.ts";
export { rotationIsDue, rotationScriptFor } from "./rotation.ts";
export { ADVICE_KINDS, ADVICE_TEXT, type AdviceKind, type FailureOffer, type StepNeed, failureOffer } from "./advice.ts";
export {
  COPY_STATUSES,
  type CardCopy,
  type CopiesVerdict,
  type CopyStatus,
  type KeyCopy,
  type TokenCopy,
  type WrappedKeyCopy,
  copiesVerdict,
  copyIdentity,
  describeCopy,
  describeFate,
  describeRemaining,
  isAccountedFor,
  remainingCopies,
  verdictText,
} from "./key-copies.ts";
export { abortedKeyAdvice } from "./aborted-keys.ts";
export {
  type NamedWitnessAssignment,
  type NamedWitnessRule,
  type TitledPerson,
  assignNamedWitnesses,
  describeNamedWitness,
  normaliseTitle,
  titleFills,
  titleList,
} from "./named-witnesses.ts";
