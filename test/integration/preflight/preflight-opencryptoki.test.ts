/**
 * openCryptoki's soft token (Debian 12: 3.8): `ceremony run` refuses every ceremony whose needs it
 * cannot meet before anybody signs in (reasons asserted here), and the one it can meet, an RSA root
 * CA, runs to a verifying bundle. A file of its own: openCryptoki and tpm2-pkcs11 loaded into one
 * process crash it.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
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

/** The table's text with its wrapping undone (cells wrap within their column, notes at 100 columns). */
function flat(text: string): string {
  return text.replace(/\s+/g, " ");
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

  test("the EC root CA is refused before sign-in: no EC at all; the advice names the RSA sizes it offers", async () => {
    const r = await runRefused("root-ca.yaml", { modulePath: ock.modulePath, token: OCK_TOKEN_LABEL });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Generate a key pair \(EC-P384\) and\s+4\s+no CKM_EC_KEY_PAIR_GEN; no CKM_ECDSA\s+REFUSED$/m);
    expect(flat(r.out)).toContain("REFUSED: Generate a key pair (EC-P384) and sign with it — Choose an algorithm this token offers (RSA-4096, RSA-3072) in the parameters, or use an HSM that offers EC-P384.");
    expect(r.out).toMatch(/^Transcript-signing key: EC-P256,\s+3\s+RSA-3072 will be used:/m);
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");
  });

  test("the master key is refused before sign-in: no key wrap and no CMAC", async () => {
    const r = await runRefused("master-key.yaml", { modulePath: ock.modulePath, token: OCK_TOKEN_LABEL });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Wrap a key with AES key wrap with\s+5\s+no CKM_AES_KEY_WRAP_KWP \/ no\s+REFUSED$/m);
    expect(flat(r.out)).toContain("CKM_AES_ECB 16–32; no CKM_AES_CMAC");
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");
  });

  test("an RSA-4096 root CA passes the preflight (CKM_RSA_PKCS with a host DigestInfo) and runs to a verifying bundle", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ock-rsa-"));
    const params = "parameters:\n  algorithm: RSA-4096\n";
    const text = (await readFile(join(SCRIPTS, "root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override");
    const script = loadScript(text, "root-ca.yaml", parseParams(params, "RSA parameters"));
    const report = await preflightOnModule({ modulePath: ock.modulePath }, { label: OCK_TOKEN_LABEL }, script);
    console.log(`preflight openCryptoki root-ca RSA-4096: ${report.elapsedMs} ms`);
    expect(report.ok).toBe(true);
    expect(row(report, "Generate a key pair (RSA-4096)").offered).toMatch(/^CKM_RSA_PKCS_KEY_PAIR_GEN \d+–4096; CKM_RSA_PKCS \d+–4096$/);

    const journal = Journal.open(join(dir, "journal.db"));
    try {
      await rehearseScript({
        script,
        env: { dir, modulePath: ock.modulePath, env: {}, tokens: ock.tokens },
        tokenLabel: OCK_TOKEN_LABEL,
        journal,
        outDir: join(dir, "bundle"),
        real: true,
      });
    } finally {
      journal.close();
    }
    const v = await verifyBundle(join(dir, "bundle"), { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    const preflight = v.transcript!.events.find((e) => e.type === "hsm.preflight")!;
    expect((preflight.body.profile as { token: { model: string } }).token.model).toBe("IBM SoftTok");
  }, 600_000);
});
