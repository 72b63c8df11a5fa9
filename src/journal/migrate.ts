import type BetterSqlite3 from "better-sqlite3";
import { JournalUnavailableError } from "./errors.ts";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "./migrations/index.ts";

/** PRAGMA application_id of a journal ("CWJ1"), so another program's SQLite file is never migrated. */
export const JOURNAL_APPLICATION_ID = 0x43574a31;

function pragmaNumber(db: BetterSqlite3.Database, name: string): number {
  return db.pragma(name, { simple: true }) as number;
}

/** Schema version of an open journal (PRAGMA user_version). */
export function schemaVersion(db: BetterSqlite3.Database): number {
  return pragmaNumber(db, "user_version");
}

/**
 * Brings the schema to `target` (default: latest), one migration per transaction so a crash
 * leaves the file at a whole version. A journal from a newer program is refused, not downgraded.
 */
export function migrate(db: BetterSqlite3.Database, target: number = LATEST_SCHEMA_VERSION): number {
  if (!Number.isInteger(target) || target < 0 || target > LATEST_SCHEMA_VERSION) {
    throw new RangeError(`target must be a schema version from 0 to ${LATEST_SCHEMA_VERSION}, got ${target}`);
  }
  const applicationId = pragmaNumber(db, "application_id");
  const current = schemaVersion(db);
  if (applicationId === 0 && current === 0) {
    const objects = (db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number }).n;
    if (objects > 0) {
      throw new JournalUnavailableError("This file is an SQLite database of another program, not a ceremony journal. Choose a new file for the journal.");
    }
  } else if (applicationId !== JOURNAL_APPLICATION_ID) {
    throw new JournalUnavailableError("This file is an SQLite database of another program, not a ceremony journal. Choose a new file for the journal.");
  }
  if (current > LATEST_SCHEMA_VERSION) {
    throw new JournalUnavailableError(
      `This journal has schema version ${current}, written by a newer Ceremony Workstation (this one knows up to ${LATEST_SCHEMA_VERSION}). Open it with that newer version.`,
    );
  }
  if (current > target) {
    throw new RangeError(`cannot migrate down from schema version ${current} to ${target}`);
  }
  for (const migration of MIGRATIONS.slice(current, target)) {
    db.transaction(() => {
      migration.up(db);
      // application_id and user_version live in the database header, so they commit with the schema.
      db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}
