/**
 * Stock OpenSSL checks what src/pki produces: roots, an intermediate issued from an
 * OpenSSL-generated CSR, and CRLs, verified with -x509_strict and inspected with -text.
 * Uses the real clock, because `openssl verify` checks validity against it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  certificateSummary, issueCrl, issueIntermediateCertificate, issueRootCertificate, parseCsr, wholeSeconds,
} from "../../src/pki/index.ts";
import type { IssuedCertificate } from "../../src/pki/index.ts";
import type { SigningAlgorithm } from "../../src/signer.ts";
import { createSoftwareSigner, softwareRandom } from "../helpers/software-signer.ts";
import type { SoftwareSigner } from "../helpers/software-signer.ts";

const dir = mkdtempSync(join(tmpdir(), "pki-openssl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const file = (name: string, contents: string | Buffer): string => {
  writeFileSync(join(dir, name), contents);
  return name;
};
const years = (from: Date, n: number): Date => {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + n);
  return d;
};
/** OpenSSL prints key identifiers as colon-separated upper-case hex. */
const colonHex = (hex: string): string => hex.toUpperCase().match(/../g)?.join(":") ?? "";

const SIGNATURE_NAME: Partial<Record<SigningAlgorithm, string>> = {
  "EC-P384": "ecdsa-with-SHA384",
  "EC-P256": "ecdsa-with-SHA256",
  "RSA-4096": "sha256WithRSAEncryption",
  Ed25519: "ED25519",
};

describe.each<[SigningAlgorithm, string]>([
  ["EC-P384", "ec -pkeyopt ec_paramgen_curve:P-256"],
  ["EC-P256", "rsa:2048"],
  ["RSA-4096", "ec -pkeyopt ec_paramgen_curve:P-384"],
  ["Ed25519", "ed25519"],
])("a %s root, an intermediate from an OpenSSL CSR (%s), and CRLs", (algorithm, csrKeySpec) => {
  const tag = algorithm.toLowerCase();
  const now = wholeSeconds(new Date());
  let signer: SoftwareSigner;
  let root: IssuedCertificate;
  let intermediate: IssuedCertificate;
  let rootPem: string;
  let intPem: string;

  beforeAll(async () => {
    signer = await createSoftwareSigner(algorithm);
    root = await issueRootCertificate({
      subject: `CN=Example ${algorithm} Root CA,O=Example Ltd,C=GB`,
      signer,
      validity: { notBefore: now, notAfter: years(now, 20) },
      random: softwareRandom,
      now,
    });
    rootPem = file(`${tag}-root.pem`, root.pem);

    const [kind, ...opts] = csrKeySpec.split(" ");
    const req = openssl("req", "-new", "-newkey", kind as string, ...opts, "-nodes", "-keyout", `${tag}-int.key`, "-subj", "/C=GB/O=Example Ltd/CN=Example Issuing CA", "-out", `${tag}-int.csr`);
    expect(req.status, req.out).toBe(0);
    const csr = parseCsr(readFileSync(join(dir, `${tag}-int.csr`)));
    intermediate = await issueIntermediateCertificate({
      csr,
      issuer: { certificate: root.der, signer },
      validity: { notBefore: now, notAfter: years(now, 10) },
      crlDistributionPoints: ["http://crl.example.test/root.crl"],
      aiaIssuerUrls: ["http://aia.example.test/root.cer"],
      random: softwareRandom,
      now,
    });
    intPem = file(`${tag}-int.pem`, intermediate.pem);
  });

  it("openssl verify -x509_strict accepts the root as its own trust anchor", () => {
    const r = openssl("verify", "-x509_strict", "-CAfile", rootPem, rootPem);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`${rootPem}: OK`);
  });

  it("openssl x509 -text shows the root CA profile", () => {
    const text = openssl("x509", "-in", rootPem, "-noout", "-text").out;
    expect(text).toContain("Version: 3 (0x2)");
    expect(text).toContain(`Signature Algorithm: ${SIGNATURE_NAME[algorithm]}`);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\s/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\s/);
    const ski = certificateSummary(root.der).subjectKeyIdentifierHex as string;
    expect(text).toMatch(new RegExp(`X509v3 Subject Key Identifier:\\s+${colonHex(ski)}`));
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier:\\s+(keyid:)?${colonHex(ski)}`));
    expect(text).not.toContain("Extended Key Usage");
    expect(text).toContain("Subject: C = GB, O = Example Ltd, CN = Example");
  });

  it("OpenSSL computes the same fingerprint, serial and SPKI hash", () => {
    expect(openssl("x509", "-in", rootPem, "-noout", "-fingerprint", "-sha256").out.trim()).toBe(`sha256 Fingerprint=${colonHex(root.sha256)}`);
    expect(openssl("x509", "-in", rootPem, "-noout", "-serial").out.trim()).toBe(`serial=${root.serialHex.toUpperCase()}`);
    const spki = spawnSync("openssl", ["x509", "-in", rootPem, "-noout", "-pubkey"], { cwd: dir, encoding: "utf8" }).stdout;
    const der = spawnSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { cwd: dir, input: spki }).stdout;
    expect(createHash("sha256").update(der).digest("hex")).toBe(root.spkiSha256);
  });

  it("openssl verify -x509_strict accepts the intermediate under the root, and it certifies the CSR's key", () => {
    const r = openssl("verify", "-x509_strict", "-CAfile", rootPem, intPem);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`${intPem}: OK`);
    const certKey = spawnSync("openssl", ["x509", "-in", intPem, "-noout", "-pubkey"], { cwd: dir, encoding: "utf8" }).stdout;
    const csrKey = spawnSync("openssl", ["pkey", "-in", `${tag}-int.key`, "-pubout"], { cwd: dir, encoding: "utf8" }).stdout;
    expect(certKey).toBe(csrKey);
  });

  it("openssl x509 -text shows the intermediate profile", () => {
    const text = openssl("x509", "-in", intPem, "-noout", "-text").out;
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0\s/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\s/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    const rootSki = certificateSummary(root.der).subjectKeyIdentifierHex as string;
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier:\\s+(keyid:)?${colonHex(rootSki)}`));
    expect(text).toMatch(/X509v3 CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/crl\.example\.test\/root\.crl/);
    expect(text).toMatch(/Authority Information Access:\s+CA Issuers - URI:http:\/\/aia\.example\.test\/root\.cer/);
    expect(text).toContain(`Issuer: C = GB, O = Example Ltd, CN = Example ${algorithm} Root CA`);
    expect(text).toContain("Subject: C = GB, O = Example Ltd, CN = Example Issuing CA");
  });

  it("openssl crl -verify accepts the CRL; -text shows number, AKI and reason codes; the revoked intermediate fails -crl_check", async () => {
    const crl = await issueCrl({
      issuer: { certificate: root.der, signer },
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 180 * 86_400_000),
      crlNumber: 42n,
      revoked: [
        { serialHex: intermediate.serialHex, revocationDate: now, reason: "keyCompromise" },
        { serialHex: "01:23:45", revocationDate: now },
        { serialHex: "0a0b0c", revocationDate: now, reason: "superseded" },
      ],
      now,
    });
    const crlPem = file(`${tag}-revoking.crl`, crl.pem);
    const verified = openssl("crl", "-verify", "-CAfile", rootPem, "-in", crlPem, "-noout");
    expect(verified.status, verified.out).toBe(0);
    expect(verified.out).toContain("verify OK");

    const text = openssl("crl", "-in", crlPem, "-noout", "-text").out;
    expect(text).toContain("Version 2 (0x1)");
    expect(text).toMatch(/X509v3 CRL Number:\s+42\s/);
    expect(text).toMatch(/X509v3 Authority Key Identifier:\s+(keyid:)?[0-9A-F:]{59}/);
    expect(text).toMatch(new RegExp(`Serial Number: ${intermediate.serialHex.toUpperCase()}\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    expect(text).toMatch(/Serial Number: 0A0B0C\s+Revocation Date: .*\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Superseded/);
    expect(text).toMatch(/Serial Number: 012345\s+Revocation Date: [^\n]*\n\s+Serial Number/);

    const revoked = openssl("verify", "-x509_strict", "-crl_check", "-CAfile", rootPem, "-CRLfile", crlPem, intPem);
    expect(revoked.status).not.toBe(0);
    expect(revoked.out).toContain("certificate revoked");
  });

  it("an empty CRL leaves the intermediate valid under -crl_check", async () => {
    const crl = await issueCrl({ issuer: { certificate: root.der, signer }, thisUpdate: now, nextUpdate: years(now, 1), crlNumber: 43n, revoked: [], now });
    const crlPem = file(`${tag}-empty.crl`, crl.pem);
    expect(openssl("crl", "-in", crlPem, "-noout", "-text").out).toContain("No Revoked Certificates.");
    const r = openssl("verify", "-x509_strict", "-crl_check", "-CAfile", rootPem, "-CRLfile", crlPem, intPem);
    expect(r.status, r.out).toBe(0);
  });
});

describe("certificates OpenSSL made", () => {
  it("summarises an OpenSSL root whose serial has a sign octet", () => {
    const key = "ossl-root.key";
    const r = openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/C=GB/O=Example Ltd/CN=OpenSSL Root", "-days", "30",
      "-set_serial", "0x80112233", "-out", "ossl-root.pem");
    expect(r.status, r.out).toBe(0);
    const pem = readFileSync(join(dir, "ossl-root.pem"), "utf8");
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const summary = certificateSummary(der);
    expect(summary.serialHex).toBe("80112233");
    expect(summary.subject).toBe("CN=OpenSSL Root,O=Example Ltd,C=GB");
    expect(summary.isCa).toBe(true);
    expect(summary.publicKeyAlgorithm).toBe("EC-P256");
  });
});
