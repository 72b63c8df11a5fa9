/**
 * `ceremony validate SCRIPT --params FILE` prints what the ceremony will run with: each
 * parameter's resolved value (defaults marked), the head-counts and steps, and the script's and
 * parameters' SHA-256 that the paper script carries, every line within 100 columns.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { loadScriptFile } from "../../../src/ceremony/load-script.ts";
import { formatFingerprint } from "../../../src/common/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);

test("validate prints the resolved parameters, head-counts and both hashes, within 100 columns", async () => {
  const dir = await mkdtemp(join(tmpdir(), "validate-cli-"));
  const params = join(dir, "params.yaml");
  await writeFile(params, "parameters:\n  threshold: 2\n  cardCount: 3\n");
  const script = join(ROOT, "ceremony-scripts/master-key.yaml");
  const { stdout } = await run(process.execPath, [join(ROOT, "bin/ceremony.js"), "validate", script, "--params", params], { cwd: ROOT });
  const lines = stdout.trimEnd().split("\n");
  expect(lines.filter((l) => l.length > 100)).toEqual([]);
  expect(lines).toContain('    keyLabel = "KEK-01" (default) — Label of the KEK on the token');
  expect(lines).toContain("    threshold = 2 — Cards needed to recover (k)");
  expect(lines).toContain("    cardCount = 3 — Cards printed, one per share holder (n)");
  expect(stdout).toContain("3 × Share holder");
  const { script: loaded } = await loadScriptFile(script, params);
  expect(lines).toContain(`  script SHA-256     ${formatFingerprint(loaded.sha256)}`);
  expect(lines).toContain(`  parameters SHA-256 ${formatFingerprint(loaded.parametersSha256)}`);
  expect(stdout).toMatch(/ {2}7\. Trial recovery with 2 cards/);
}, 60_000);
