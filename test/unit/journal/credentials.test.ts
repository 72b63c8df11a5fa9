import { SAMPLE_BODIES } from "../../helpers/sample-events.ts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { Journal } from "../../../src/journal/index.ts";

test("attestation credentials survive a reopen, are replaced not duplicated, and are cleared per ceremony; no event holds them", () => {
  const path = join(mkdtempSync(join(tmpdir(), "cred-")), "j.db");
  const cred = { salt: "aa".repeat(16), hash: "bb".repeat(32), n: 32768, r: 8, p: 1 };
  let journal = Journal.open(path);
  journal.credentials.put("c-1", "p-1", cred);
  journal.credentials.put("c-1", "p-1", { ...cred, hash: "cc".repeat(32) });
  journal.credentials.put("c-2", "p-1", cred);
  journal.append("c-1", "system", "ceremony.started", SAMPLE_BODIES["ceremony.started"]);
  journal.close();
  journal = Journal.open(path);
  expect(journal.credentials.get("c-1", "p-1")).toEqual({ ...cred, hash: "cc".repeat(32) });
  journal.credentials.clear("c-1");
  expect(journal.credentials.get("c-1", "p-1")).toBeUndefined();
  expect(journal.credentials.get("c-2", "p-1")).toEqual(cred);
  expect(JSON.stringify(journal.events("c-1"))).not.toContain("bb".repeat(32));
  journal.close();
  expect(readFileSync(path).includes(Buffer.from("cc".repeat(32)))).toBe(false);
});
