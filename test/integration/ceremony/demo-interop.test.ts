/**
 * The README's main job, `ceremony demo`, end to end, with its outputs checked by OpenSSL: the
 * root and intermediate verify with -x509_strict, the CRL verifies, the extensions are the
 * profile's; every bundle verifies; the recovered KEK's KCVs equal the original's; the key
 * destroyed on its first token is PARTLY DESTROYED with what remains named, then DESTROYED once the
 * second destruction accounts for every copy; the rotated roots cross-certify each other so that
 * OpenSSL builds the chain from either root; the rotated KEK was scheduled for destruction.
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
}, 600_000);

const openssl = async (...args: string[]): Promise<string> => {
  const r = await run("openssl", args);
  return r.stdout + r.stderr;
};

test("the demo completes and every bundle verifies", () => {
  expect(code, lines.join("\n")).toBe(0);
  const verified = lines.filter((l) => l.includes("✔ verified"));
  expect(verified).toHaveLength(10);
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

test("the recovered KEK has the original KCVs; destroyed on one token it is PARTLY DESTROYED, and DESTROYED once every copy is accounted for", async () => {
  const journal = Journal.open(join(out, "journal.db"));
  try {
    const keks = journal.listKeys().filter((k) => k.label === "KEK-01");
    expect(keks).toHaveLength(2);
    const [original, recovered] = [keks.find((k) => k.tokenLabel === "demo-root")!, keks.find((k) => k.tokenLabel === "demo-recovery")!];
    expect(recovered.kcvEcb0).toBe(original.kcvEcb0);
    expect(recovered.kcvCmac).toBe(original.kcvCmac);
    expect(recovered.ckaId).toBe(original.ckaId);
    const [kek] = journal.listKeysWithCopies().filter((g) => g.label === "KEK-01");
    expect(kek!.status).toBe("destroyed");
    expect(kek!.copies.map((c) => `${c.kind}:${c.status}`)).toEqual([
      "token:destroyed",
      "token:destroyed",
      ...Array(5).fill("card:collected-and-destroyed"),
      "wrapped-key:collected-and-destroyed",
    ]);
  } finally {
    journal.close();
  }
  type Copies = { verdict: string; copies: Array<{ kind: string; status: string; tokenLabel?: string }> };
  const transcriptOf = async (name: string) =>
    JSON.parse(await readFile(join(out, name, "transcript.json"), "utf8")) as { outputs: Array<{ kind: string; details: Record<string, string> }>; events: Array<{ type: string; body: Copies }> };
  const first = await transcriptOf("09-key-destruction");
  const proof = first.outputs.find((o) => o.kind === "key-destroyed")!;
  expect(proof.details.proof).toMatch(/not found by label; not found by ID [0-9a-f]+; handle [0-9]+: CKR_OBJECT_HANDLE_INVALID/);
  // The first destruction says plainly what remains: the recovered copy, five cards, the wrapped key.
  const partly = first.events.find((e) => e.type === "key.copies.accounted")!.body;
  expect(partly.verdict).toBe("partly-destroyed");
  expect(partly.copies.filter((c) => c.status === "present").map((c) => c.tokenLabel ?? c.kind)).toEqual(["demo-recovery", "card", "card", "card", "card", "card", "wrapped-key"]);
  // The terminal wraps at 100 columns; read it as one line.
  const said = lines.join(" ").replace(/\s+/g, " ");
  expect(said).toMatch(/Remains 1: copy on token demo-recovery \(serial [0-9a-f]+\), ID [0-9A-F ]+: PRESENT/);
  const last = (await transcriptOf("10-copies-destruction")).events.find((e) => e.type === "key.copies.accounted")!.body;
  expect(last.verdict).toBe("destroyed");
  expect(said).toContain("KEK-01: DESTROYED — every copy accounted for");
});

test("root rotation: OpenSSL builds the old root's intermediate to the new root through the cross-certificate, and the inventory links old and new", async () => {
  const r1 = join(out, "01-root-ca/certs/root-ca-r1.pem");
  const intermediate = join(out, "02-intermediate/certs/intermediate-ca-1.pem");
  const r2 = join(out, "06-root-rotation/certs/root-ca-r2.pem");
  const r1ByR2 = join(out, "06-root-rotation/certs/root-ca-r1-by-root-ca-r2.pem");
  const r2ByR1 = join(out, "06-root-rotation/certs/root-ca-r2-by-root-ca-r1.pem");
  expect(await openssl("verify", "-x509_strict", "-CAfile", r2, "-untrusted", r1ByR2, intermediate)).toContain(": OK");
  await expect(openssl("verify", "-x509_strict", "-CAfile", r2, intermediate)).rejects.toThrow(/unable to get local issuer certificate/);
  expect(await openssl("verify", "-x509_strict", "-CAfile", r1, r2ByR1)).toContain(": OK");
  expect(await openssl("verify", "-x509_strict", "-CAfile", r2, r1ByR2)).toContain(": OK");
  const journal = Journal.open(join(out, "journal.db"));
  try {
    const keys = journal.listKeys();
    const old = keys.find((k) => k.label === "ROOT-CA-R1")!;
    const successor = keys.find((k) => k.label === "ROOT-CA-R2")!;
    expect(old.supersededBy).toEqual({ tokenSerial: successor.tokenSerial, ckaId: successor.ckaId });
    expect(old.destructionDueAt).toBeNull();
    expect(successor.supersedes).toEqual([{ tokenSerial: old.tokenSerial, ckaId: old.ckaId }]);
    const kek1 = keys.find((k) => k.label === "KEK-01" && k.tokenLabel === "demo-root")!;
    const kek2 = keys.find((k) => k.label === "KEK-02")!;
    expect(kek1.supersededBy).toEqual({ tokenSerial: kek2.tokenSerial, ckaId: kek2.ckaId });
    expect(kek1.destructionDueAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
  } finally {
    journal.close();
  }
  expect(lines.join("\n")).toMatch(/KEK-02 replaces KEK-01, which is scheduled for destruction by \d{4}-\d{2}-\d{2}/);
});

test("all five cards were read back from their printed PDFs, and they are REHEARSAL cards", async () => {
  const transcript = await readFile(join(out, "04-master-key/transcript.json"), "utf8");
  expect(transcript.match(/"type":"share.verified"/g)).toHaveLength(5);
  const { stdout } = await run("pdftotext", [join(out, "04-master-key/print", (await run("ls", [join(out, "04-master-key/print")])).stdout.split("\n")[0]!), "-"]);
  expect(stdout).toContain("REHEARSAL");
});

test("the printed cards: every QR decodes (pdftoppm + zbarimg), any 3 recover the KEK with the recorded KCVs, 2 do not, and no card shows another holder's words", async () => {
  const { scanCardQr } = await import("../../../src/ceremony/card-scanner.ts");
  const { combineShares, decodeShare, unwrapKeyWithPadding, keyCheckValues } = await import("../../../src/escrow/index.ts");
  const printDir = join(out, "04-master-key/print");
  const files = (await run("ls", [printDir])).stdout.trim().split("\n");
  expect(files).toHaveLength(5);
  const texts = await Promise.all(files.map((f) => scanCardQr(join(printDir, f))));
  const wrapped = await readFile(join(out, "04-master-key/escrow/KEK-01.wrapped"));
  const transcript = JSON.parse(await readFile(join(out, "04-master-key/transcript.json"), "utf8")) as { outputs: Array<{ kind: string; details: Record<string, string> }> };
  const kcv = transcript.outputs.find((o) => o.kind === "kcv" && o.details.kcvCmac)!.details;
  for (let a = 0; a < 5; a++)
    for (let b = a + 1; b < 5; b++)
      for (let c = b + 1; c < 5; c++) {
        const shares = [a, b, c].map((i) => decodeShare(texts[i]!, { label: `card ${i + 1}` }));
        const escrow = await combineShares(shares);
        const kek = unwrapKeyWithPadding(escrow, wrapped);
        const check = keyCheckValues(kek);
        expect({ ecb0: check.ecb0, cmac: check.cmac }).toEqual({ ecb0: kcv.kcvEcb0, cmac: kcv.kcvCmac });
        kek.fill(0);
        escrow.fill(0);
      }
  const two = [texts[0]!, texts[3]!].map((t, i) => decodeShare(t, { label: `card ${i + 1}` }));
  await expect(combineShares(two)).rejects.toThrow(/2 shares given, 3 needed|3 needed/);

  for (const [i, f] of files.entries()) {
    const { stdout } = await run("pdftotext", ["-layout", join(printDir, f), "-"]);
    const own = texts[i]!.replace(/^CWS1:/, "").split(" ");
    expect(stdout.toUpperCase()).toContain(own[0]!);
    for (const [j, other] of texts.entries()) {
      if (j === i) continue;
      const words = other.replace(/^CWS1:/, "").split(" ");
      // No run of three of another card's words in their numbered order appears on this card.
      // (Words 1-7 carry the header — version, set ID, k, n, x — which all cards of a set share.)
      const at = (n: number, word: string | undefined): boolean => new RegExp(`(?<![0-9])${n}\\.\\s+${word}\\b`, "i").test(stdout);
      const leaked = words.slice(0, 30).some((_, k) => k >= 9 && k % 3 === 0 && at(k + 1, words[k]) && at(k + 2, words[k + 1]) && at(k + 3, words[k + 2]));
      expect(leaked, `card ${i + 1} shows card ${j + 1}'s words`).toBe(false);
    }
  }
}, 600_000);
