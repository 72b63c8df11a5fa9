/**
 * The transcript-signing key follows what the token offers: on a token without EC (openCryptoki's
 * soft token, made here by masking SoftHSM2's mechanism list) a root-CA ceremony signs its
 * transcript with RSA-3072 PKCS#1 v1.5; `verify` accepts the bundle and stock OpenSSL verifies the
 * signature over the DSSE pre-authentication encoding.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { CKM } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { pae, TRANSCRIPT_PAYLOAD_TYPE, verifyBundle } from "../../../src/transcript/index.ts";
import { createTestToken, type TestTokenEnvironment } from "../../helpers/rehearsal-hsm.ts";

const run = promisify(execFile);
let token: TestTokenEnvironment | undefined;
let journal: Journal | undefined;
afterAll(async () => {
  journal?.close();
  await token?.cleanup();
});

test("a token without EC gets an RSA-3072 transcript-signing key; verify and OpenSSL accept the transcript signature", async () => {
  token = await createTestToken("SoftHSM2", ["no-ec"]);
  const dir = await mkdtemp(join(tmpdir(), "signer-choice-"));
  journal = Journal.open(join(dir, "journal.db"));
  const text = await readFile(resolve("ceremony-scripts/root-ca.yaml"), "utf8");
  const out = join(dir, "bundle");
  await rehearseScript({
    script: loadScript(text, "root-ca.yaml", parseParams('parameters:\n  subject: "CN=No EC Root, O=Test, C=US"\n  algorithm: RSA-4096\n', "params")),
    env: token,
    tokenLabel: "no-ec",
    journal,
    outDir: out,
    mask: { hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.ECDSA] },
  });
  const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  const signerFact = v.transcript!.outputs.find((o) => o.kind === "public-key" && o.details.purpose === "transcript-signing");
  expect(signerFact?.details.algorithm).toBe("RSA-3072");
  expect(signerFact?.details.effectiveAttributes).toMatch(/^private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: VERIFY !ENCRYPT !WRAP$/);

  // Stock OpenSSL: the signer is RSA 3072, and its PKCS#1 v1.5 SHA-256 signature covers the PAE.
  const { stdout: keyText } = await run("openssl", ["pkey", "-pubin", "-in", join(out, "signer.pub.pem"), "-noout", "-text"]);
  expect(keyText).toMatch(/Public-Key: \(3072 bit\)/);
  const envelope = JSON.parse(await readFile(join(out, "transcript.dsse.json"), "utf8")) as { payload: string; signatures: Array<{ sig: string }> };
  await writeFile(join(dir, "pae.bin"), pae(TRANSCRIPT_PAYLOAD_TYPE, Buffer.from(envelope.payload, "base64")));
  await writeFile(join(dir, "sig.bin"), Buffer.from(envelope.signatures[0]!.sig, "base64"));
  const { stdout } = await run("openssl", ["dgst", "-sha256", "-verify", join(out, "signer.pub.pem"), "-signature", join(dir, "sig.bin"), join(dir, "pae.bin")]);
  expect(stdout.trim()).toBe("Verified OK");
}, 240_000);
