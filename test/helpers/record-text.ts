/**
 * The text a secret scan reads from a record file. A journal file (journal.db and its -wal/-shm)
 * always carries the journal's own schema — e.g. CHECK (status IN ('present', …, 'unknown')) —
 * and "present" and "unknown" are also share-card words, so a scan for a quoted card word would
 * fail by chance whenever a card holds one. The schema text, as every migration left it (older
 * versions stay in the WAL and in free pages), is cut out of a journal file before the scan;
 * everything else, event rows included, is scanned as written.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "../../src/journal/migrations/index.ts";

let schemaTexts: string[] | undefined;

/** Every CREATE statement's text as sqlite_master held it after each migration, longest first. */
export function journalSchemaTexts(): string[] {
  if (schemaTexts !== undefined) return schemaTexts;
  const db = new Database(":memory:");
  const texts = new Set<string>();
  try {
    for (const m of MIGRATIONS) {
      m.up(db);
      for (const row of db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").all() as { sql: string }[]) texts.add(row.sql);
    }
  } finally {
    db.close();
  }
  schemaTexts = [...texts].sort((a, b) => b.length - a.length);
  return schemaTexts;
}

export function isJournalFile(file: string): boolean {
  return /journal\.db(-wal|-shm|-journal)?$/.test(file);
}

/** The file as latin1 text, a journal file without its schema. */
export function recordText(file: string): string {
  let text = readFileSync(file).toString("latin1");
  if (isJournalFile(file)) for (const sql of journalSchemaTexts()) text = text.split(sql).join("\n");
  return text;
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
