/**
 * Outputs checked first, never only in memory: `run` and `rehearse` refuse an --out folder that
 * holds anything before anyone signs in or any key is made; and when writing the bundle fails at
 * the very end (its folder's parent turned into a file while the ceremony ran), `run` names the
 * `ceremony finish` command, which writes the same ceremony's bundle from the journal.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

function runCli(args: string[], input: string[], extraEnv: Record<string, string> = {}, onOut?: (all: string) => void): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/ceremony.js"), ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      onOut?.(out);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", rej);
    child.on("close", (code) => res({ code: code ?? -1, out, err }));
    child.stdin.end(input.map((l) => `${l}\n`).join(""));
  });
}

test("run and rehearse refuse a non-empty --out before anything happens", async () => {
  const dir = await mkdtemp(join(tmpdir(), "out-first-"));
  const full = join(dir, "full");
  await mkdir(full);
  await writeFile(join(full, "old-notes.txt"), "from last year");
  const journal = join(dir, "journal.db");
  // The parameters are checked for shape only before the run; the certificate is read at its step.
  await writeFile(join(dir, "root.pem"), "not read before the out folder is checked");
  await writeFile(join(dir, "params.yaml"), `parameters:\n  rootCertificate: ${JSON.stringify(join(dir, "root.pem"))}\n`);
  const run = await runCli(["run", join(ROOT, "ceremony-scripts/crl-signing.yaml"), "--params", join(dir, "params.yaml"), "--token", "any", "--out", full, "--journal", journal], []);
  expect(run.code).toBe(1);
  // One message; the terminal session keeps it within 100 columns.
  expect(run.err.trim().replace(/\s+/g, " ")).toMatch(new RegExp(`^ceremony run: ${full} already holds 1 entry \\(old-notes\\.txt\\); a bundle is never written over anything\\. Give --out a new or empty folder\\. \\[OUT_NOT_EMPTY\\]$`));
  expect(run.out).not.toContain("Sign-in");
  expect(existsSync(journal)).toBe(false);
  const rehearse = await runCli(["rehearse", join(ROOT, "ceremony-scripts/root-ca.yaml"), "--out", join(full, "old-notes.txt")], []);
  expect(rehearse.code).toBe(1);
  expect(rehearse.err.replace(/\s+/g, " ")).toContain("is a file, not a folder. Give --out a new or empty folder for the bundle. [OUT_NOT_A_FOLDER]");
  expect(rehearse.out).toBe("");
}, 60_000);

test("a bundle that cannot be written at the end is written later by ceremony finish, from the journal", async () => {
  env = await createRehearsalEnvironment([{ label: "finish-cli" }]);
  const dir = await mkdtemp(join(tmpdir(), "finish-cli-"));
  const script = join(dir, "root-ca.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const pins = { ada: "ada-attest-1", cy: "cy-attest-22", wen: "wen-attest-3", xu: "xu-attest-44" };
  // One possible performer per step and one witness left for the second attestation: neither is asked.
  const attestBoth = (items: number) => ["1", ...Array(items).fill("y"), pins.wen, ...Array(items).fill("y"), pins.xu];
  // Steps that create a key or sign: both witnesses first confirm the preview of what the HSM will do.
  const previewBoth = ["1", "y", pins.wen, "y", pins.xu];
  const input = [
    "Ada", "1", "Ops", pins.ada, pins.ada,
    "Cy", "2", "Ops", pins.cy, pins.cy,
    "Wen", "3", "Audit", pins.wen, pins.wen,
    "Xu", "3", "Risk", pins.xu, pins.xu,
    "",
    "1", pins.wen, "2", pins.xu,
    ...attestBoth(2),
    DEFAULT_REHEARSAL_PINS.userPin, ...attestBoth(2),
    ...attestBoth(1),
    ...previewBoth, ...attestBoth(1),
    ...previewBoth, ...attestBoth(3),
  ];
  // The bundle's folder is fine when checked; by the last step its parent has become a file.
  const usb = join(dir, "usb");
  const journal = join(dir, "journal.db");
  let pulled = false;
  const r = await runCli(
    ["run", script, "--module", env.modulePath, "--token", "finish-cli", "--out", join(usb, "bundle"), "--journal", journal],
    input,
    env.env,
    (out) => {
      if (!pulled && out.includes("Step 5 of 5")) {
        pulled = true;
        void writeFile(usb, "not a folder any more");
      }
    },
  );
  expect(pulled).toBe(true);
  expect(r.code, r.err).toBe(1);
  expect(r.err).toContain("The bundle was not written:");
  // The command to copy is continued with a backslash, as a shell reads it.
  const command = /ceremony finish --journal (\S+) \\\r?\n\s+--ceremony (\S+) --out NEW_DIR/.exec(r.err);
  expect(command, r.err).not.toBeNull();
  expect(command![1]).toBe(journal);

  const out = join(dir, "written-later");
  const f = await runCli(["finish", "--journal", journal, "--ceremony", command![2]!, "--out", out, "--module", env.modulePath], [DEFAULT_REHEARSAL_PINS.userPin], env.env);
  expect(f.code, f.err).toBe(0);
  // The token that will sign is named before its PIN is asked.
  expect(f.out).toMatch(/^ {2}Token "finish-cli": serial [0-9a-f]{16} \(SoftHSM project SoftHSM v2, firmware [\d.]+\)\.$/m);
  expect(f.out).toContain(`COMPLETED. Bundle ${out} written and verified.`);
  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  expect(v.transcript!.ceremony.id).toBe(command![2]);
  expect(v.transcript!.ceremony.status).toBe("completed");
  expect(existsSync(join(out, "certs"))).toBe(true);
}, 180_000);
