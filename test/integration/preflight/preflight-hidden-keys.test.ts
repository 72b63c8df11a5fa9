/**
 * A token that shows no object before a login (YubiHSM 2 finds nothing for an unauthenticated
 * session): SoftHSM2 hides CKA_PRIVATE objects until a login, and a root key pair made with both
 * halves private (capability mask privateKeyPairs; pkcs11-tool confirms what the real module then
 * shows) is invisible to the preflight before sign-in. Intermediate signing is not refused for it:
 * the key is left to the login step, which finds it and the ceremony signs; on a token without the
 * key the login step stops the ceremony before anything is signed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScript, parseParams, type LoadedScript } from "../../../src/ceremony/load-script.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;
let rootPem: string;
let csr: Buffer;

async function script(file: string, params: string): Promise<LoadedScript> {
  const text = (await readFile(join(SCRIPTS, file), "utf8")).replace("airGap: block", "airGap: allow-with-override");
  return loadScript(text, file, parseParams(params, `${file} parameters`));
}

/** The objects pkcs11-tool lists under a label, with or without the user PIN. */
async function listed(token: string, label: string, login: boolean): Promise<string[]> {
  const { stdout } = await run(
    "pkcs11-tool",
    ["--module", env.modulePath, "--token-label", token, "--list-objects", ...(login ? ["--login", "--pin", DEFAULT_REHEARSAL_PINS.userPin] : [])],
    { env: { ...process.env, ...env.env } },
  );
  return stdout
    .split(/\n(?=\S)/)
    .filter((o) => new RegExp(`label:\\s+${label}\\s*$`, "m").test(o))
    .map((o) => o.split("\n")[0]!.trim());
}

beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "hidden" }, { label: "empty" }]);
  for (const [k, v] of Object.entries(env.env)) process.env[k] = v;
  dir = await mkdtemp(join(tmpdir(), "hidden-keys-"));
  journal = Journal.open(join(dir, "journal.db"));
  await rehearseScript({
    script: await script("root-ca.yaml", "parameters:\n  validityYears: 8\n"),
    env,
    tokenLabel: "hidden",
    journal,
    outDir: join(dir, "root"),
    participants: rehearsalCast(0),
    real: true,
    mask: { privateKeyPairs: true },
  });
  rootPem = join(dir, "root/certs/root-ca-r1.pem");
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", join(dir, "ca.key"), "-subj", "/C=US/O=Test/CN=Hidden Root Issuing CA", "-out", join(dir, "ca.csr")]);
  csr = await readFile(join(dir, "ca.csr"));
}, 600_000);
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

const intermediateParams = (): string => `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n`;

test("pkcs11-tool: the root key pair is invisible before a login and both halves are there after it", async () => {
  expect(await listed("hidden", "ROOT-CA-R1", false)).toEqual([]);
  expect((await listed("hidden", "ROOT-CA-R1", true)).sort()).toEqual(["Private Key Object; EC", "Public Key Object; EC  EC_POINT 384 bits"]);
});

test("the preflight without the PIN leaves the root key to the login step (UNVERIFIED, not refused); with the PIN it finds it", async () => {
  const s = await script("intermediate-signing.yaml", intermediateParams());
  const module = { modulePath: env.modulePath, env: env.env };
  const before = await preflightOnModule(module, { label: "hidden" }, s);
  const row = before.rows.find((r) => r.need === 'Sign with the existing key "ROOT-CA-R1"')!;
  expect(row).toMatchObject({ steps: "4", verdict: "unverified", offered: 'no key labelled "ROOT-CA-R1" is visible without the PIN: checked at the login step' });
  expect(before.ok).toBe(true);
  expect(before.keysAtLogin).toEqual(["ROOT-CA-R1"]);

  const logged = await preflightOnModule(module, { label: "hidden" }, s, async () => Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
  expect(logged.rows.find((r) => r.need === 'Sign with the existing key "ROOT-CA-R1"')).toMatchObject({ verdict: "ok", offered: expect.stringMatching(/^CKM_ECDSA\b/) });
});

test("the intermediate ceremony runs on that token: the login step finds the hidden key, the root signs, the bundle verifies", async () => {
  await rehearseScript({
    script: await script("intermediate-signing.yaml", intermediateParams()),
    env,
    tokenLabel: "hidden",
    journal,
    outDir: join(dir, "intermediate"),
    participants: rehearsalCast(0),
    real: true,
    file: async () => ({ name: "ca.csr", bytes: csr }),
  });
  const v = await verifyBundle(join(dir, "intermediate"), { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  const events = v.transcript!.events;
  expect(events.find((e) => e.type === "hsm.preflight")!.body).toMatchObject({ ok: true, keysAtLogin: ["ROOT-CA-R1"] });
  const outputs = events.flatMap((e) => (e.type === "action.succeeded" ? [e.body.outputs as Record<string, { value: string }>] : []));
  expect(outputs.find((o) => o.keys)!.keys!.value).toMatch(/^ROOT-CA-R1 \(EC private key, ID [0-9A-F ]+\)$/);
  const { stdout } = await run("openssl", ["verify", "-CAfile", rootPem, join(dir, "intermediate/certs/intermediate-ca-1.pem")]);
  expect(stdout.trim()).toMatch(/: OK$/);
}, 600_000);

test("on a token without the key the login step stops the ceremony with what to do, before anything is signed", async () => {
  await expect(
    rehearseScript({
      script: await script("intermediate-signing.yaml", intermediateParams()),
      env,
      tokenLabel: "empty",
      journal,
      outDir: join(dir, "no-key"),
      participants: rehearsalCast(0),
      real: true,
      file: async () => ({ name: "ca.csr", bytes: csr }),
    }),
  ).rejects.toThrow(/no private key with that label is on this token/);
  const id = journal.ceremonies().at(-1)!;
  const events = journal.events(id);
  const failed = events.filter((e) => e.type === "action.failed");
  expect(failed).toHaveLength(1);
  const loginStep = events.flatMap((e) => (e.type === "step.started" && e.body.action === "hsm.login" ? [e.body.stepIndex] : []));
  expect(failed.map((e) => (e.type === "action.failed" ? e.body.stepIndex : -1))).toEqual(loginStep);
  expect(failed[0]!.body.error).toMatchObject({
    code: "HSM_KEY_NOT_FOUND",
    message: expect.stringContaining('A later step signs with the key "ROOT-CA-R1", but no private key with that label is on this token'),
  });
  expect(events.some((e) => e.type === "artifact.recorded" && e.body.kind === "certificate")).toBe(false);
}, 600_000);
