/**
 * The README's main job, `ceremony demo`, end to end, with its outputs checked by OpenSSL: the
 * root and intermediate verify with -x509_strict, the CRL verifies, the extensions are the
 * profile's; every bundle verifies; the recovered KEK's KCVs equal the original's; the destroyed
 * key is marked destroyed in the inventory.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, expect, test } from "vitest";
import { demoCommand } from "../../../src/cli/demo-command.ts";
import { Journal } from "../../../src/journal/index.ts";

const run = promisify(execFile);
let out: string;
const lines: string[] = [];
let code: number;

beforeAll(async () => {
  out = join(await mkdtemp(join(tmpdir(), "demo-test-")), "demo");
  code = await demoCommand({ out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) }, out);
}, 240_000);

const openssl = async (...args: string[]): Promise<string> => {
  const r = await run("openssl", args);
  return r.stdout + r.stderr;
};

test("the demo completes and every bundle verifies", () => {
  expect(code, lines.join("\n")).toBe(0);
  const verified = lines.filter((l) => l.includes("✔ verified"));
  expect(verified).toHaveLength(6);
});

test("OpenSSL agrees: root and intermediate verify strictly, the CRL verifies, the profile is as specified", async () => {
  const root = join(out, "01-root-ca/certs/root-ca-r1.pem");
  const intermediate = join(out, "02-intermediate/certs/intermediate-ca-1.pem");
  const crl = join(out, "03-crl/crl/root-ca-r1.crl");
  expect(await openssl("verify", "-x509_strict", "-CAfile", root, root)).toContain(": OK");
  expect(await openssl("verify", "-x509_strict", "-CAfile", root, intermediate)).toContain(": OK");
  expect(await openssl("crl", "-inform", "DER", "-in", crl, "-CAfile", root, "-verify", "-noout")).toContain("verify OK");

  const rootText = await openssl("x509", "-in", root, "-noout", "-text");
  expect(rootText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
  expect(rootText).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
  expect(rootText).toContain("X509v3 Subject Key Identifier");
  expect(rootText).not.toContain("Extended Key Usage");
  expect(rootText).toContain("ecdsa-with-SHA384");
  const intText = await openssl("x509", "-in", intermediate, "-noout", "-text");
  expect(intText).toMatch(/CA:TRUE, pathlen:0/);
  expect(intText).toContain("X509v3 Authority Key Identifier");
  expect(intText).toContain("URI:http://crl.example.com/root-ca-r1.crl");
  expect(intText).toContain("CA Issuers - URI:http://crt.example.com/root-ca-r1.crt");
  expect(intText).toContain("Subject: C = US, O = Ceremony Workstation Demo, CN = Demo Issuing CA 1");
  const crlText = await openssl("crl", "-inform", "DER", "-in", crl, "-noout", "-text");
  expect(crlText).toMatch(/X509v3 CRL Number:\s+1/);
  expect(crlText).toContain("Serial Number: 7A3F19C2D48E0B51");
  expect(crlText).toContain("Key Compromise");
});

test("the recovered KEK has the original KCVs, and the destroyed key is marked destroyed", async () => {
  const journal = Journal.open(join(out, "journal.db"));
  try {
    const keks = journal.listKeys().filter((k) => k.label === "KEK-01");
    expect(keks).toHaveLength(2);
    const [original, recovered] = [keks.find((k) => k.tokenLabel === "demo-root")!, keks.find((k) => k.tokenLabel === "demo-recovery")!];
    expect(recovered.kcvEcb0).toBe(original.kcvEcb0);
    expect(recovered.kcvCmac).toBe(original.kcvCmac);
    expect(recovered.ckaId).toBe(original.ckaId);
    expect(original.status).toBe("destroyed");
    expect(recovered.status).toBe("active");
  } finally {
    journal.close();
  }
  const destruction = JSON.parse(await readFile(join(out, "06-key-destruction/transcript.json"), "utf8")) as { outputs: Array<{ kind: string; details: Record<string, string> }> };
  const proof = destruction.outputs.find((o) => o.kind === "key-destroyed")!;
  expect(proof.details.proof).toMatch(/not found by label; not found by ID [0-9a-f]+; handle [0-9a-f]+: CKR_OBJECT_HANDLE_INVALID/);
});

test("all five cards were read back from their printed PDFs, and they are REHEARSAL cards", async () => {
  const transcript = await readFile(join(out, "04-master-key/transcript.json"), "utf8");
  expect(transcript.match(/"type":"share.verified"/g)).toHaveLength(5);
  const { stdout } = await run("pdftotext", [join(out, "04-master-key/print", (await run("ls", [join(out, "04-master-key/print")])).stdout.split("\n")[0]!), "-"]);
  expect(stdout).toContain("REHEARSAL");
});
