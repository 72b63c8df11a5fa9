/**
 * Root rotation end to end on one SoftHSM2 token, as the ceremonies run it: root-ca.yaml makes the
 * old root, root-rotation.yaml (from the old root's bundle) makes the new root and the two
 * cross-certificates, and intermediate-signing.yaml issues an intermediate under each root.
 * OpenSSL then builds the chain both ways — what the new root issued verifies with only the old
 * root as anchor (through the old root's cross-certificate), and the reverse — and the key
 * inventory links old and new. The rotation is refused without its named witness, with a
 * certificate whose key is not on the token, and for a root already rotated.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { flatText } from "../print-tools.ts";

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;

beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "rotation" }]);
  dir = await mkdtemp(join(tmpdir(), "root-rotation-"));
  journal = Journal.open(join(dir, "journal.db"));
});
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

async function ceremony(name: string, script: string, params: string, extra: Partial<Parameters<typeof rehearseScript>[0]> = {}) {
  const loaded = loadScript(await readFile(join(SCRIPTS, script), "utf8"), script, parseParams(params, `${name}.yaml`));
  return rehearseScript({ script: loaded, env, tokenLabel: "rotation", journal, outDir: join(dir, name), participants: rehearsalCast(0), ...extra });
}

async function intermediateUnder(name: string, rootPem: string, cn: string, rootKeyLabel: string): Promise<string> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", `/C=US/O=Example Corp/CN=${cn}`, "-out", csr]);
  const params = `parameters:\n  rootCertificate: ${JSON.stringify(rootPem)}\n  rootKeyLabel: ${rootKeyLabel}\n  rootLabel: ${rootKeyLabel.toLowerCase()}\n  csrLabel: ${name}\n  certLabel: ${name}\n`;
  await ceremony(name, "intermediate-signing.yaml", params, { file: async () => ({ name: `${name}.csr`, bytes: await readFile(csr) }) });
  return join(dir, name, "certs", `${name}.pem`);
}

const verify = async (...args: string[]): Promise<string> => {
  try {
    const r = await run("openssl", ["verify", "-x509_strict", ...args]);
    return r.stdout;
  } catch (e) {
    return `FAILED ${(e as { stdout?: string }).stdout ?? ""} ${(e as { stderr?: string }).stderr ?? ""}`;
  }
};

test("the old root certifies the new root's key and the reverse; OpenSSL builds the chain both ways; the inventory links them", async () => {
  await ceremony("old-root", "root-ca.yaml", 'parameters:\n  subject: "CN=Example Root CA R1, O=Example Corp, C=US"\n');
  const r1 = join(dir, "old-root", "certs", "root-ca-r1.pem");
  const rotation = await ceremony("rotation", "root-rotation.yaml", `parameters:\n  oldRootCertificate: ${JSON.stringify(r1)}\n`, { participants: rehearsalCast(0) });
  expect(rotation.verification.failures).toEqual([]);
  const certs = join(dir, "rotation", "certs");
  const r2 = join(certs, "root-ca-r2.pem");
  const r2ByR1 = join(certs, "root-ca-r2-by-root-ca-r1.pem");
  const r1ByR2 = join(certs, "root-ca-r1-by-root-ca-r2.pem");

  const underNew = await intermediateUnder("issuing-r2", r2, "Issuing CA under R2", "ROOT-CA-R2");
  const underOld = await intermediateUnder("issuing-r1", r1, "Issuing CA under R1", "ROOT-CA-R1");
  // What the new root issues is trusted by a relying party that has only the old root, through
  // the old root's cross-certificate; and the reverse through the new root's.
  expect(await verify("-CAfile", r1, "-untrusted", r2ByR1, underNew)).toContain(": OK");
  expect(await verify("-CAfile", r2, "-untrusted", r1ByR2, underOld)).toContain(": OK");
  expect(await verify("-CAfile", r1, underNew)).toMatch(/^FAILED .*unable to get local issuer certificate/s);
  expect(await verify("-CAfile", r2, underOld)).toMatch(/^FAILED .*unable to get local issuer certificate/s);
  expect(await verify("-CAfile", r2, underNew)).toContain(": OK");

  const text = (await run("openssl", ["x509", "-in", r2ByR1, "-noout", "-text"])).stdout;
  expect(text).toContain("Issuer: C = US, O = Example Corp, CN = Example Root CA R1");
  expect(text).toContain("Subject: C = US, O = Example Corp, CN = Example Root CA R2");
  expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
  expect(text).toContain("URI:http://crl.example.com/root-ca-r1.crl");
  expect(text).toContain("X509v3 Any Policy");

  const transcript = rotation.verification.transcript!;
  const linted = transcript.events.filter((e) => e.type === "pki.linted");
  expect(linted.map((e) => (e.body as { what: string }).what)).toEqual(["certificate root-ca-r2", "cross-certificate root-ca-r2-by-root-ca-r1", "cross-certificate root-ca-r1-by-root-ca-r2"]);
  for (const e of linted) expect((e.body as { notPassed: string[] }).notPassed).toEqual([]);
  // Confirm, then act: each cross-certificate's subject, validity, extensions and SPKI were attested before the HSM signed.
  const previews = transcript.events.filter((e) => e.type === "preview.shown").map((e) => (e.body as { items: Array<{ label: string }> }).items.map((i) => i.label));
  expect(previews).toContainEqual(expect.arrayContaining(["Subject (the certified root, as in its own certificate)", "Validity", "Extensions", "Public key certified (SPKI SHA-256)"]));
  const superseded = transcript.events.find((e) => e.type === "key.superseded")!.body as { old: { label: string }; successor: { label: string }; destroyBy: string | null };
  expect(superseded).toMatchObject({ old: { label: "ROOT-CA-R1" }, successor: { label: "ROOT-CA-R2" }, destroyBy: null });
  // The named witness attested every step that makes or changes a root key.
  const xu = transcript.participants.find((p) => p.title === "Director of Cybersecurity")!;
  for (const step of ["generate-new-root-key", "new-root-certificate", "cross-old-certifies-new", "cross-new-certifies-old", "record-rotation"]) {
    const index = transcript.events.find((e) => e.type === "step.started" && (e.body as { stepId: string }).stepId === step)!.body as { stepIndex: number };
    expect(transcript.events.some((e) => e.type === "attestation.recorded" && (e.body as { stepIndex: number; participantId: string }).stepIndex === index.stepIndex && (e.body as { participantId: string }).participantId === xu.id), step).toBe(true);
  }

  const keys = journal.listKeys();
  const old = keys.find((k) => k.label === "ROOT-CA-R1")!;
  const successor = keys.find((k) => k.label === "ROOT-CA-R2")!;
  expect(old.supersededBy).toEqual({ tokenSerial: successor.tokenSerial, ckaId: successor.ckaId });
  expect(old.supersededByCeremony).toBe(rotation.ceremonyId);
  expect(old.destructionDueAt).toBeNull();
  expect(successor.supersedes).toEqual([{ tokenSerial: old.tokenSerial, ckaId: old.ckaId }]);

  const summary = flatText(await readFile(join(dir, "rotation", "sheets", "transcript-summary.pdf")));
  expect(summary).toContain("Key rotation");
  expect(summary).toMatch(/ROOT-CA-R1 \(ID [0-9A-F ]+\).*ROOT-CA-R2 \(ID [0-9A-F ]+\).*not scheduled: kept for what it issued/);
  expect(summary).toContain("Xu Witness (Director of Cybersecurity)");
  expect((await verifyBundle(join(dir, "rotation"))).failures).toEqual([]);
}, 600_000);

test("a rotation without the CISO or Director of Cybersecurity does not start its steps; a certificate whose key is not on the token, or a root already rotated, is refused", async () => {
  const r1 = join(dir, "old-root", "certs", "root-ca-r1.pem");
  const noTitles = rehearsalCast(0).map(({ title: _title, ...p }) => p);
  const refused = ceremony("no-ciso", "root-rotation.yaml", `parameters:\n  oldRootCertificate: ${JSON.stringify(r1)}\n  keyLabel: ROOT-CA-R3\n`, { participants: noTitles });
  await expect(refused).rejects.toThrow(CeremonyError);
  await expect(refused).rejects.toThrow(
    "This script's policy needs a CISO or Director of Cybersecurity (job title CISO, Director of Cybersecurity or Chief Information Security Officer) among the internal witnesses, and nobody signed in with that job title fills it: sign them in with their title, then close sign-in.",
  );

  // A self-signed certificate for a key the token does not hold: nothing is signed.
  const key = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const keyFile = join(dir, "stranger.key");
  await (await import("node:fs/promises")).writeFile(keyFile, key.privateKey.export({ format: "pem", type: "pkcs8" }));
  const stranger = join(dir, "stranger.pem");
  await run("openssl", ["req", "-x509", "-new", "-key", keyFile, "-subj", "/C=US/O=Example Corp/CN=Example Root CA R1", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", stranger]);
  const wrongKey = ceremony("wrong-key", "root-rotation.yaml", `parameters:\n  oldRootCertificate: ${JSON.stringify(stranger)}\n  keyLabel: ROOT-CA-R4\n`);
  await expect(wrongKey).rejects.toThrow(/The key ROOT-CA-R1 on this token \(SPKI [0-9a-f]{16}…\) is not the key in .*stranger\.pem/);
  const newKey = journal.listKeys().find((k) => k.label === "ROOT-CA-R4");
  expect(newKey).toBeUndefined();

  // R1 was already replaced by R2: rotating it again is refused before a new key is made (R2's link stays).
  const again = ceremony("again", "root-rotation.yaml", `parameters:\n  oldRootCertificate: ${JSON.stringify(r1)}\n  keyLabel: ROOT-CA-R5\n`);
  await expect(again).rejects.toThrow(/^ROOT-CA-R1 \(ID [0-9A-F ]+\) was already replaced by ROOT-CA-R2 \(ID [0-9A-F ]+\) in ceremony root-rotation-\S+\. Nothing was made/);
  expect(journal.listKeys().find((k) => k.label === "ROOT-CA-R5")).toBeUndefined();
  expect(journal.listKeys().find((k) => k.label === "ROOT-CA-R1")!.supersededBy?.ckaId).toBe(journal.listKeys().find((k) => k.label === "ROOT-CA-R2")!.ckaId);
}, 600_000);
