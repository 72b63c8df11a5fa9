/**
 * openCryptoki's soft token (Debian 12: 3.8): `ceremony run` refuses every ceremony whose needs it
 * cannot meet before anybody signs in (reasons asserted here: the EC root CA, the master key, the
 * key recovery), and runs those it can meet to verifying bundles on one token and one journal: an
 * RSA-4096 root CA (OpenSSL checks the certificate and that it certifies the key pkcs11-tool reads
 * from the token), an intermediate CA and a CRL signed by that root key, and the root key's
 * destruction. A file of its own: openCryptoki and tpm2-pkcs11 loaded into one process crash it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import type { PreflightReport } from "../../../src/ceremony/preflight.ts";
import type { Prompter } from "../../../src/cli/prompt.ts";
import { runCommand } from "../../../src/cli/run-command.ts";
import { OCK_TOKEN_LABEL, openCryptokiUnavailable, startOpenCryptoki, type OpenCryptokiToken } from "../../helpers/opencryptoki-token.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
/** A master-key bundle (the v1 fixture) for the recovery's preflight. */
const FIXTURE_MASTER_KEY = resolve(import.meta.dirname, "../../fixtures/bundles-v1/04-master-key");
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
  let work: string;
  let journal: Journal;
  const rootPem = (): string => join(work, "root-ca", "certs", "root-ca-r1.pem");
  beforeAll(async () => {
    ock = await startOpenCryptoki();
    work = await mkdtemp(join(tmpdir(), "ock-ceremonies-"));
    journal = Journal.open(join(work, "journal.db"));
  }, 120_000);
  afterAll(async () => {
    journal?.close();
    await ock?.cleanup();
  });

  /** A ceremony as `ceremony run` runs it on the openCryptoki token, one journal for all; its bundle verifies. */
  async function ceremony(name: string, scriptFile: string, params: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}): Promise<{ events: Array<{ type: string; body: Record<string, unknown> }> }> {
    const text = (await readFile(join(SCRIPTS, scriptFile), "utf8")).replace("airGap: block", "airGap: allow-with-override");
    const script = loadScript(text, scriptFile, parseParams(params, `${name} parameters`));
    await rehearseScript({ script, env: { dir: work, modulePath: ock.modulePath, env: {}, tokens: ock.tokens }, tokenLabel: OCK_TOKEN_LABEL, journal, outDir: join(work, name), real: true, ...extra });
    const v = await verifyBundle(join(work, name), { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    expect(v.transcript!.events[0]).toMatchObject({ type: "ceremony.started", body: { rehearsal: false } });
    return v.transcript! as unknown as { events: Array<{ type: string; body: Record<string, unknown> }> };
  }

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
    const params = "parameters:\n  algorithm: RSA-4096\n";
    const text = (await readFile(join(SCRIPTS, "root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override");
    const script = loadScript(text, "root-ca.yaml", parseParams(params, "RSA parameters"));
    const report = await preflightOnModule({ modulePath: ock.modulePath }, { label: OCK_TOKEN_LABEL }, script);
    console.log(`preflight openCryptoki root-ca RSA-4096: ${report.elapsedMs} ms`);
    expect(report.ok).toBe(true);
    expect(row(report, "Generate a key pair (RSA-4096)").offered).toMatch(/^CKM_RSA_PKCS_KEY_PAIR_GEN \d+–4096; CKM_RSA_PKCS \d+–4096$/);

    const transcript = await ceremony("root-ca", "root-ca.yaml", params);
    const preflight = transcript.events.find((e) => e.type === "hsm.preflight")!;
    expect((preflight.body.profile as { token: { model: string } }).token.model).toBe("IBM SoftTok");
    const keys = transcript.events.filter((e) => e.type === "fact.recorded" && e.body.kind === "public-key").map((e) => e.body.details as Record<string, string>);
    expect(keys.map((k) => [k.algorithm, k.template])).toEqual([
      ["RSA-3072", "full"],
      ["RSA-4096", "full"],
    ]);
  }, 600_000);

  test("OpenSSL: the RSA root certificate is self-signed, a CA with keyCertSign and cRLSign, and certifies the public key pkcs11-tool reads from the token", async () => {
    expect((await run("openssl", ["verify", "-x509_strict", "-CAfile", rootPem(), rootPem()])).stdout).toContain(": OK");
    const { stdout: text } = await run("openssl", ["x509", "-in", rootPem(), "-noout", "-text"]);
    expect(text).toMatch(/Signature Algorithm: sha384WithRSAEncryption|Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(4096 bit\)/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    const fromToken = join(work, "token-root.der");
    await run("pkcs11-tool", ["--module", ock.modulePath, "--token-label", OCK_TOKEN_LABEL, "--read-object", "--type", "pubkey", "--label", "ROOT-CA-R1", "--output-file", fromToken]);
    const pub = join(work, "cert-pub.pem");
    await run("openssl", ["x509", "-in", rootPem(), "-noout", "-pubkey", "-out", pub]);
    const { stdout: spkiFromCert } = await run("openssl", ["pkey", "-pubin", "-in", pub, "-outform", "DER"], { encoding: "buffer" });
    const { stdout: spkiFromToken } = await run("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", fromToken, "-outform", "DER"], { encoding: "buffer" });
    expect(Buffer.from(spkiFromToken).toString("hex")).toBe(Buffer.from(spkiFromCert).toString("hex"));
  }, 120_000);

  test("an intermediate CA and the root's CRL are signed by the RSA root key; OpenSSL verifies both; the root key is then destroyed", async () => {
    const csr = join(work, "issuing.csr");
    await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", join(work, "issuing.key"), "-subj", "/C=US/O=Test/CN=OCK Issuing CA 1", "-out", csr]);
    await ceremony("intermediate", "intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem())}\n`, {
      file: async () => ({ name: "issuing.csr", bytes: await readFile(csr) }),
    });
    expect((await run("openssl", ["verify", "-x509_strict", "-CAfile", rootPem(), join(work, "intermediate", "certs", "intermediate-ca-1.pem")])).stdout).toContain(": OK");
    await ceremony("crl", "crl-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem())}\n  revoked:\n    - serial: "7A3F19C2D48E0B51"\n      date: "2026-10-01"\n      reason: keyCompromise\n`);
    const checked = await run("openssl", ["crl", "-in", join(work, "crl", "crl", "root-ca-r1.crl"), "-inform", "DER", "-CAfile", rootPem(), "-noout", "-text"]);
    expect(checked.stderr).toMatch(/verify OK/);

    const root = journal.listKeys().find((k) => k.label === "ROOT-CA-R1")!;
    const destruction = await ceremony("destruction", "key-destruction.yaml", `parameters:\n  keyLabel: ROOT-CA-R1\n  expectedId: "${root.ckaId}"\n`, { participants: rehearsalCast(0) });
    expect(destruction.events.find((e) => e.type === "key.destroyed")!.body).toMatchObject({ label: "ROOT-CA-R1", id: root.ckaId });
    expect(journal.listKeys().find((k) => k.label === "ROOT-CA-R1")).toMatchObject({ destroyedByCeremony: expect.any(String) });
  }, 900_000);

  test("the key recovery is refused before sign-in: no key wrap, so nothing can be unwrapped", async () => {
    const params = join(work, "recovery.yaml");
    await writeFile(params, `parameters:\n  bundle: ${JSON.stringify(FIXTURE_MASTER_KEY)}\n`);
    const r = await runRefused("key-recovery.yaml", { modulePath: ock.modulePath, token: OCK_TOKEN_LABEL }, params);
    expect(r.code).toBe(1);
    // The table fits 100 columns: the cell continues on the next line.
    expect(r.out).toMatch(/^Unwrap a key wrapped with RFC 5649\s+\d+\s+no CKM_AES_KEY_WRAP_KWP \/ no\s+REFUSED\n\s+CKM_AES_KEY_WRAP_PAD \/ no/m);
    expect(r.err).toContain("The ceremony was not started; nobody has signed in.");
  });
});
