/**
 * Bad input to the PKI ceremonies: each a clear error, nothing signed, the refusal recorded in
 * the journal (action.failed with its code), and no certificate in any artifact.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

const run = promisify(execFile);
let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;
let rootPem: string;

async function rehearse(file: string, params: string, out: string, csr?: Buffer) {
  const script = loadScript(await readFile(join("ceremony-scripts", file), "utf8"), file, parseParams(params, "params"));
  return rehearseScript({
    script,
    env,
    tokenLabel: "pki",
    journal,
    outDir: join(dir, out),
    participants: rehearsalCast(0),
    ...(csr ? { file: async () => ({ name: "request.csr", bytes: csr }) } : {}),
  });
}

function lastFailure(): { code: string; message: string } {
  const id = journal.ceremonies().at(-1)!;
  const failed = journal.events(id).filter((e) => e.type === "action.failed");
  expect(journal.events(id).some((e) => e.type === "artifact.recorded" && e.body.kind === "certificate" && String(e.body.label).startsWith("intermediate"))).toBe(false);
  return failed.at(-1)!.body.error as { code: string; message: string };
}

beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "pki" }]);
  dir = await mkdtemp(join(tmpdir(), "pki-refusals-"));
  journal = Journal.open(join(dir, "journal.db"));
  await rehearse("root-ca.yaml", "parameters:\n  validityYears: 8\n", "root");
  rootPem = join(dir, "root/certs/root-ca-r1.pem");
}, 600_000);
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

test("a root shorter than the Baseline Requirements allow is refused by a named lint before the HSM signs", async () => {
  await expect(rehearse("root-ca.yaml", "parameters:\n  validityYears: 2\n  keyLabel: ROOT-SHORT\n  certLabel: short\n", "short")).rejects.toThrow(/e_root_validity_under_8y/);
  const failure = lastFailure();
  expect(failure.code).toBe("LINTS_FAILED");
  const id = journal.ceremonies().at(-1)!;
  expect(journal.events(id).some((e) => e.type === "artifact.recorded")).toBe(false);
});

test.each([
  ["garbage bytes", Buffer.from("this is not a certificate request"), /CSR/],
  ["a PEM with broken base64", Buffer.from("-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n"), /CSR|PEM/],
  ["an absurdly large file", Buffer.alloc(200 * 1024, 0x30), /CSR/],
])("a CSR that is %s is refused with a clear error and the refusal is journaled", async (_name, csr, pattern) => {
  await expect(rehearse("intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n`, `bad-${Math.random()}`, csr)).rejects.toThrow(pattern);
  const failure = lastFailure();
  expect(failure.code).toMatch(/^CSR_|PEM_/);
  expect(failure.message.length).toBeGreaterThan(20);
});

test("a CSR whose signature does not verify is refused", async () => {
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"), "-subj", "/C=US/O=X/CN=Bad Sig CA", "-out", join(dir, "ok.csr"), "-outform", "DER"]);
  const csr = await readFile(join(dir, "ok.csr"));
  csr[csr.length - 5]! ^= 0x01; // inside the signature
  await expect(rehearse("intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n`, "badsig", csr)).rejects.toThrow(/signature/i);
  expect(lastFailure().code).toMatch(/^CSR_/);
});

test("an intermediate valid beyond the root is refused, nothing signed", async () => {
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", join(dir, "k2.pem"), "-subj", "/C=US/O=X/CN=Long CA", "-out", join(dir, "long.csr")]);
  await expect(
    rehearse("intermediate-signing.yaml", `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n  validityYears: 10\n`, "long", await readFile(join(dir, "long.csr"))),
  ).rejects.toThrow(/after the root expires/);
  expect(lastFailure().code).toBe("VALIDITY_OUTSIDE_ISSUER");
});
