/**
 * Key inventory (migration 002) and CRL numbers (migration 003): what `ceremony keys` lists, and
 * what tells the next ceremony which keys exist, which are due for rotation and which are gone.
 */
import type BetterSqlite3 from "better-sqlite3";
import { ISO_UTC_MS } from "./chain.ts";
import { JournalArgumentError, KeyInventoryConflictError } from "./errors.ts";

export type KeyStatus = "active" | "due-soon" | "overdue" | "destroyed";

/** How long before rotationDueAt a key is listed as due soon. */
export const ROTATION_WARNING_DAYS = 30;

/** What a ceremony tells the inventory about a key it created or used. */
export interface KeyInput {
  label: string;
  /** CKA_ID, hex. */
  ckaId: string;
  tokenSerial: string;
  tokenLabel: string;
  algorithm: string;
  purpose: string;
  /** SHA-256 of the SPKI DER, hex: for key pairs. */
  spkiSha256?: string | null;
  /** KCV-ECB0 and KCV-CMAC, hex: for secret keys (docs/architecture.md "Key check values"). */
  kcvEcb0?: string | null;
  kcvCmac?: string | null;
  /** UTC ISO-8601 with milliseconds, as Date.prototype.toISOString writes it. */
  createdAt: string;
  /** The ceremony that generated the key; null for a key made before this journal existed. */
  createdByCeremony?: string | null;
  retiredAt?: string | null;
  rotationDueAt?: string | null;
}

export interface KeyRecord {
  label: string;
  ckaId: string;
  tokenSerial: string;
  tokenLabel: string;
  algorithm: string;
  purpose: string;
  spkiSha256: string | null;
  kcvEcb0: string | null;
  kcvCmac: string | null;
  createdAt: string;
  createdByCeremony: string | null;
  retiredAt: string | null;
  destroyedAt: string | null;
  destroyedByCeremony: string | null;
  /** How a copy destroyed away from a ceremony's token was declared (e.g. "token zeroised"); null when destroyed on the token. */
  destroyedNote: string | null;
  rotationDueAt: string | null;
  /** The key that replaced this one in a rotation ceremony (migration 006), or null. */
  supersededBy: KeyRef | null;
  supersededAt: string | null;
  supersededByCeremony: string | null;
  /** The date by which a superseded key is to be destroyed (after the rotation's overlap), or null. */
  destructionDueAt: string | null;
}

export interface InventoryKey extends KeyRecord {
  status: KeyStatus;
  /** The keys this one replaced (the other side of their supersededBy link). */
  supersedes: KeyRef[];
}

/** What a rotation ceremony tells the inventory: the old key, its successor, and when the old one goes. */
export interface Supersession {
  old: KeyRef;
  successor: KeyRef;
  ceremonyId: string;
  /** UTC ISO-8601 with milliseconds, or null when the old key is not scheduled for destruction. */
  destructionDueAt: string | null;
}

export interface KeyRef {
  tokenSerial: string;
  ckaId: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * Rotation status at `now`; pure, so the CLI and the UI agree on the 30-day boundary. A key a
 * rotation replaced is no longer due for rotation; when it is scheduled for destruction, that
 * date is the one it is due by.
 */
export function keyStatus(key: Pick<KeyRecord, "destroyedAt" | "rotationDueAt"> & Partial<Pick<KeyRecord, "supersededAt" | "destructionDueAt">>, now: Date): KeyStatus {
  if (key.destroyedAt !== null) return "destroyed";
  const dueAt = key.supersededAt ? (key.destructionDueAt ?? null) : key.rotationDueAt;
  if (dueAt === null) return "active";
  const due = Date.parse(dueAt);
  if (now.getTime() >= due) return "overdue";
  if (due - now.getTime() <= ROTATION_WARNING_DAYS * DAY_MS) return "due-soon";
  return "active";
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) throw new JournalArgumentError(`Key ${name} is missing; every inventory entry needs one.`);
  return value;
}

function optionalTime(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (!ISO_UTC_MS.test(value) || Number.isNaN(Date.parse(value))) {
    throw new JournalArgumentError(`Key ${name} "${value}" is not a UTC time like 2026-03-01T09:30:00.000Z.`);
  }
  return value;
}

function optionalHex(value: string | null | undefined, name: string, bytes?: number): string | null {
  if (value === undefined || value === null) return null;
  const hex = value.toLowerCase();
  if (!HEX.test(hex) || (bytes !== undefined && hex.length !== 2 * bytes)) {
    throw new JournalArgumentError(`Key ${name} "${value}" must be ${bytes === undefined ? "hex" : `${bytes} bytes of hex`}.`);
  }
  return hex;
}

type InsertedKey = Omit<KeyRecord, "destroyedAt" | "destroyedByCeremony" | "destroyedNote" | "supersededBy" | "supersededAt" | "supersededByCeremony" | "destructionDueAt">;

function normaliseKey(input: KeyInput): InsertedKey {
  const ckaId = optionalHex(requireText(input.ckaId, "ckaId"), "ckaId");
  const createdAt = optionalTime(requireText(input.createdAt, "createdAt"), "createdAt");
  const record = {
    label: requireText(input.label, "label"),
    ckaId: ckaId as string,
    tokenSerial: requireText(input.tokenSerial, "tokenSerial"),
    tokenLabel: requireText(input.tokenLabel, "tokenLabel"),
    algorithm: requireText(input.algorithm, "algorithm"),
    purpose: requireText(input.purpose, "purpose"),
    spkiSha256: optionalHex(input.spkiSha256, "spkiSha256", 32),
    // KCVs are printed and read aloud in uppercase (docs/architecture.md shows F29000), so they are kept that way.
    kcvEcb0: optionalHex(input.kcvEcb0, "kcvEcb0", 3)?.toUpperCase() ?? null,
    kcvCmac: optionalHex(input.kcvCmac, "kcvCmac", 5)?.toUpperCase() ?? null,
    createdAt: createdAt as string,
    createdByCeremony: input.createdByCeremony ?? null,
    retiredAt: optionalTime(input.retiredAt, "retiredAt"),
    rotationDueAt: optionalTime(input.rotationDueAt, "rotationDueAt"),
  };
  const asymmetric = record.spkiSha256 !== null;
  const symmetric = record.kcvEcb0 !== null && record.kcvCmac !== null;
  if (asymmetric === symmetric || (!asymmetric && (record.kcvEcb0 === null) !== (record.kcvCmac === null))) {
    throw new JournalArgumentError(
      `Key ${record.label} needs either spkiSha256 (a key pair) or both kcvEcb0 and kcvCmac (a secret key), and not both.`,
    );
  }
  return record;
}

// Fields that say which key this is; if any differs, it is a different key under a reused CKA_ID.
// createdAt and createdByCeremony are kept from the first entry: a later ceremony that only uses
// the key may not know them.
const IDENTITY_FIELDS = ["label", "algorithm", "purpose", "spkiSha256", "kcvEcb0", "kcvCmac"] as const;

const COLUMNS = `label, cka_id AS ckaId, token_serial AS tokenSerial, token_label AS tokenLabel, algorithm, purpose,
  spki_sha256 AS spkiSha256, kcv_ecb0 AS kcvEcb0, kcv_cmac AS kcvCmac, created_at AS createdAt,
  created_by_ceremony AS createdByCeremony, retired_at AS retiredAt, destroyed_at AS destroyedAt,
  destroyed_by_ceremony AS destroyedByCeremony, destroyed_note AS destroyedNote, rotation_due_at AS rotationDueAt,
  superseded_by_token_serial AS supersededByTokenSerial, superseded_by_cka_id AS supersededByCkaId, superseded_at AS supersededAt,
  superseded_by_ceremony AS supersededByCeremony, destruction_due_at AS destructionDueAt`;

/** A row as selected: the link's two columns become one KeyRef. */
type KeyRow = Omit<KeyRecord, "supersededBy"> & { supersededByTokenSerial: string | null; supersededByCkaId: string | null };

function fromRow(row: KeyRow | undefined): KeyRecord | undefined {
  if (!row) return undefined;
  const { supersededByTokenSerial, supersededByCkaId, ...rest } = row;
  return { ...rest, supersededBy: supersededByTokenSerial !== null && supersededByCkaId !== null ? { tokenSerial: supersededByTokenSerial, ckaId: supersededByCkaId } : null };
}

export class KeyInventory {
  private readonly selectOneRow: BetterSqlite3.Statement<[string, string], KeyRow>;
  private readonly selectAll: BetterSqlite3.Statement<[], KeyRow>;
  private readonly selectByLabel: BetterSqlite3.Statement<[string, string], { ckaId: string }>;
  private readonly insert: BetterSqlite3.Statement<[InsertedKey]>;
  private readonly updateSuperseded: BetterSqlite3.Statement<[{ tokenSerial: string; ckaId: string; byTokenSerial: string; byCkaId: string; at: string; ceremonyId: string; destructionDueAt: string | null }]>;
  private readonly updateMutable: BetterSqlite3.Statement<[{ tokenSerial: string; ckaId: string; tokenLabel: string; retiredAt: string | null; rotationDueAt: string | null }]>;
  private readonly updateDestroyed: BetterSqlite3.Statement<[{ tokenSerial: string; ckaId: string; destroyedAt: string; destroyedByCeremony: string; note: string | null }]>;
  private readonly selectCrl: BetterSqlite3.Statement<[string], { n: bigint }>;
  private readonly upsertCrl: BetterSqlite3.Statement<[{ issuer: string; next: bigint }]>;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.selectOneRow = db.prepare(`SELECT ${COLUMNS} FROM keys WHERE token_serial = ? AND cka_id = ?`);
    this.selectByLabel = db.prepare("SELECT cka_id AS ckaId FROM keys WHERE token_serial = ? AND label = ?");
    this.selectAll = db.prepare(`SELECT ${COLUMNS} FROM keys ORDER BY created_at, label, token_serial`);
    this.insert = db.prepare(`INSERT INTO keys (label, cka_id, token_serial, token_label, algorithm, purpose, spki_sha256, kcv_ecb0,
      kcv_cmac, created_at, created_by_ceremony, retired_at, rotation_due_at) VALUES (@label, @ckaId, @tokenSerial, @tokenLabel,
      @algorithm, @purpose, @spkiSha256, @kcvEcb0, @kcvCmac, @createdAt, @createdByCeremony, @retiredAt, @rotationDueAt)`);
    this.updateMutable = db.prepare(`UPDATE keys SET token_label = @tokenLabel, retired_at = @retiredAt, rotation_due_at = @rotationDueAt
      WHERE token_serial = @tokenSerial AND cka_id = @ckaId`);
    this.updateDestroyed = db.prepare(`UPDATE keys SET destroyed_at = @destroyedAt, destroyed_by_ceremony = @destroyedByCeremony, destroyed_note = @note
      WHERE token_serial = @tokenSerial AND cka_id = @ckaId`);
    this.updateSuperseded = db.prepare(`UPDATE keys SET superseded_by_token_serial = @byTokenSerial, superseded_by_cka_id = @byCkaId,
      superseded_at = @at, superseded_by_ceremony = @ceremonyId, destruction_due_at = @destructionDueAt WHERE token_serial = @tokenSerial AND cka_id = @ckaId`);
    this.selectCrl = db.prepare<[string], { n: bigint }>("SELECT last_number AS n FROM crl_numbers WHERE issuer_label = ?").safeIntegers(true);
    this.upsertCrl = db.prepare(
      "INSERT INTO crl_numbers (issuer_label, last_number) VALUES (@issuer, @next) ON CONFLICT (issuer_label) DO UPDATE SET last_number = @next",
    );
  }

  /**
   * Adds a key, or updates the fields that may change over its life (token label, retirement,
   * rotation date). Identity fields never change, and a destroyed key cannot come back.
   */
  upsert(input: KeyInput): KeyRecord {
    const key = normaliseKey(input);
    return this.db
      .transaction((): KeyRecord => {
        const existing = this.one(key.tokenSerial, key.ckaId);
        if (!existing) {
          const sameLabel = this.selectByLabel.get(key.tokenSerial, key.label);
          if (sameLabel) {
            throw new KeyInventoryConflictError(
              `Token ${key.tokenSerial} already has a key labelled ${key.label} (CKA_ID ${sameLabel.ckaId}); labels are unique per token. Use another label.`,
            );
          }
          this.insert.run(key);
        } else {
          if (existing.destroyedAt !== null) {
            throw new KeyInventoryConflictError(
              `Key ${existing.label} (CKA_ID ${key.ckaId} on token ${key.tokenSerial}) was destroyed by ceremony ${existing.destroyedByCeremony} and cannot be recorded again.`,
            );
          }
          for (const field of IDENTITY_FIELDS) {
            if (existing[field] !== key[field]) {
              throw new KeyInventoryConflictError(
                `Key CKA_ID ${key.ckaId} on token ${key.tokenSerial} is recorded with ${field} ${String(existing[field])}, not ${String(key[field])}: ` +
                  "this is a different key under the same CKA_ID. Check the token before going on.",
              );
            }
          }
          this.updateMutable.run(key);
        }
        return this.one(key.tokenSerial, key.ckaId) as KeyRecord;
      })
      .immediate();
  }

  /**
   * Records that a key was destroyed. Repeating it for the same ceremony returns the entry unchanged
   * (a resumed ceremony may run the step twice); another ceremony cannot destroy it again. `note`
   * says how a copy that was not destroyed on the ceremony's own token was (declared, with witnesses).
   */
  markDestroyed(ref: KeyRef, ceremonyId: string, at: string, note: string | null = null): KeyRecord {
    const ckaId = optionalHex(ref.ckaId, "ckaId") as string;
    optionalTime(at, "destroyedAt");
    return this.db
      .transaction((): KeyRecord => {
        const existing = this.one(ref.tokenSerial, ckaId);
        if (!existing) {
          throw new JournalArgumentError(`No key with CKA_ID ${ckaId} on token ${ref.tokenSerial} is in the inventory. Check the token serial and key ID.`);
        }
        if (existing.destroyedAt !== null) {
          if (existing.destroyedByCeremony === ceremonyId) return existing;
          throw new KeyInventoryConflictError(
            `Key ${existing.label} was already destroyed by ceremony ${existing.destroyedByCeremony} at ${existing.destroyedAt}.`,
          );
        }
        this.updateDestroyed.run({ tokenSerial: ref.tokenSerial, ckaId, destroyedAt: at, destroyedByCeremony: ceremonyId, note });
        return this.one(ref.tokenSerial, ckaId) as KeyRecord;
      })
      .immediate();
  }

  private one(tokenSerial: string, ckaId: string): KeyRecord | undefined {
    return fromRow(this.selectOneRow.get(tokenSerial, ckaId));
  }

  list(now: Date): InventoryKey[] {
    const keys = this.selectAll.all().map((row) => fromRow(row) as KeyRecord);
    return keys.map((key) => ({
      ...key,
      status: keyStatus(key, now),
      supersedes: keys
        .filter((k) => k.supersededBy?.tokenSerial === key.tokenSerial && k.supersededBy.ckaId === key.ckaId)
        .map((k) => ({ tokenSerial: k.tokenSerial, ckaId: k.ckaId })),
    }));
  }

  /**
   * Links a key to its successor from a rotation ceremony and schedules (or not) its destruction,
   * on every token copy of the key (same label and check values or SPKI) not yet destroyed.
   * Repeating it for the same ceremony returns the entry unchanged (a resumed step runs again);
   * a key already replaced by another ceremony, a destroyed key, or a successor that is not in
   * the inventory or is the key itself is refused.
   */
  supersede(s: Supersession, at: string): KeyRecord {
    const oldId = optionalHex(s.old.ckaId, "ckaId") as string;
    const newId = optionalHex(s.successor.ckaId, "ckaId") as string;
    optionalTime(at, "supersededAt");
    const destructionDueAt = optionalTime(s.destructionDueAt, "destructionDueAt");
    requireText(s.ceremonyId, "ceremonyId");
    return this.db
      .transaction((): KeyRecord => {
        const old = this.one(s.old.tokenSerial, oldId);
        const successor = this.one(s.successor.tokenSerial, newId);
        if (!old) throw new JournalArgumentError(`No key with CKA_ID ${oldId} on token ${s.old.tokenSerial} is in the inventory; it cannot be marked as replaced.`);
        if (!successor) throw new JournalArgumentError(`No key with CKA_ID ${newId} on token ${s.successor.tokenSerial} is in the inventory; record the new key before linking it.`);
        if (old.tokenSerial === successor.tokenSerial && old.ckaId === successor.ckaId) {
          throw new KeyInventoryConflictError(`Key ${old.label} cannot replace itself. Check the old and new key labels of the rotation.`);
        }
        if (old.destroyedAt !== null) {
          throw new KeyInventoryConflictError(`Key ${old.label} was destroyed by ceremony ${old.destroyedByCeremony}; a destroyed key is not rotated.`);
        }
        if (old.supersededByCeremony !== null) {
          if (old.supersededByCeremony === s.ceremonyId) return old;
          throw new KeyInventoryConflictError(
            `Key ${old.label} was already replaced (by CKA_ID ${old.supersededBy?.ckaId}) in ceremony ${old.supersededByCeremony} at ${old.supersededAt}.`,
          );
        }
        // The key is replaced, not one copy of it: its other token copies (recovered elsewhere) get the same link and date.
        const copies = this.selectAll
          .all()
          .map((row) => fromRow(row) as KeyRecord)
          .filter((k) => k.destroyedAt === null && k.supersededByCeremony === null && IDENTITY_FIELDS.every((f) => k[f] === old[f]));
        for (const copy of copies) {
          this.updateSuperseded.run({
            tokenSerial: copy.tokenSerial,
            ckaId: copy.ckaId,
            byTokenSerial: successor.tokenSerial,
            byCkaId: newId,
            at,
            ceremonyId: s.ceremonyId,
            destructionDueAt,
          });
        }
        return this.one(old.tokenSerial, oldId) as KeyRecord;
      })
      .immediate();
  }

  /**
   * The next CRL number for an issuer, persisted before it is returned so that no number is
   * ever issued twice (RFC 5280 §5.2.3). `atLeast` lets the first ceremony continue a sequence
   * begun elsewhere; it can only move the number up.
   */
  /** What nextCrlNumber would return now, without taking it. */
  peekCrlNumber(issuerLabel: string): bigint {
    requireText(issuerLabel, "issuer label");
    return (this.selectCrl.get(issuerLabel)?.n ?? 0n) + 1n;
  }

  nextCrlNumber(issuerLabel: string, atLeast = 1n): bigint {
    requireText(issuerLabel, "issuer label");
    if (atLeast < 1n || atLeast > 0x7fffffffffffffffn) throw new RangeError(`atLeast must be from 1 to 2^63-1, got ${atLeast}`);
    return this.db
      .transaction((): bigint => {
        const last = this.selectCrl.get(issuerLabel)?.n ?? 0n;
        const next = last + 1n > atLeast ? last + 1n : atLeast;
        this.upsertCrl.run({ issuer: issuerLabel, next });
        return next;
      })
      .immediate();
  }
}
