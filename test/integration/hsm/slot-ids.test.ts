/**
 * Slot IDs as the module numbers them: `ceremony tokens` prints each slot as the same number
 * pkcs11-tool (OpenSC) prints for it, not the byte-reversed hex of the host's CK_ULONG.
 */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

test("ceremony tokens prints the slot ID pkcs11-tool prints for the same token", async () => {
  env = await createRehearsalEnvironment([{ label: "slot-id-a" }, { label: "slot-id-b" }]);
  const options = { cwd: ROOT, env: { ...process.env, ...env.env } };
  const tokens = (await run(process.execPath, [join(ROOT, "bin/ceremony.js"), "tokens", "--module", env.modulePath], options)).stdout;
  const ours = new Map([...tokens.matchAll(/label: +(\S+)[\s\S]*?slot: +(\d+) /g)].map((m) => [m[1]!, m[2]!]));
  // pkcs11-tool -L: "Slot 1 (0x2a7c1f3e): SoftHSM slot ID 0x2a7c1f3e" then "  token label        : slot-id-a".
  const listed = (await run("pkcs11-tool", ["--module", env.modulePath, "-L"], options)).stdout;
  const theirs = new Map([...listed.matchAll(/Slot \d+ \(0x([0-9a-f]+)\)[\s\S]*?token label\s+: (\S+)/g)].map((m) => [m[2]!, String(Number.parseInt(m[1]!, 16))]));
  expect(ours.get("slot-id-a")).toBeDefined();
  expect(ours.get("slot-id-a")).toBe(theirs.get("slot-id-a"));
  expect(ours.get("slot-id-b")).toBe(theirs.get("slot-id-b"));
}, 120_000);
