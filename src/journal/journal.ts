/**
 * The journal: an append-only, hash-chained event log per ceremony in one SQLite file, plus the
 * key inventory and CRL numbers. Every append is one transaction with synchronous=FULL, so once
 * `append` returns the event survives a power cut (docs/architecture.md: a crash at any point loses nothing).
 * Opening verifies every ceremony's chain before anything else can read or write.
 */
import Database from "better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { canonicalJson } from "./canonical-json.ts";
import { type ChainedEvent, type Checkpoint, GENESIS_HEAD, leafHash, milestoneOf, nextHead, recordJson } from "./chain.ts";
import { type EventBody, type EventType, type RecordedEvent, eventMisfit } from "../events/index.ts";
import { JournalArgumentError, JournalEventInvalidError, JournalSecretRefusedError, JournalUnavailableError } from "./errors.ts";
import { CredentialTable, type StoredCredential } from "./credential-table.ts";
import { type InventoryKey, type KeyInput, KeyInventory, type KeyRecord, type KeyRef, type Supersession } from "./key-inventory.ts";
import { type EscrowCopyFate, type EscrowCopyRef, type EscrowSetInput, type EscrowSetRecord, KeyCopyInventory, type KeyWithCopies } from "./key-copy-inventory.ts";
import { migrate } from "./migrate.ts";
import { findQuotedWord, findSecret } from "./secret-guard.ts";
import { type StoredRow, verifyStoredRows } from "./stored-chain.ts";

export type Clock = () => Date;

/** A stored event with its body typed by its `type` (src/events): `switch (e.type)` narrows `e.body`. */
export type JournalEvent = RecordedEvent;

export interface JournalOptions {
  /** Source of event times; tests pass a fixed clock. */
  clock?: Clock;
}

const BODY_MAX_DEPTH = 32;
// Printable, no control characters: ids are shown to officers and written into file names.
const IDENTIFIER = /^[^\p{Cc}]{1,200}$/u;

export class Journal {
  /**
   * Each ceremony's events as last read or appended, decoded once and frozen (see events()). An
   * event never changes once stored, so only the rows after the last one read need decoding.
   */
  private readonly decoded = new Map<string, { events: JournalEvent[]; head: string }>();
  /** Share words being typed now (guardWords); never stored. */
  private readonly guardedWords = new Set<string>();
  private readonly inventory: KeyInventory;
  private readonly copyInventory: KeyCopyInventory;
  private readonly credentialTable: CredentialTable;
  private readonly selectLast: BetterSqlite3.Statement<[string], { seq: number; head: Buffer }>;
  private readonly insertEvent: BetterSqlite3.Statement<[string, number, Buffer, Buffer, Buffer]>;
  private readonly selectRows: BetterSqlite3.Statement<[string], StoredRow>;
  private readonly selectRowsAfter: BetterSqlite3.Statement<[string, number], StoredRow>;
  private readonly selectCeremonies: BetterSqlite3.Statement<[], string>;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly clock: Clock,
  ) {
    this.inventory = new KeyInventory(db);
    this.copyInventory = new KeyCopyInventory(db);
    this.credentialTable = new CredentialTable(db);
    this.selectLast = db.prepare("SELECT seq, head FROM events WHERE ceremony_id = ? ORDER BY seq DESC LIMIT 1");
    this.insertEvent = db.prepare("INSERT INTO events (ceremony_id, seq, record, leaf, head) VALUES (?, ?, ?, ?, ?)");
    this.selectRows = db.prepare("SELECT seq, record, leaf, head FROM events WHERE ceremony_id = ? ORDER BY seq");
    this.selectRowsAfter = db.prepare("SELECT seq, record, leaf, head FROM events WHERE ceremony_id = ? AND seq > ? ORDER BY seq");
    // Ordered by first appearance; grouping (rather than seq = 0) still lists a ceremony whose first event was deleted.
    this.selectCeremonies = db.prepare<[], string>("SELECT ceremony_id FROM events GROUP BY ceremony_id ORDER BY min(rowid)").pluck();
  }

  /**
   * Opens (or creates) the journal at `path`, migrates it to the current schema and verifies the
   * chain of every ceremony in it. Throws JournalTamperedError naming the first bad event.
   */
  static open(path: string, options: JournalOptions = {}): Journal {
    let db: BetterSqlite3.Database;
    try {
      db = new Database(path);
    } catch (cause) {
      throw new JournalUnavailableError(`Cannot open the journal at ${path}: ${(cause as Error).message}. Check the path and that you may write there.`, {
        cause,
      });
    }
    try {
      // WAL keeps readers off the writer's back; FULL makes every commit fsync the WAL, which is
      // what lets append() promise durability (sqlite.org/pragma.html#pragma_synchronous).
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") throw new JournalUnavailableError(`The journal at ${path} cannot use write-ahead logging (got ${String(mode)}). Put it on a local disk.`);
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      // Deleted rows (a finished ceremony's attestation PIN hashes) are overwritten, not left in free pages.
      db.pragma("secure_delete = ON");
      migrate(db);
      const journal = new Journal(db, options.clock ?? (() => new Date()));
      for (const ceremonyId of journal.ceremonies()) journal.verifyChain(ceremonyId);
      return journal;
    } catch (error) {
      db.close();
      const storage = storageFailure(path, error, "open");
      if (storage) throw storage;
      if (error instanceof Error && error.name === "SqliteError") {
        throw new JournalUnavailableError(`Cannot use ${path} as a journal: ${error.message}. Choose a new file for the journal.`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Until the returned function is called, `append` refuses any event that quotes one of `words`
   * (the share words a holder is typing; see findQuotedWord). Kept in memory only.
   */
  guardWords(words: Iterable<string>): () => void {
    const added = [...new Set([...words].map((w) => w.toLowerCase()))].filter((w) => !this.guardedWords.has(w));
    for (const w of added) this.guardedWords.add(w);
    return () => {
      for (const w of added) this.guardedWords.delete(w);
    };
  }

  /**
   * Appends one event and returns it as stored, with its seq and chain head. The record, leaf and
   * head are written in one immediate transaction, so two appends can never take the same seq.
   */
  append<T extends EventType>(ceremonyId: string, actor: string, type: T, body: EventBody<T>): JournalEvent {
    const db = this.openDb();
    requireIdentifier(ceremonyId, "ceremonyId");
    requireIdentifier(actor, "actor");
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new JournalArgumentError("An event body must be a JSON object.");
    // The secret guard runs first: a body that holds a secret is refused as such, whatever its shape.
    const secret = findSecret(body as Record<string, unknown>) ?? findQuotedWord(body as Record<string, unknown>, this.guardedWords);
    if (secret) throw new JournalSecretRefusedError(secret.path, secret.why);
    // Half the canonical JSON limit: the body sits a few levels down inside a transcript, which
    // must still serialize.
    canonicalJson(body, "body", BODY_MAX_DEPTH);
    const misfit = eventMisfit(String(type), body);
    if (misfit) throw new JournalEventInvalidError(misfit.type, misfit.field, misfit.problem);

    try {
      return this.appendTransaction(db, ceremonyId, actor, type, body as Record<string, unknown>) as JournalEvent;
    } catch (error) {
      throw storageFailure(db.name, error, "write") ?? error;
    }
  }

  private appendTransaction(db: BetterSqlite3.Database, ceremonyId: string, actor: string, type: string, body: Record<string, unknown>): ChainedEvent {
    return db
      .transaction((): ChainedEvent => {
        const last = this.selectLast.get(ceremonyId);
        const seq = last ? last.seq + 1 : 0;
        const now = this.clock();
        if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new JournalArgumentError("The clock returned an invalid time.");
        const record = { ceremonyId, seq, time: now.toISOString(), actor, type, body };
        const bytes = Buffer.from(recordJson(record), "utf8");
        const leaf = leafHash(bytes);
        const head = nextHead(last ? last.head : GENESIS_HEAD, leaf);
        this.insertEvent.run(ceremonyId, seq, bytes, leaf, head);
        // Return what was stored, not the caller's object, which it may still mutate.
        return { ...(JSON.parse(bytes.toString("utf8")) as typeof record), head: head.toString("hex") };
      })
      .immediate();
  }

  /**
   * All events of a ceremony in seq order, decoded from the stored bytes. Typed without a second
   * parse: every body was checked against its schema when it was appended, and opening the
   * journal verified the chain (and every body) since.
   *
   * The runner and the screens ask for the events after every step, so the decoded events are
   * kept: a call reads the last stored row and decodes only the rows after the ones it already
   * holds (another process's appends included); a journal whose last row is not the one held
   * (rewritten under us) is read again whole. The events are frozen, shared between calls: a
   * caller that needs to change one copies it.
   */
  events(ceremonyId: string): JournalEvent[] {
    this.openDb();
    const last = this.selectLast.get(ceremonyId);
    if (!last) {
      this.decoded.delete(ceremonyId);
      return [];
    }
    let held = this.decoded.get(ceremonyId);
    const heldLast = held?.events.at(-1);
    if (held && heldLast && (last.seq < heldLast.seq || (last.seq === heldLast.seq && last.head.toString("hex") !== held.head))) held = undefined;
    if (!held || last.seq !== held.events.at(-1)!.seq) {
      const from = held?.events.at(-1)?.seq ?? -1;
      const rows = from < 0 ? this.selectRows.all(ceremonyId) : this.selectRowsAfter.all(ceremonyId, from);
      const events = held ? held.events : [];
      for (const row of rows) events.push(decodedEvent(row.record, row.head));
      held = { events, head: rows.at(-1)?.head.toString("hex") ?? held?.head ?? "" };
      this.decoded.set(ceremonyId, held);
    }
    return held.events.slice();
  }

  /** {ceremonyId, eventCount, head} after the last event; a transcript carries it so truncation is caught. */
  checkpoint(ceremonyId: string): Checkpoint {
    this.openDb();
    const last = this.selectLast.get(ceremonyId);
    if (!last) throw new JournalArgumentError(`The journal has no events for ceremony ${ceremonyId}. Check the ceremony id.`);
    return { ceremonyId, eventCount: last.seq + 1, head: last.head.toString("hex") };
  }

  /** First 8 hex digits of the current head, for the witnesses to copy onto the paper script. */
  milestoneHead(ceremonyId: string): string {
    return milestoneOf(this.checkpoint(ceremonyId).head);
  }

  /** Ids of the ceremonies in this journal, in the order they began. */
  ceremonies(): string[] {
    this.openDb();
    return this.selectCeremonies.all();
  }

  /** Recomputes the chain from the stored bytes; throws JournalTamperedError at the first bad event. */
  verifyChain(ceremonyId: string): Checkpoint {
    this.openDb();
    return verifyStoredRows(ceremonyId, this.selectRows.iterate(ceremonyId));
  }

  upsertKey(key: KeyInput): KeyRecord {
    this.openDb();
    return this.inventory.upsert(key);
  }

  /** `at` (default now) and `note` for a copy destroyed elsewhere and recorded here (KeyInventory.markDestroyed). */
  markDestroyed(key: KeyRef, ceremonyId: string, options: { at?: string; note?: string | null } = {}): KeyRecord {
    this.openDb();
    requireIdentifier(ceremonyId, "ceremonyId");
    return this.inventory.markDestroyed(key, ceremonyId, options.at ?? this.clock().toISOString(), options.note ?? null);
  }

  /** An escrow set and its cards (KeyCopyInventory.recordSet). */
  recordEscrowSet(set: EscrowSetInput): void {
    this.openDb();
    requireIdentifier(set.ceremonyId, "ceremonyId");
    this.copyInventory.recordSet(set);
  }

  /** What became of a card or a wrapped blob (KeyCopyInventory.markCopy). */
  markEscrowCopy(ref: EscrowCopyRef, fate: EscrowCopyFate): void {
    this.openDb();
    requireIdentifier(fate.ceremonyId, "ceremonyId");
    this.copyInventory.markCopy(ref, fate);
  }

  /** Marks an escrow set revoked by a re-escrow, superseded by the set it made (KeyCopyInventory.revokeSet). */
  revokeEscrowSet(setId: string, revocation: { ceremonyId: string; at: string; supersededBy: string; reason: string }): void {
    this.openDb();
    requireIdentifier(revocation.ceremonyId, "ceremonyId");
    this.copyInventory.revokeSet(setId, revocation);
  }

  /** One escrow set with its cards and revocation, or null (KeyCopyInventory.set). */
  escrowSet(setId: string): EscrowSetRecord | null {
    this.openDb();
    return this.copyInventory.set(setId);
  }

  /** Every escrow set of the key with this label, oldest first. */
  escrowSetsOf(keyLabel: string): EscrowSetRecord[] {
    this.openDb();
    return this.copyInventory.setsOf(keyLabel);
  }

  /** Every key once, with all its copies and the status they give it (default time: the journal's clock). */
  listKeysWithCopies(options: { now?: Date } = {}): KeyWithCopies[] {
    this.openDb();
    return this.copyInventory.group(this.inventory.list(options.now ?? this.clock()));
  }

  /** Links a key to its successor from a rotation ceremony; see KeyInventory.supersede. */
  supersedeKey(supersession: Supersession): KeyRecord {
    this.openDb();
    requireIdentifier(supersession.ceremonyId, "ceremonyId");
    return this.inventory.supersede(supersession, this.clock().toISOString());
  }

  /** Every key with its rotation status at `now` (default: the journal's clock). */
  listKeys(options: { now?: Date } = {}): InventoryKey[] {
    this.openDb();
    return this.inventory.list(options.now ?? this.clock());
  }

  /** See KeyInventory.peekCrlNumber: nothing is taken. */
  peekCrlNumber(issuerLabel: string): bigint {
    this.openDb();
    return this.inventory.peekCrlNumber(issuerLabel);
  }

  /** See KeyInventory.nextCrlNumber: persisted before it is returned, strictly increasing per issuer. */
  nextCrlNumber(issuerLabel: string, options: { atLeast?: bigint } = {}): bigint {
    this.openDb();
    return this.inventory.nextCrlNumber(issuerLabel, options.atLeast);
  }

  /**
   * Attestation PIN hashes (never events, so never in a transcript); the ceremony layer's
   * CredentialStore. Survive a crash; `clear` drops a finished ceremony's.
   */
  get credentials(): { put(c: string, p: string, v: StoredCredential): void; get(c: string, p: string): StoredCredential | undefined; clear(c: string): void } {
    this.openDb();
    return this.credentialTable;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private openDb(): BetterSqlite3.Database {
    if (!this.db.open) throw new JournalUnavailableError("The journal is closed. Open it again to continue.");
    return this.db;
  }
}

/** SQLite result codes of a journal whose storage failed (full, read-only, removed), not of a bad file. */
const STORAGE_FAILURE = /^SQLITE_(FULL|READONLY|CANTOPEN|IOERR|PERM)/;

/** The officer's sentence for a storage failure, or undefined when `error` is something else. */
function storageFailure(path: string, error: unknown, doing: "open" | "write"): JournalUnavailableError | undefined {
  const code = error instanceof Error && error.name === "SqliteError" ? String((error as { code?: unknown }).code) : "";
  if (!STORAGE_FAILURE.test(code)) return undefined;
  const fix = code.startsWith("SQLITE_FULL")
    ? "its disk is full: free space on it"
    : "its folder cannot be written (read-only, removed or failing media): make it writable or connect the disk again";
  const message =
    doing === "open"
      ? `Cannot open the journal at ${path}: ${fix}, then open it again. The journal file is kept as it is; do not start a new one for a ceremony in progress.`
      : `Nothing was recorded: the journal at ${path} cannot be written, ${fix}, then retry. The ceremony continues where it stopped.`;
  return new JournalUnavailableError(`${message} (${(error as Error).message}, ${code})`, { cause: error });
}

/** A stored record decoded with its chain head, frozen all the way down (Journal.events shares it between calls). */
function decodedEvent(record: Buffer, head: Buffer): JournalEvent {
  return deepFreeze({ ...(JSON.parse(record.toString("utf8")) as JournalEvent), head: head.toString("hex") });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function requireIdentifier(value: unknown, name: string): void {
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw new JournalArgumentError(`${name} must be 1 to 200 printable characters, got ${JSON.stringify(value)}.`);
  }
}
