/**
 * `ceremony run` end to end in a terminal session fed from a pipe: sign-in with PINs typed twice,
 * the air-gap override, every step with its performer, the HSM PIN, checklist confirmations and
 * attestation PINs; then the bundle verifies and no PIN appears in what the terminal showed.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { checkAirGap } from "../../../src/airgap/check.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { Journal } from "../../../src/journal/index.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

function runCli(args: string[], input: string[], extraEnv: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/ceremony.js"), ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", rej);
    child.on("close", (code) => res({ code: code ?? -1, out, err }));
    child.stdin.end(input.map((l) => `${l}\n`).join(""));
  });
}

test("ceremony run: a root-CA ceremony typed at the terminal ends in a verifying bundle, and no PIN is shown", async () => {
  env = await createRehearsalEnvironment([{ label: "run-cli" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-cli-"));
  // The machine running the tests is connected; the copy of the script allows a witnessed override.
  const script = join(dir, "root-ca.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const pins = { ada: "ada-attest-1", cy: "cy-attest-22", wen: "wen-attest-3", xu: "xu-attest-44" };
  // The second witness is the only one left to attest, so nobody is asked to choose from "[1-1]".
  const attestBoth = (items: number) => ["1", ...Array(items).fill("y"), pins.wen, ...Array(items).fill("y"), pins.xu];
  // Steps that create a key or sign: both witnesses first confirm the preview of what the HSM will do.
  const previewBoth = ["1", "y", pins.wen, "y", pins.xu];
  const input = [
    "Ada", "1", "Security Ops", pins.ada, pins.ada,
    "Cy", "2", "Security Ops", pins.cy, pins.cy,
    "Wen", "3", "Internal Audit", pins.wen, pins.wen,
    "Xu", "3", "Risk", pins.xu, "typo-in-second", // PINs differ: signed in again below
    "Xu", "3", "Risk", pins.xu, pins.xu,
    "",
    "1", pins.wen, "2", pins.xu, // air-gap override by the two witnesses
    // Each step has one possible performer, named without a question.
    "1", "n", ...attestBoth(2), // step 1: air gap; Wen first says "n" to an item: no PIN is asked
    DEFAULT_REHEARSAL_PINS.userPin, ...attestBoth(2), // step 2: HSM login
    ...attestBoth(1), // step 3: transcript signer
    ...previewBoth, ...attestBoth(1), // step 4: root key
    ...previewBoth, ...attestBoth(3), // step 5: root certificate
  ];
  const out = join(dir, "bundle");
  const r = await runCli(
    ["run", script, "--module", env.modulePath, "--token", "run-cli", "--out", out, "--journal", join(dir, "journal.db")],
    input,
    env.env,
  );
  expect(r.err).toContain("The two PINs differ");
  expect(r.err).toContain('Wen did not confirm "No network cable is connected": no attestation recorded.');
  expect(r.out).not.toMatch(/\[1-1\]/);
  expect(r.out).toMatch(/Crypto officer performing the step: Cy \(Crypto officer, Security Ops\), the only one who can\./);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain("COMPLETED. Bundle");
  expect(r.out).toMatch(/Copy onto the paper script: journal head [0-9A-F]{4} [0-9A-F]{4}\r?\n/);
  expect(r.out).toMatch(/Certificate SHA-256:\s+[0-9A-F]{4} [0-9A-F]{4}/);
  for (const secret of [...Object.values(pins), DEFAULT_REHEARSAL_PINS.userPin]) {
    expect(r.out + r.err).not.toContain(secret);
  }
  const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  expect(v.transcript!.participants.map((p) => p.name)).toEqual(["Ada", "Cy", "Wen", "Xu"]);
  expect(v.transcript!.events[0]).toMatchObject({ type: "ceremony.started", body: { rehearsal: false } });
}, 600_000);

const airGapped = checkAirGap().clear;
if (airGapped) console.log("skipped the blocked-air-gap test: this machine has no network interface up, so there is nothing to block");
test.skipIf(airGapped)("ceremony run refuses a script that blocks a connected workstation before anybody signs in, recording nothing", async () => {
  env ??= await createRehearsalEnvironment([{ label: "run-cli" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-cli-block-"));
  const journalPath = join(dir, "j.db");
  const r = await runCli(
    ["run", join(ROOT, "ceremony-scripts/root-ca.yaml"), "--module", env.modulePath, "--token", "run-cli", "--out", join(dir, "b"), "--journal", journalPath],
    [],
    env.env,
  );
  // This machine has a network interface up; on an air-gapped laptop the same run proceeds.
  expect(r.code).toBe(1);
  // Lines fit 100 columns: a sentence may continue on the next line.
  const err = r.err.replace(/\s+/g, " ");
  expect(err).toMatch(/^Network interfaces are up: .+\. This script does not run on a connected workstation: disconnect/);
  expect(err).toContain("Nobody has signed in; nothing was recorded.");
  expect(r.out).not.toContain("Participant name");
  const journal = Journal.open(journalPath);
  try {
    expect(journal.ceremonies()).toEqual([]);
  } finally {
    journal.close();
  }
}, 600_000);

test("resuming shows the parameters the ceremony started with, and refuses a parameters file that differs", async () => {
  env ??= await createRehearsalEnvironment([{ label: "run-cli" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-cli-resume-"));
  const script = join(dir, "root-ca.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  await writeFile(join(dir, "a.yaml"), "parameters:\n  validityYears: 19\n");
  await writeFile(join(dir, "b.yaml"), "parameters:\n  validityYears: 18\n");
  const args = (params: string) => ["run", script, "--params", join(dir, params), "--module", env!.modulePath, "--token", "run-cli", "--out", join(dir, `out-${params}`), "--journal", join(dir, "j.db")];
  // Started, then the terminal goes away during sign-in: the ceremony stays unfinished.
  const first = await runCli(args("a.yaml"), ["Ada"], env.env);
  expect(first.code).not.toBe(0);
  const second = await runCli(args("b.yaml"), [], env.env);
  expect(second.code).toBe(1);
  expect(second.out.replace(/\s+/g, " ")).toMatch(/is unfinished \(started [^)]+\)\. Its parameters:/);
  expect(second.out).toContain("  validityYears = 19");
  expect(second.err.replace(/\s+/g, " ")).toMatch(/The parameters in .*b\.yaml differ from those ceremony \S+ started with \(listed above\)\./);
}, 600_000);
