import { entry } from "./advice.ts";

/** The journal, its chain and canonical JSON (src/journal). */
export const JOURNAL_ERRORS = {
  CANONICAL_JSON_INVALID: entry("journal", ["CanonicalJsonError"], "stop", "A value cannot be written as canonical JSON (RFC 8785). This is a fault in the program; stop and report it."),
  JOURNAL_TAMPERED: entry(
    "journal",
    ["JournalTamperedError"],
    "stop",
    "The journal's chain does not verify: it was changed outside this program. Do not continue this ceremony with it; keep the file and compare it with the heads the witnesses wrote down.",
  ),
  JOURNAL_SECRET_REFUSED: entry("journal", ["JournalSecretRefusedError"], "stop", "Something tried to journal a secret; it was refused. This is a fault in the program; stop and report it."),
  JOURNAL_ARGUMENT_INVALID: entry("journal", ["JournalArgumentError"], "stop", "The journal was asked to store something it cannot. This is a fault in the program; stop and report it."),
  JOURNAL_UNAVAILABLE: entry(
    "journal",
    ["JournalUnavailableError"],
    "retry",
    "The journal file cannot be used right now (disk full, read-only, closed, or a newer or foreign file). Do what the message says, then retry.",
  ),
  JOURNAL_EVENT_INVALID: entry(
    "journal",
    ["JournalEventInvalidError"],
    "stop",
    "An event of an unknown type, or whose body does not fit its type's schema, was refused. This is a defect of the program; stop and call the ceremony administrator.",
  ),
  KEY_INVENTORY_CONFLICT: entry("journal", ["KeyInventoryConflictError"], "stop", "The key inventory refused a change that would rewrite history. Stop and call the ceremony administrator."),
} as const;
