/** The attestation_credentials table (migration 004): salted scrypt hashes of witnesses' PINs. */
import type BetterSqlite3 from "better-sqlite3";

export interface StoredCredential {
  salt: string;
  hash: string;
  n: number;
  r: number;
  p: number;
}

export class CredentialTable {
  private readonly insert: BetterSqlite3.Statement;
  private readonly select: BetterSqlite3.Statement<[string, string], StoredCredential>;
  private readonly remove: BetterSqlite3.Statement<[string]>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      "INSERT OR REPLACE INTO attestation_credentials (ceremony_id, participant_id, salt, hash, n, r, p) VALUES (@ceremonyId, @participantId, @salt, @hash, @n, @r, @p)",
    );
    this.select = db.prepare("SELECT salt, hash, n, r, p FROM attestation_credentials WHERE ceremony_id = ? AND participant_id = ?");
    this.remove = db.prepare("DELETE FROM attestation_credentials WHERE ceremony_id = ?");
  }

  put(ceremonyId: string, participantId: string, c: StoredCredential): void {
    this.insert.run({ ceremonyId, participantId, ...c });
  }

  get(ceremonyId: string, participantId: string): StoredCredential | undefined {
    return this.select.get(ceremonyId, participantId);
  }

  clear(ceremonyId: string): void {
    this.remove.run(ceremonyId);
  }
}
