/**
 * A key's copies (migration 005): its escrow sets with their cards and wrapped blob, next to the
 * tokens that hold it (the `keys` rows with the same label and check values or SPKI). What
 * `ceremony keys` and the key screen show per key, and what the destruction ceremony lists and
 * accounts for (docs/architecture.md, "Key copies").
 */
import type BetterSqlite3 from "better-sqlite3";
import { type CardCopy, type CopiesVerdict, type CopyStatus, copiesVerdict, type KeyCopy, type TokenCopy } from "../common/key-copies.ts";
import { ISO_UTC_MS } from "./chain.ts";
import { JournalArgumentError, KeyInventoryConflictError } from "./errors.ts";
import type { InventoryKey, KeyStatus } from "./key-inventory.ts";

export interface EscrowSetInput {
  setId: string;
  keyLabel: string;
  kcvEcb0: string;
  kcvCmac: string;
  k: number;
  n: number;
  wrappedSha256: string;
  /** Where the bundle keeps the blob, e.g. escrow/KEK-01.wrapped. */
  wrappedPath: string;
  /** The ceremony that split the key; its bundle holds the blob. */
  ceremonyId: string;
  recordedAt: string;
  cards: ReadonlyArray<{ card: number; holder: string; fingerprint: string }>;
}

/** Which key: label and both check values (secret key) or SPKI fingerprint (key pair). */
export interface KeyIdentity {
  label: string;
  kcvEcb0?: string | null;
  kcvCmac?: string | null;
  spkiSha256?: string | null;
}

/** A copy that is not on a token: one card, or a set's wrapped blob. */
export type EscrowCopyRef = { kind: "card"; setId: string; card: number } | { kind: "wrapped-key"; setId: string };

/** The fate a ceremony records for an escrow copy: collected and destroyed, or lost. */
export interface EscrowCopyFate {
  status: Extract<CopyStatus, "collected-and-destroyed" | "unknown">;
  ceremonyId: string;
  at: string;
  note?: string | null;
}

/** Which ceremony revoked an escrow set (a re-escrow), when, why, and the set that supersedes it. */
export interface EscrowSetRevocation {
  byCeremony: string;
  at: string;
  supersededBy: string;
  reason: string;
}

/** One escrow set as the inventory holds it: its cards with their fates, and whether it was revoked. */
export interface EscrowSetRecord {
  setId: string;
  keyLabel: string;
  kcvEcb0: string;
  kcvCmac: string;
  k: number;
  n: number;
  wrappedSha256: string;
  wrappedPath: string;
  ceremonyId: string;
  recordedAt: string;
  cards: CardCopy[];
  revoked: EscrowSetRevocation | null;
}

/** A key with every copy the inventory knows, and the status that follows from them. */
export interface KeyWithCopies {
  label: string;
  algorithm: string;
  purpose: string;
  spkiSha256: string | null;
  kcvEcb0: string | null;
  kcvCmac: string | null;
  /** destroyed only when every copy is accounted for; partly-destroyed when a token copy is gone and others remain. */
  status: KeyStatus | "partly-destroyed";
  verdict: CopiesVerdict;
  /** The inventory rows of the tokens that hold (or held) it, oldest first. */
  tokens: InventoryKey[];
  copies: KeyCopy[];
}

interface SetRow {
  setId: string;
  keyLabel: string;
  kcvEcb0: string;
  kcvCmac: string;
  k: number;
  n: number;
  wrappedSha256: string;
  wrappedPath: string;
  ceremonyId: string;
  recordedAt: string;
  wrappedStatus: CopyStatus;
  wrappedBy: string | null;
  wrappedAt: string | null;
  wrappedNote: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  supersededBy: string | null;
  revokeReason: string | null;
}

interface CardRow {
  setId: string;
  card: number;
  holder: string;
  fingerprint: string;
  status: CopyStatus;
  statusBy: string | null;
  statusAt: string | null;
  note: string | null;
}

const HEX = /^(?:[0-9a-f]{2})+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const STATUS_ORDER: KeyStatus[] = ["overdue", "due-soon", "active"];

export class KeyCopyInventory {
  private readonly selectSet: BetterSqlite3.Statement<[string], SetRow>;
  private readonly selectSets: BetterSqlite3.Statement<[], SetRow>;
  private readonly selectCards: BetterSqlite3.Statement<[], CardRow>;
  private readonly insertSet: BetterSqlite3.Statement<[Omit<SetRow, "wrappedStatus" | "wrappedBy" | "wrappedAt" | "wrappedNote" | RevocationColumns>]>;
  private readonly insertCard: BetterSqlite3.Statement<[{ setId: string; card: number; holder: string; fingerprint: string }]>;
  private readonly updateCard: BetterSqlite3.Statement<[{ setId: string; card: number; status: string; by: string; at: string; note: string | null }]>;
  private readonly updateBlob: BetterSqlite3.Statement<[{ setId: string; status: string; by: string; at: string; note: string | null }]>;
  private readonly updateRevoked: BetterSqlite3.Statement<[{ setId: string; by: string; at: string; supersededBy: string; reason: string }]>;

  constructor(private readonly db: BetterSqlite3.Database) {
    const setColumns = `set_id AS setId, key_label AS keyLabel, kcv_ecb0 AS kcvEcb0, kcv_cmac AS kcvCmac, k, n, wrapped_sha256 AS wrappedSha256,
      wrapped_path AS wrappedPath, ceremony_id AS ceremonyId, recorded_at AS recordedAt, wrapped_status AS wrappedStatus,
      wrapped_by AS wrappedBy, wrapped_at AS wrappedAt, wrapped_note AS wrappedNote, revoked_by AS revokedBy, revoked_at AS revokedAt,
      superseded_by_set AS supersededBy, revoke_reason AS revokeReason`;
    this.selectSet = db.prepare(`SELECT ${setColumns} FROM escrow_sets WHERE set_id = ?`);
    this.selectSets = db.prepare(`SELECT ${setColumns} FROM escrow_sets ORDER BY recorded_at, rowid`);
    this.selectCards = db.prepare(`SELECT set_id AS setId, card, holder, fingerprint, status, status_by AS statusBy, status_at AS statusAt, note
      FROM escrow_cards ORDER BY set_id, card`);
    this.insertSet = db.prepare(`INSERT INTO escrow_sets (set_id, key_label, kcv_ecb0, kcv_cmac, k, n, wrapped_sha256, wrapped_path, ceremony_id, recorded_at)
      VALUES (@setId, @keyLabel, @kcvEcb0, @kcvCmac, @k, @n, @wrappedSha256, @wrappedPath, @ceremonyId, @recordedAt)`);
    this.insertCard = db.prepare("INSERT OR IGNORE INTO escrow_cards (set_id, card, holder, fingerprint) VALUES (@setId, @card, @holder, @fingerprint)");
    this.updateCard = db.prepare("UPDATE escrow_cards SET status = @status, status_by = @by, status_at = @at, note = @note WHERE set_id = @setId AND card = @card");
    this.updateBlob = db.prepare("UPDATE escrow_sets SET wrapped_status = @status, wrapped_by = @by, wrapped_at = @at, wrapped_note = @note WHERE set_id = @setId");
    this.updateRevoked = db.prepare(
      "UPDATE escrow_sets SET revoked_by = @by, revoked_at = @at, superseded_by_set = @supersededBy, revoke_reason = @reason WHERE set_id = @setId",
    );
  }

  /**
   * Records an escrow set and its cards (the split that made them, or a bundle that shows them).
   * Recording it again adds cards not yet known; a set ID that names another key is a conflict.
   */
  recordSet(input: EscrowSetInput): void {
    const set = normaliseSet(input);
    this.db
      .transaction(() => {
        const existing = this.selectSet.get(set.setId);
        if (!existing) this.insertSet.run(set);
        else {
          for (const field of ["keyLabel", "kcvEcb0", "kcvCmac", "k", "n", "wrappedSha256"] as const) {
            if (existing[field] !== set[field]) {
              throw new KeyInventoryConflictError(
                `Escrow set ${set.setId} is recorded with ${field} ${String(existing[field])}, not ${String(set[field])}: two sets cannot share an ID. Check the bundle before going on.`,
              );
            }
          }
        }
        const known = new Map(this.selectCards.all().filter((c) => c.setId === set.setId).map((c) => [c.card, c]));
        for (const card of input.cards) {
          const fingerprint = card.fingerprint.toLowerCase();
          if (!SHA256.test(fingerprint)) throw new JournalArgumentError(`Card ${card.card} of set ${set.setId}: the share fingerprint must be 64 hex digits.`);
          if (!Number.isInteger(card.card) || card.card < 1 || card.card > set.n) {
            throw new JournalArgumentError(`Set ${set.setId} has cards 1 to ${set.n}; card ${card.card} cannot be recorded.`);
          }
          const before = known.get(card.card);
          if (before && before.fingerprint !== fingerprint) {
            throw new KeyInventoryConflictError(`Card ${card.card} of set ${set.setId} is recorded with share fingerprint ${before.fingerprint}, not ${fingerprint}. Check the card and the bundle.`);
          }
          this.insertCard.run({ setId: set.setId, card: card.card, holder: card.holder, fingerprint });
        }
      })
      .immediate();
  }

  /**
   * Records what became of a card or a set's wrapped blob. A copy destroyed stays destroyed;
   * repeating the same record for the same ceremony changes nothing (a resumed step).
   */
  markCopy(ref: EscrowCopyRef, fate: EscrowCopyFate): void {
    if (!ISO_UTC_MS.test(fate.at)) throw new JournalArgumentError(`The time "${fate.at}" is not a UTC time like 2026-03-01T09:30:00.000Z.`);
    const setId = ref.setId.toLowerCase();
    this.db
      .transaction(() => {
        const set = this.selectSet.get(setId);
        if (!set) throw new JournalArgumentError(`No escrow set ${setId} is in the inventory. Record the set (its master-key bundle) first.`);
        const before =
          ref.kind === "card"
            ? this.selectCards.all().find((c) => c.setId === setId && c.card === ref.card)
            : { status: set.wrappedStatus, statusBy: set.wrappedBy };
        if (!before) throw new JournalArgumentError(`Set ${setId} has no card ${ref.kind === "card" ? ref.card : ""} in the inventory.`);
        if (before.status === fate.status && before.statusBy === fate.ceremonyId) return;
        if (before.status === "collected-and-destroyed") {
          throw new KeyInventoryConflictError(
            `${ref.kind === "card" ? `Card ${ref.card}` : "The wrapped key"} of set ${setId} was already collected and destroyed by ceremony ${before.statusBy}.`,
          );
        }
        const row = { setId, status: fate.status, by: fate.ceremonyId, at: fate.at, note: fate.note ?? null };
        if (ref.kind === "card") this.updateCard.run({ ...row, card: ref.card });
        else this.updateBlob.run(row);
      })
      .immediate();
  }

  /**
   * Marks a set revoked by a re-escrow, superseded by the set that ceremony made. Repeating it for
   * the same ceremony changes nothing (a resumed step); another ceremony cannot revoke it again.
   */
  revokeSet(setId: string, revocation: { ceremonyId: string; at: string; supersededBy: string; reason: string }): void {
    if (!ISO_UTC_MS.test(revocation.at)) throw new JournalArgumentError(`The time "${revocation.at}" is not a UTC time like 2026-03-01T09:30:00.000Z.`);
    const id = setId.toLowerCase();
    const supersededBy = revocation.supersededBy.toLowerCase();
    if (!HEX.test(supersededBy) || supersededBy === id) throw new JournalArgumentError(`Set ${id} must be superseded by another set's ID, not "${revocation.supersededBy}".`);
    if (!revocation.reason.trim()) throw new JournalArgumentError(`Say why set ${id} is revoked.`);
    this.db
      .transaction(() => {
        const set = this.selectSet.get(id);
        if (!set) throw new JournalArgumentError(`No escrow set ${id} is in the inventory. Record the set (its bundle) first.`);
        if (set.revokedBy !== null) {
          if (set.revokedBy === revocation.ceremonyId) return;
          throw new KeyInventoryConflictError(`Escrow set ${id} was already revoked by ceremony ${set.revokedBy} at ${set.revokedAt}; set ${set.supersededBy} superseded it.`);
        }
        this.updateRevoked.run({ setId: id, by: revocation.ceremonyId, at: revocation.at, supersededBy, reason: revocation.reason });
      })
      .immediate();
  }

  /** One set with its cards (each with its fate) and its revocation, or null when the inventory does not know it. */
  set(setId: string): EscrowSetRecord | null {
    const s = this.selectSet.get(setId.toLowerCase());
    if (!s) return null;
    return {
      setId: s.setId,
      keyLabel: s.keyLabel,
      kcvEcb0: s.kcvEcb0,
      kcvCmac: s.kcvCmac,
      k: s.k,
      n: s.n,
      wrappedSha256: s.wrappedSha256,
      wrappedPath: s.wrappedPath,
      ceremonyId: s.ceremonyId,
      recordedAt: s.recordedAt,
      cards: this.selectCards
        .all()
        .filter((c) => c.setId === s.setId)
        .map((c): CardCopy => ({ kind: "card", setId: s.setId, card: c.card, holder: c.holder, fingerprint: c.fingerprint, status: c.status, by: c.statusBy, at: c.statusAt, note: c.note })),
      revoked: s.revokedBy === null ? null : { byCeremony: s.revokedBy, at: s.revokedAt ?? "", supersededBy: s.supersededBy ?? "", reason: s.revokeReason ?? "" },
    };
  }

  /** Every set of the key with this label, oldest first (for `ceremony keys`: which are revoked). */
  setsOf(keyLabel: string): EscrowSetRecord[] {
    return this.selectSets
      .all()
      .filter((s) => s.keyLabel === keyLabel)
      .map((s) => this.set(s.setId)!);
  }

  /** The escrow copies (cards, then the blob, per set) of the key with this label and these check values. */
  escrowCopies(key: KeyIdentity): KeyCopy[] {
    if (!key.kcvEcb0 || !key.kcvCmac) return [];
    const cards = this.selectCards.all();
    return this.selectSets
      .all()
      .filter((s) => s.keyLabel === key.label && s.kcvEcb0 === key.kcvEcb0!.toUpperCase() && s.kcvCmac === key.kcvCmac!.toUpperCase())
      .flatMap((s): KeyCopy[] => [
        ...cards
          .filter((c) => c.setId === s.setId)
          .map((c): KeyCopy => ({ kind: "card", setId: s.setId, card: c.card, holder: c.holder, fingerprint: c.fingerprint, status: c.status, by: c.statusBy, at: c.statusAt, note: c.note })),
        { kind: "wrapped-key", setId: s.setId, sha256: s.wrappedSha256, path: s.wrappedPath, ceremonyId: s.ceremonyId, status: s.wrappedStatus, by: s.wrappedBy, at: s.wrappedAt, note: s.wrappedNote },
      ]);
  }

  /** Each key once (label + check values or SPKI), with its token rows, its escrow copies and its status. */
  group(keys: readonly InventoryKey[]): KeyWithCopies[] {
    const groups = new Map<string, InventoryKey[]>();
    for (const k of keys) {
      const id = `${k.label}\u0000${k.spkiSha256 ?? ""}\u0000${k.kcvEcb0 ?? ""}\u0000${k.kcvCmac ?? ""}`;
      groups.set(id, [...(groups.get(id) ?? []), k]);
    }
    return [...groups.values()].map((rows) => {
      const first = rows[0]!;
      const copies = [...rows.map(tokenCopy), ...this.escrowCopies(first)];
      const verdict = copiesVerdict(copies);
      const present = rows.filter((r) => r.status !== "destroyed").map((r) => r.status);
      const status: KeyWithCopies["status"] =
        verdict === "destroyed" ? "destroyed" : verdict === "partly-destroyed" ? "partly-destroyed" : (STATUS_ORDER.find((s) => present.includes(s)) ?? "active");
      return {
        label: first.label,
        algorithm: first.algorithm,
        purpose: first.purpose,
        spkiSha256: first.spkiSha256,
        kcvEcb0: first.kcvEcb0,
        kcvCmac: first.kcvCmac,
        status,
        verdict,
        tokens: rows,
        copies,
      };
    });
  }
}

function tokenCopy(k: InventoryKey): TokenCopy {
  return {
    kind: "token",
    tokenSerial: k.tokenSerial,
    tokenLabel: k.tokenLabel,
    id: k.ckaId,
    origin: k.createdByCeremony,
    status: k.destroyedAt ? "destroyed" : "present",
    by: k.destroyedByCeremony,
    at: k.destroyedAt,
    note: k.destroyedNote,
  };
}

type RevocationColumns = "revokedBy" | "revokedAt" | "supersededBy" | "revokeReason";

function normaliseSet(input: EscrowSetInput): Omit<SetRow, "wrappedStatus" | "wrappedBy" | "wrappedAt" | "wrappedNote" | RevocationColumns> {
  const setId = input.setId.toLowerCase();
  if (!HEX.test(setId)) throw new JournalArgumentError(`Escrow set ID "${input.setId}" must be hex.`);
  const wrappedSha256 = input.wrappedSha256.toLowerCase();
  if (!SHA256.test(wrappedSha256)) throw new JournalArgumentError(`The wrapped key's SHA-256 of set ${setId} must be 64 hex digits.`);
  if (!Number.isInteger(input.k) || !Number.isInteger(input.n) || input.k < 1 || input.n < input.k || input.n > 255) {
    throw new JournalArgumentError(`Set ${setId}: k ${input.k} of n ${input.n} is not a threshold (1 ≤ k ≤ n ≤ 255).`);
  }
  for (const [name, value] of [["key label", input.keyLabel], ["kcvEcb0", input.kcvEcb0], ["kcvCmac", input.kcvCmac], ["wrapped path", input.wrappedPath], ["ceremony", input.ceremonyId]] as const) {
    if (typeof value !== "string" || value.length === 0) throw new JournalArgumentError(`Set ${setId}: the ${name} is missing.`);
  }
  if (!ISO_UTC_MS.test(input.recordedAt)) throw new JournalArgumentError(`Set ${setId}: "${input.recordedAt}" is not a UTC time like 2026-03-01T09:30:00.000Z.`);
  return {
    setId,
    keyLabel: input.keyLabel,
    kcvEcb0: input.kcvEcb0.toUpperCase(),
    kcvCmac: input.kcvCmac.toUpperCase(),
    k: input.k,
    n: input.n,
    wrappedSha256,
    wrappedPath: input.wrappedPath,
    ceremonyId: input.ceremonyId,
    recordedAt: input.recordedAt,
  };
}
