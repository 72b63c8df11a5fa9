/**
 * tpm2-pkcs11 on swtpm: the preflight names what it lacks, and `ceremony run` refuses every
 * ceremony whose needs it cannot meet (master key, key recovery, an RSA-4096 root) before anybody
 * signs in, with the reasons asserted here. The ceremonies it can meet run in
 * test/integration/ceremony/tpm2-ceremonies.test.ts. swtpm, a private dbus-daemon and tpm2-abrmd run with their own state and port and are stopped by PID.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadScriptFile } from "../../../src/ceremony/load-script.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import type { PreflightReport } from "../../../src/ceremony/preflight.ts";
import type { Prompter } from "../../../src/cli/prompt.ts";
import { runCommand } from "../../../src/cli/run-command.ts";
import { createTpm2Token, tpm2Unavailable, type Tpm2TokenEnvironment } from "../../helpers/tpm2-token.ts";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const tpm2Skip = await tpm2Unavailable();
if (tpm2Skip) console.log(`SKIPPED tpm2-pkcs11 preflight tests: ${tpm2Skip}`);

const noPrompts: Prompter = {
  ask: async (q) => {
    throw new Error(`nothing may be asked before the preflight refuses, but was asked: ${q}`);
  },
  secret: async (q) => {
    throw new Error(`no secret may be asked before the preflight refuses, but was asked: ${q}`);
  },
  choice: async () => null,
  clearScreen: () => false,
  close: () => undefined,
};

/** `ceremony run` on the module: the refusal table, exit code, and that the journal stayed empty. */
async function runRefused(script: string, module: { modulePath: string; token: string }, params?: string): Promise<{ code: number; out: string; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), "preflight-refused-"));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { script: join(SCRIPTS, script), ...(params ? { params } : {}), module: module.modulePath, token: module.token, out: join(dir, "out"), journal: join(dir, "journal.db") },
    noPrompts,
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function row(report: PreflightReport, need: string): { offered: string; verdict: string; advice: string } {
  const r = report.rows.find((x) => x.need.startsWith(need));
  if (!r) throw new Error(`no row "${need}" in ${report.rows.map((x) => x.need).join(" | ")}`);
  return r;
}

describe.skipIf(tpm2Skip !== null)("tpm2-pkcs11 on swtpm", () => {
  let tpm: Tpm2TokenEnvironment;
  beforeAll(async () => {
    tpm = await createTpm2Token();
    for (const [k, v] of Object.entries(tpm.env)) process.env[k] = v;
  }, 180_000);
  afterAll(async () => {
    await tpm?.cleanup();
  });

  test("the master key is refused before sign-in: no AES key generation, no key wrap, no CMAC", async () => {
    const r = await runRefused("master-key.yaml", { modulePath: tpm.modulePath, token: tpm.tokens[0]!.label });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Preflight of master-key\.yaml on token "ceremony-tpm" \(serial 0000000000000000, IBM SW {3}TPM/);
    expect(r.out.replace(/\s+/g, " ")).toContain("REFUSED: Generate an AES-256 KEK (wrap/unwrap only, extractable only wrapped) — This token cannot hold or recover an escrowed AES key");
    expect(r.out.replace(/\s+/g, " ")).toContain("REFUSED: Wrap a key with AES key wrap with padding (RFC 5649) — This token cannot hold or recover an escrowed AES key");
    expect(r.out.replace(/\s+/g, " ")).toContain("REFUSED: Key check values: AES-ECB and AES-CMAC of a zero block");
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");

    const { script } = await loadScriptFile(join(SCRIPTS, "master-key.yaml"));
    const report = await preflightOnModule({ modulePath: tpm.modulePath, env: tpm.env }, { label: tpm.tokens[0]!.label }, script);
    console.log(`preflight tpm2-pkcs11 master-key: ${report.elapsedMs} ms`);
    expect(row(report, "Generate an AES-256 KEK").offered).toBe("CKM_AES_KEY_GEN 16–32; KEK template: failed (CKR_FUNCTION_NOT_SUPPORTED)");
    expect(row(report, "Wrap a key").offered).toBe(
      "no CKM_AES_KEY_WRAP_KWP / no CKM_AES_KEY_WRAP_PAD / no 0x80000171 (vendor: Luna CKM_AES_KWP) / no 0x8000216F (vendor: CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD)",
    );
    expect(row(report, "Key check values").offered).toBe("CKM_AES_ECB 16–32; no CKM_AES_CMAC");
  });

  test("the key recovery is refused before sign-in: no key wrap, so nothing can be unwrapped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tpm-recovery-"));
    const params = join(dir, "recovery.yaml");
    await writeFile(params, `parameters:\n  bundle: ${JSON.stringify(resolve(import.meta.dirname, "../../fixtures/bundles-v1/04-master-key"))}\n`);
    const r = await runRefused("key-recovery.yaml", { modulePath: tpm.modulePath, token: tpm.tokens[0]!.label }, params);
    expect(r.code).toBe(1);
    // The table fits 100 columns: the cell continues on the next line.
    expect(r.out).toMatch(/^Unwrap a key wrapped with RFC 5649\s+\d+\s+no CKM_AES_KEY_WRAP_KWP \/ no\s+REFUSED\n\s+CKM_AES_KEY_WRAP_PAD \/ no/m);
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");
  });

  test("RSA-4096 is refused by CK_MECHANISM_INFO (the TPM stops at 3072 bits), RSA-3072 is named instead", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tpm-rsa-"));
    const params = join(dir, "rsa.yaml");
    await writeFile(params, "parameters:\n  algorithm: RSA-4096\n");
    const { script } = await loadScriptFile(join(SCRIPTS, "root-ca.yaml"), params);
    const report = await preflightOnModule({ modulePath: tpm.modulePath, env: tpm.env }, { label: tpm.tokens[0]!.label }, script);
    const rsa = report.rows.find((r) => r.need.startsWith("Generate a key pair (RSA-4096)"))!;
    expect(rsa.verdict).toBe("refused");
    expect(rsa.offered).toMatch(/^CKM_RSA_PKCS_KEY_PAIR_GEN \d+–3072, not 4096 bits/);
    expect(rsa.advice).toMatch(/^Choose an algorithm this token offers \(.*RSA-3072.*\) in the parameters, or use an HSM that offers RSA-4096\.$/);
  });

  test("with the PIN, the preflight makes the signing key as the ceremony will: minimal template, read back sign-only", async () => {
    const { script } = await loadScriptFile(join(SCRIPTS, "root-ca.yaml"));
    const report = await preflightOnModule({ modulePath: tpm.modulePath, env: tpm.env }, { label: tpm.tokens[0]!.label }, script, async () =>
      Buffer.from(tpm.tokens[0]!.userPin),
    );
    expect(report.profile.loggedIn).toBe(true);
    const signer = row(report, "Transcript-signing key");
    // The module refuses the full template; the minimal one makes a sign-only key, checked as the ceremony checks it.
    expect(signer.offered).toContain("signing-key template, P-256 signature verified: passed (full template refused (CKR_GENERAL_ERROR), minimal template used)");
    expect(signer.verdict).toBe("ok");

    // The destruction test object is the least-privileged one the module makes: a session data
    // object (it makes no AES key from bytes, which an AES test key would have refused); nothing is written without the PIN.
    const dir = await mkdtemp(join(tmpdir(), "tpm-destroy-"));
    await writeFile(join(dir, "destroy.yaml"), 'parameters:\n  keyLabel: ROOT-CA-R1\n  expectedId: "0102"\n');
    const destruction = await loadScriptFile(join(SCRIPTS, "key-destruction.yaml"), join(dir, "destroy.yaml"));
    const module = { modulePath: tpm.modulePath, env: tpm.env };
    const before = await preflightOnModule(module, { label: tpm.tokens[0]!.label }, destruction.script);
    expect(row(before, "Destroy a key")).toMatchObject({ verdict: "unverified", offered: "C_DestroyObject: not tested without the PIN" });
    const destroy = await preflightOnModule(module, { label: tpm.tokens[0]!.label }, destruction.script, async () => Buffer.from(tpm.tokens[0]!.userPin));
    expect(row(destroy, "Destroy a key")).toMatchObject({ verdict: "ok", offered: "C_DestroyObject: passed (session data object destroyed)" });
    expect(destroy.left).toEqual([]);
  });
});

