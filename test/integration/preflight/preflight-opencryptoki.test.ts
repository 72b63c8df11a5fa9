/**
 * openCryptoki's soft token: the preflight names what each lacks,
 * and `ceremony run` refuses every ceremony whose needs they cannot meet before anybody signs in,
 * with the reasons asserted here. Its own file: openCryptoki and tpm2-pkcs11 loaded into one process crash it.
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
import { OCK_TOKEN_LABEL, openCryptokiUnavailable, startOpenCryptoki, type OpenCryptokiToken } from "../../helpers/opencryptoki-token.ts";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
const ockSkip = await openCryptokiUnavailable();
if (ockSkip) console.log(`SKIPPED openCryptoki preflight tests: ${ockSkip}`);

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

function row(report: PreflightReport, need: string): { offered: string; verdict: string } {
  const r = report.rows.find((x) => x.need.startsWith(need));
  if (!r) throw new Error(`no row "${need}" in ${report.rows.map((x) => x.need).join(" | ")}`);
  return r;
}

describe.skipIf(ockSkip !== null)("openCryptoki soft token", () => {
  let ock: OpenCryptokiToken;
  beforeAll(async () => {
    ock = await startOpenCryptoki();
  }, 120_000);
  afterAll(async () => {
    await ock?.cleanup();
  });

  test("the root CA is refused before sign-in: no EC at all, so no transcript-signing key", async () => {
    const r = await runRefused("root-ca.yaml", { modulePath: ock.modulePath, token: OCK_TOKEN_LABEL });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Transcript-signing key: EC-P256 key\s+3\s+no CKM_EC_KEY_PAIR_GEN; no CKM_ECDSA\s+REFUSED$/m);
    expect(r.out).toContain("REFUSED: Generate a key pair (EC-P384) and sign with it — This token offers none of the key algorithms the application uses; use another HSM (docs/hsm-support.md).");
  });

  test("an RSA root is refused: RSA keys generate, but there is no CKM_SHA256_RSA_PKCS to sign with", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ock-rsa-"));
    const params = join(dir, "rsa.yaml");
    await writeFile(params, "parameters:\n  algorithm: RSA-4096\n");
    const { script } = await loadScriptFile(join(SCRIPTS, "root-ca.yaml"), params);
    const report = await preflightOnModule({ modulePath: ock.modulePath }, { label: OCK_TOKEN_LABEL }, script);
    console.log(`preflight openCryptoki root-ca RSA-4096: ${report.elapsedMs} ms`);
    expect(row(report, "Generate a key pair (RSA-4096)")).toMatchObject({ verdict: "refused", offered: expect.stringMatching(/^CKM_RSA_PKCS_KEY_PAIR_GEN \d+–\d+; no CKM_SHA256_RSA_PKCS$/) });
  });

  test("the master key is refused before sign-in: no key wrap and no CMAC", async () => {
    const r = await runRefused("master-key.yaml", { modulePath: ock.modulePath, token: OCK_TOKEN_LABEL });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Wrap a key with AES key wrap with\s+5\s+no CKM_AES_KEY_WRAP_KWP \/ no CKM_AES_KEY_WRAP_PAD\s+REFUSED$/m);
    expect(r.out).toMatch(/^of a zero block\s*$/m);
    expect(r.out).toContain("CKM_AES_ECB 16–32; no CKM_AES_CMAC");
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");
  });
});
