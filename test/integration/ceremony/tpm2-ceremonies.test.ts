/**
 * Every ceremony whose needs tpm2-pkcs11 over swtpm meets, run as `ceremony run` runs them (the
 * scripted participants, real: not rehearsals), one after the other on one token and one journal:
 * - root CA (root-ca.yaml, EC-P384, which the TPM offers): the preflight passes; the
 *   transcript-signing key (P-256) and the root key are made with the minimal template after the
 *   module refuses the full one, and are kept because they read back sign-only. The bundle is
 *   checked by `ceremony verify`, by the stock-OpenSSL recipe (docs/recipes/verify-bundle.sh), and
 *   its certificate by OpenSSL: self-signed, the key usages, and the public key the token holds
 *   as pkcs11-tool lists it;
 * - an intermediate CA signed from an OpenSSL CSR, and the root's CRL: OpenSSL verifies both
 *   against the root certificate;
 * - destruction of the root key: gone from the token (pkcs11-tool), marked in the key inventory.
 * The master key and the recovery are refused before sign-in (test/integration/preflight/preflight-tpm2.test.ts).
 * swtpm, a private dbus-daemon and tpm2-abrmd run with their own state and port and are stopped by
 * PID (test/helpers/tpm2-token.ts).
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { createTpm2Token, tpm2Unavailable, TPM2_SERIAL, type Tpm2TokenEnvironment } from "../../helpers/tpm2-token.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPTS = join(ROOT, "ceremony-scripts");
const tpm2Skip = await tpm2Unavailable();
if (tpm2Skip) console.log(`SKIPPED tpm2-pkcs11 root-CA ceremony: ${tpm2Skip}`);

interface Transcript {
  signer: { spkiSha256: string; algorithm: string };
  events: Array<{ type: string; body: Record<string, unknown> }>;
}

describe.skipIf(tpm2Skip !== null)("ceremonies on tpm2-pkcs11 (swtpm)", () => {
  let tpm: Tpm2TokenEnvironment;
  let work: string;
  let journal: Journal;
  const bundle = (name = "root-ca"): string => join(work, name);
  const rootPem = (): string => join(bundle(), "certs", "root-ca-r1.pem");
  beforeAll(async () => {
    tpm = await createTpm2Token();
    work = await mkdtemp(join(tmpdir(), "tpm2-ceremonies-"));
    journal = Journal.open(join(work, "journal.db"));
  }, 180_000);
  afterAll(async () => {
    journal?.close();
    await tpm?.cleanup();
  });

  /** A ceremony as `ceremony run` runs it on the tpm2 token; its bundle verifies. */
  async function ceremony(name: string, scriptFile: string, params: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}): Promise<Transcript> {
    const text = (await readFile(join(SCRIPTS, scriptFile), "utf8")).replace("airGap: block", "airGap: allow-with-override");
    const script = loadScript(text, scriptFile, parseParams(params, `${name} parameters`));
    await rehearseScript({ script, env: { dir: work, modulePath: tpm.modulePath, env: tpm.env, tokens: tpm.tokens }, tokenLabel: tpm.tokens[0]!.label, journal, outDir: bundle(name), real: true, ...extra });
    const v = await verifyBundle(bundle(name), { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    const transcript = JSON.parse(await readFile(join(bundle(name), "transcript.json"), "utf8")) as Transcript;
    expect(transcript.events[0]).toMatchObject({ type: "ceremony.started", body: { rehearsal: false } });
    return transcript;
  }

  test("the EC-P384 root CA passes the preflight and runs to a bundle that `ceremony verify` and the OpenSSL recipe accept", async () => {
    const text = (await readFile(join(SCRIPTS, "root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override");
    const script = loadScript(text, "root-ca.yaml", parseParams('parameters:\n  subject: "CN=TPM Root R1, O=Test, C=US"\n  algorithm: EC-P384\n', "tpm2 parameters"));
    const token = tpm.tokens[0]!;

    const report = await preflightOnModule({ modulePath: tpm.modulePath, env: tpm.env }, { label: token.label }, script, async () => Buffer.from(token.userPin));
    console.log(`preflight tpm2-pkcs11 root-ca EC-P384 (with the PIN): ${report.elapsedMs} ms`);
    expect(report.rows.filter((r) => r.verdict !== "ok")).toEqual([]);
    const keyRow = report.rows.find((r) => r.need.startsWith("Generate a key pair (EC-P384)"))!;
    expect(keyRow.offered).toMatch(/signing-key template, P-384 signature verified: passed \(full template refused \(CKR_GENERAL_ERROR\), minimal template used\)/);

    const transcript = await ceremony("root-ca", "root-ca.yaml", 'parameters:\n  subject: "CN=TPM Root R1, O=Test, C=US"\n  algorithm: EC-P384\n');
    const profile = transcript.events.find((e) => e.type === "hsm.preflight")!.body.profile as { token: { serial: string; model: string } };
    expect(profile.token).toMatchObject({ serial: TPM2_SERIAL, model: "SW   TPM" });

    // Both keys: the full template refused, the minimal one used, and what the TPM made is sign-only.
    const keys = transcript.events.filter((e) => e.type === "fact.recorded" && e.body.kind === "public-key").map((e) => e.body.details as Record<string, string>);
    expect(keys.map((k) => [k.algorithm, k.template])).toEqual([
      ["EC-P256", "minimal"],
      ["EC-P384", "minimal"],
    ]);
    for (const k of keys) {
      expect(k.effectiveAttributes).toBe("private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: !VERIFY ENCRYPT !WRAP");
    }

    const fingerprint = transcript.signer.spkiSha256;
    const cli = spawnSync(process.execPath, [join(ROOT, "bin/ceremony.js"), "verify", bundle(), "--signer", fingerprint], { encoding: "utf8" });
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    const recipe = spawnSync(join(ROOT, "docs/recipes/verify-bundle.sh"), [bundle(), fingerprint], { cwd: work, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    expect(recipe.status, recipe.stderr).toBe(0);
    expect(recipe.stdout).toContain("Verified OK");
  }, 600_000);

  test("OpenSSL: the certificate is self-signed, a CA with keyCertSign and cRLSign, and certifies the public key the token holds", async () => {
    const pem = rootPem();
    expect((await run("openssl", ["verify", "-CAfile", pem, "-x509_strict", pem])).stdout).toContain(": OK");
    const { stdout: text } = await run("openssl", ["x509", "-in", pem, "-noout", "-text"]);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
    expect(text).toMatch(/ASN1 OID: secp384r1/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Subject: C = US, O = Test, CN = TPM Root R1\n/);
    expect(text).toMatch(/Issuer: C = US, O = Test, CN = TPM Root R1\n/);

    // The public key in the certificate is the one on the token, as OpenSC's pkcs11-tool lists it
    // (its --read-object cannot export this module's EC keys: "cannot create EVP_PKEY").
    const { stdout: objects } = await run("pkcs11-tool", ["--module", tpm.modulePath, "--token-label", tpm.tokens[0]!.label, "--list-objects", "--type", "pubkey"], {
      env: { ...process.env, ...tpm.env },
    });
    const listed = objects.split(/^(?=Public Key Object)/m).find((block) => /^\s*label:\s+ROOT-CA-R1$/m.test(block)) ?? objects;
    const ecPoint = /EC_POINT:\s+([0-9a-f]+)/.exec(listed)?.[1];
    const ecParams = /EC_PARAMS:\s+([0-9a-f]+)/.exec(listed)?.[1];
    expect(ecParams, listed).toBe("06052b81040022"); // secp384r1
    // CKA_EC_POINT is the DER OCTET STRING (04 61) around the 97-byte uncompressed point.
    expect(ecPoint?.slice(0, 4), listed).toBe("0461");
    const spkiFromToken = `3076301006072a8648ce3d0201${ecParams}036200${ecPoint!.slice(4)}`;
    const pub = join(work, "cert-pub.pem");
    await run("openssl", ["x509", "-in", pem, "-noout", "-pubkey", "-out", pub]);
    const { stdout: spkiFromCert } = await run("openssl", ["pkey", "-pubin", "-in", pub, "-outform", "DER"], { encoding: "buffer" });
    expect(Buffer.from(spkiFromCert).toString("hex")).toBe(spkiFromToken);
    // The token's own usage line for the public half: tpm2-pkcs11 reports the TPM's sign/encrypt flag as "encrypt".
    expect(listed).toMatch(/Usage:\s+encrypt\n/);
  }, 120_000);

  test("an intermediate CA from an OpenSSL CSR and the root's CRL are signed by the root key in the TPM; OpenSSL verifies both", async () => {
    const csr = join(work, "issuing.csr");
    await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", join(work, "issuing.key"), "-subj", "/C=US/O=Test/CN=TPM Issuing CA 1", "-out", csr]);
    await ceremony("intermediate", "intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem())}\n`, {
      file: async () => ({ name: "issuing.csr", bytes: await readFile(csr) }),
    });
    const issued = join(bundle("intermediate"), "certs", "intermediate-ca-1.pem");
    expect((await run("openssl", ["verify", "-x509_strict", "-CAfile", rootPem(), issued])).stdout).toContain(": OK");

    await ceremony("crl", "crl-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem())}\n  revoked:\n    - serial: "7A3F19C2D48E0B51"\n      date: "2026-10-01"\n      reason: keyCompromise\n`);
    const crl = join(bundle("crl"), "crl", "root-ca-r1.crl");
    const checked = await run("openssl", ["crl", "-in", crl, "-inform", "DER", "-CAfile", rootPem(), "-noout", "-text"]);
    expect(checked.stderr).toMatch(/verify OK/);
    expect(checked.stdout).toMatch(/Serial Number: 7A3F19C2D48E0B51[\s\S]*Key Compromise/);
  }, 600_000);

  test("the root key is destroyed under dual control: gone from the token, marked destroyed in the inventory", async () => {
    const root = journal.listKeys().find((k) => k.label === "ROOT-CA-R1")!;
    expect(root.tokenSerial).toBe(TPM2_SERIAL);
    const transcript = await ceremony("destruction", "key-destruction.yaml", `parameters:\n  keyLabel: ROOT-CA-R1\n  expectedId: "${root.ckaId}"\n`, { participants: rehearsalCast(0) });
    // tpm2-pkcs11 answers an old key handle with CKR_KEY_HANDLE_INVALID (SoftHSM2: CKR_OBJECT_HANDLE_INVALID).
    const rows = transcript.events.find((e) => e.type === "hsm.preflight")!.body.rows as Array<{ need: string; offered: string; verdict: string }>;
    // Before sign-in (no PIN) this module refuses the test object as read-only: unverified, which does not stop the ceremony.
    expect(rows.find((r) => r.need.startsWith("Destroy a key"))).toMatchObject({ verdict: "unverified", offered: "C_DestroyObject: not tested without the PIN" });
    const destroyed = transcript.events.find((e) => e.type === "key.destroyed")!.body;
    expect(destroyed).toMatchObject({ label: "ROOT-CA-R1", id: root.ckaId, proof: expect.stringMatching(/^not found by label; not found by ID [0-9a-f]+; handle [0-9a-f]+: CKR_KEY_HANDLE_INVALID; handle [0-9a-f]+: CKR_KEY_HANDLE_INVALID$/) });
    const { stdout: objects } = await run("pkcs11-tool", ["--module", tpm.modulePath, "--token-label", tpm.tokens[0]!.label, "--login", "--pin", tpm.tokens[0]!.userPin, "--list-objects"], {
      env: { ...process.env, ...tpm.env },
    });
    expect(objects).toContain("label:      ceremony-transcript-signing");
    expect(objects).not.toContain("ROOT-CA-R1");
    expect(journal.listKeys().find((k) => k.label === "ROOT-CA-R1")).toMatchObject({ destroyedByCeremony: expect.any(String) });
  }, 600_000);
});
