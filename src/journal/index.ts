/**
 * The journal. Importing this pulls in better-sqlite3; code that must not (src/transcript, the
 * online system) imports ./chain.ts, ./canonical-json.ts and ./secret-guard.ts directly.
 */
export { Journal, type Clock, type JournalEvent, type JournalOptions } from "./journal.ts";
export {
  type ChainedEvent,
  type Checkpoint,
  type JournalRecord,
  ChainWalker,
  LeafHasher,
  GENESIS_HEAD,
  GENESIS_HEAD_HEX,
  MILESTONE_DIGITS,
  chainBreakProblem,
  chainHeads,
  leafHash,
  milestoneOf,
  nextHead,
  recordBytes,
  recordJson,
  recordShapeProblem,
} from "./chain.ts";
export { canonicalJson, canonicalJsonBytes, decodeUtf8Strict, parseCanonicalJson, provenCanonical } from "./canonical-json.ts";
export { type SecretFinding, findSecret } from "./secret-guard.ts";
export {
  type InventoryKey,
  type KeyInput,
  type KeyRecord,
  type KeyRef,
  type KeyStatus,
  type Supersession,
  ROTATION_WARNING_DAYS,
  keyStatus,
} from "./key-inventory.ts";
export {
  type EscrowCopyFate,
  type EscrowCopyRef,
  type EscrowSetInput,
  type EscrowSetRecord,
  type EscrowSetRevocation,
  type KeyIdentity,
  type KeyWithCopies,
} from "./key-copy-inventory.ts";
export { JOURNAL_APPLICATION_ID, migrate, schemaVersion } from "./migrate.ts";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations/index.ts";
export { type StoredRow, verifyStoredRows } from "./stored-chain.ts";
export {
  CanonicalJsonError,
  JournalArgumentError,
  JournalEventInvalidError,
  JournalSecretRefusedError,
  JournalTamperedError,
  JournalUnavailableError,
  KeyInventoryConflictError,
} from "./errors.ts";
