/**
 * The secret scans' reading of a journal file (test/helpers/record-text.ts) cuts out only the
 * journal's own schema: a quoted card word in the schema's CHECK lists is not a finding, the same
 * word written in a row still is.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "vitest";
import { Journal } from "../../../src/journal/index.ts";
import { filesUnder, journalSchemaTexts, recordText } from "../../helpers/record-text.ts";

test("a journal's schema is not a finding; a row quoting the same word is", () => {
  const dir = mkdtempSync(join(tmpdir(), "record-text-"));
  const path = join(dir, "journal.db");
  Journal.open(path).close();
  expect(readFileSync(path).toString("latin1")).toContain("'unknown'");
  expect(journalSchemaTexts().some((sql) => sql.includes("'unknown'"))).toBe(true);
  for (const file of filesUnder(dir)) expect(recordText(file), file).not.toContain("'unknown'");

  const db = new Database(path);
  db.exec("CREATE TABLE leak (t TEXT)");
  db.prepare("INSERT INTO leak VALUES (?)").run("the holder typed 'unknown'");
  db.close();
  expect(filesUnder(dir).some((file) => recordText(file).includes("typed 'unknown'"))).toBe(true);
  // A file that is not a journal is read as written.
  Journal.open(join(dir, "other.db")).close();
  expect(recordText(join(dir, "other.db"))).toContain("'unknown'");
});
