import { CeremonyError } from "../errors.ts";

/**
 * Errors raised by the journal and by the pure chain and canonical-JSON modules. This file must
 * stay free of better-sqlite3: src/transcript imports it (through chain.ts and canonical-json.ts)
 * and is imported on its own by the online system.
 */

/** A value cannot be written as canonical JSON (RFC 8785). `path` names where, e.g. `body.items[2]`. */
export class CanonicalJsonError extends CeremonyError {
  readonly path: string;
  constructor(path: string, problem: string, hint?: string) {
    super("CANONICAL_JSON_INVALID", `${path} ${problem}.${hint ? ` ${hint}` : ""}`);
    this.path = path;
  }
}

/** The stored chain does not verify: an event was edited, removed, inserted or reordered. */
export class JournalTamperedError extends CeremonyError {
  readonly ceremonyId: string;
  readonly seq: number;
  constructor(ceremonyId: string, seq: number, problem: string) {
    super(
      "JOURNAL_TAMPERED",
      `Journal of ceremony ${ceremonyId}: ${problem}. The journal file was changed outside this program; ` +
        "do not continue this ceremony with it. Keep the file for investigation and compare it with the heads the witnesses wrote down.",
    );
    this.ceremonyId = ceremonyId;
    this.seq = seq;
  }
}

/** `append` was given a body that holds a secret (a PIN, a share, key bytes...). */
export class JournalSecretRefusedError extends CeremonyError {
  readonly path: string;
  constructor(path: string, why: string) {
    super(
      "JOURNAL_SECRET_REFUSED",
      `Refused to journal ${path}: ${why}. Secrets never go into the journal; record a fingerprint or a check value instead.`,
    );
    this.path = path;
  }
}

/** An event whose type is unknown, or whose body does not fit its type's schema (src/events). */
export class JournalEventInvalidError extends CeremonyError {
  readonly eventType: string;
  readonly field: string;
  constructor(eventType: string, field: string, problem: string) {
    super("JOURNAL_EVENT_INVALID", `Refused to journal a ${eventType} event: ${field} ${problem}. This is a defect of the program; stop and call the ceremony administrator.`);
    this.eventType = eventType;
    this.field = field;
  }
}

/** A caller passed an argument the journal cannot store (empty ceremony id, unknown key...). */
export class JournalArgumentError extends CeremonyError {
  constructor(message: string) {
    super("JOURNAL_ARGUMENT_INVALID", message);
  }
}

/** The journal file cannot be used: newer schema, not a journal, closed. */
export class JournalUnavailableError extends CeremonyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("JOURNAL_UNAVAILABLE", message, options);
  }
}

/** The key inventory refuses a change that would rewrite history (a destroyed key, a changed fingerprint). */
export class KeyInventoryConflictError extends CeremonyError {
  constructor(message: string) {
    super("KEY_INVENTORY_CONFLICT", message);
  }
}
