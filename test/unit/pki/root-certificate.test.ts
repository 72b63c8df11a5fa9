import { X509Certificate, createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, BasicConstraints, Certificate, CertificatePolicies, KeyUsage, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { childrenOf, readSingleTlv } from "../../../src/pki/der-reader.ts";
import { PkiCheckError, PkiInputError, PkiLintError, issueRootCertificate } from "../../../src/pki/index.ts";
import type { Signer, SigningAlgorithm } from "../../../src/signer.ts";
import { NOW, ROOT_NOT_AFTER, ROOT_SUBJECT, csrKey, makeRoot, signerFor, softwareRandom } from "./pki-fixtures.ts";

const SIG_ALG_HEX: Record<SigningAlgorithm, string> = {
  "EC-P256": "300a06082a8648ce3d040302",
  "EC-P384": "300a06082a8648ce3d040303",
  "RSA-3072": "300d06092a864886f70d01010b0500",
  "RSA-4096": "300d06092a864886f70d01010b0500",
  Ed25519: "300506032b6570",
};

function extensionsOf(der: Buffer) {
  const cert = AsnConvert.parse(der, Certificate);
  return { cert, ext: new Map([...(cert.tbsCertificate.extensions ?? [])].map((e) => [e.extnID, e])) };
}

/** RFC 7093 §2 method 1: leftmost 160 bits of SHA-256 over the subjectPublicKey bits. */
function rfc7093KeyId(spki: Buffer): string {
  const [, bits] = childrenOf(readSingleTlv(spki));
  return createHash("sha256").update((bits as { contents: Buffer }).contents.subarray(1)).digest().subarray(0, 20).toString("hex");
}

describe("issueRootCertificate profile", () => {
  it.each<SigningAlgorithm>(["EC-P256", "EC-P384", "RSA-4096", "RSA-3072", "Ed25519"])("issues a BR root profile with %s", async (algorithm) => {
    const signer = await signerFor(algorithm);
    const root = await makeRoot(algorithm);
    const { cert, ext } = extensionsOf(root.der);
    const tbs = cert.tbsCertificate;

    expect(Buffer.from(AsnConvert.serialize(cert.signatureAlgorithm)).toString("hex")).toBe(SIG_ALG_HEX[algorithm]);
    expect(Buffer.from(AsnConvert.serialize(tbs.signature)).toString("hex")).toBe(SIG_ALG_HEX[algorithm]);
    expect(tbs.version).toBe(2);
    const serial = Buffer.from(tbs.serialNumber);
    expect(serial).toHaveLength(16);
    expect(serial[0]).toBeGreaterThanOrEqual(0x40);
    expect(serial[0]).toBeLessThan(0x80);
    expect(root.serialHex).toBe(serial.toString("hex"));
    expect(Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(AsnConvert.serialize(tbs.subject)))).toBe(true);

    expect([...ext.keys()].sort()).toEqual(["2.5.29.14", "2.5.29.15", "2.5.29.19", "2.5.29.35"]);
    const bc = ext.get("2.5.29.19");
    expect(bc?.critical).toBe(true);
    expect(AsnConvert.parse(bc!.extnValue.buffer, BasicConstraints)).toMatchObject({ cA: true, pathLenConstraint: undefined });
    const ku = ext.get("2.5.29.15");
    expect(ku?.critical).toBe(true);
    expect(Buffer.from(ku!.extnValue.buffer).toString("hex")).toBe("03020106"); // keyCertSign | cRLSign, DER minimal
    expect(AsnConvert.parse(ku!.extnValue.buffer, KeyUsage).toJSON().sort()).toEqual(["crlSign", "keyCertSign"]);
    const ski = Buffer.from(AsnConvert.parse(ext.get("2.5.29.14")!.extnValue.buffer, SubjectKeyIdentifier).buffer).toString("hex");
    expect(ski).toBe(rfc7093KeyId(signer.spki));
    const aki = AsnConvert.parse(ext.get("2.5.29.35")!.extnValue.buffer, AuthorityKeyIdentifier);
    expect(Buffer.from(aki.keyIdentifier!.buffer).toString("hex")).toBe(ski);
    expect(aki.authorityCertIssuer).toBeUndefined();
    expect(ext.get("2.5.29.14")?.critical).toBe(false);

    const x509 = new X509Certificate(root.der);
    expect(x509.ca).toBe(true);
    expect(x509.verify(signer.publicKey)).toBe(true);
    expect(x509.subject).toBe("C=GB\nO=Example Ltd\nCN=Example Root CA");
    expect(root.sha256).toBe(createHash("sha256").update(root.der).digest("hex"));
    expect(root.spkiSha256).toBe(createHash("sha256").update(signer.spki).digest("hex"));
    expect(root.pem).toBe(x509.toString());
    expect(root.lintResults.filter((r) => r.status === "fail")).toEqual([]);
    expect(root.lintResults.filter((r) => r.status === "pass").length).toBeGreaterThan(30);
    expect(root.skippedLints).toEqual([]);
    const [tbsTlv] = childrenOf(readSingleTlv(root.der));
    expect(tbsTlv?.bytes.equals(root.tbsDer)).toBe(true);
  });

  it("encodes validity as UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)", async () => {
    const through2049 = await makeRoot("EC-P256", { validity: { notBefore: NOW, notAfter: new Date("2049-12-31T23:59:59Z") } });
    expect(through2049.tbsDer.toString("latin1")).toContain("\x17\x0d491231235959Z");
    const from2050 = await makeRoot("EC-P256", { validity: { notBefore: NOW, notAfter: new Date("2050-01-01T00:00:00Z") } });
    expect(from2050.tbsDer.toString("latin1")).toContain("\x18\x0f20500101000000Z");
    expect(from2050.tbsDer.toString("latin1")).toContain("\x17\x0d260301120000Z");
  });

  it("writes pathLenConstraint and certificatePolicies only when asked", async () => {
    const root = await makeRoot("EC-P256", { pathLength: 1, policies: [{ oid: "1.3.6.1.4.1.55555.1", cpsUrl: "https://example.test/cps" }] });
    const { ext } = extensionsOf(root.der);
    expect(AsnConvert.parse(ext.get("2.5.29.19")!.extnValue.buffer, BasicConstraints).pathLenConstraint).toBe(1);
    const policies = AsnConvert.parse(ext.get("2.5.29.32")!.extnValue.buffer, CertificatePolicies);
    expect(policies[0]?.policyIdentifier).toBe("1.3.6.1.4.1.55555.1");
    expect(Buffer.from(policies[0]!.policyQualifiers![0]!.qualifier).toString("latin1")).toBe("\x16\x18https://example.test/cps");
    expect(ext.get("2.5.29.32")?.critical).toBe(false);
  });

  it("draws two different serials for two roots", async () => {
    const [a, b] = await Promise.all([makeRoot("EC-P256"), makeRoot("EC-P256")]);
    expect(a.serialHex).not.toBe(b.serialHex);
  });
});

describe("issueRootCertificate refusals", () => {
  const base = async () => ({
    subject: ROOT_SUBJECT,
    signer: await signerFor("EC-P256"),
    validity: { notBefore: NOW, notAfter: ROOT_NOT_AFTER },
    random: softwareRandom,
    now: NOW,
  });

  it.each([
    ["over 25 years", { validity: { notBefore: NOW, notAfter: new Date("2051-03-01T12:00:01Z") } }, "VALIDITY_TOO_LONG",
      "validity.notAfter (2051-03-01T12:00:01.000Z) is more than 25 years after notBefore; choose 2051-03-01T12:00:00.000Z or earlier (BR §7.1.2.1.1)."],
    ["fractional seconds", { validity: { notBefore: new Date("2026-03-01T12:00:00.500Z"), notAfter: ROOT_NOT_AFTER } }, "VALIDITY_INVALID",
      "validity.notBefore (2026-03-01T12:00:00.500Z) has fractional seconds; RFC 5280 §4.1.2.5 times are whole seconds, so round it first."],
    ["inverted validity", { validity: { notBefore: ROOT_NOT_AFTER, notAfter: NOW } }, "VALIDITY_INVALID",
      "validity.notAfter (2026-03-01T12:00:00.000Z) must be after notBefore (2046-03-01T12:00:00.000Z)."],
    ["an unknown lint id", { skipLints: ["e_no_such_lint"] }, "UNKNOWN_LINT",
      "skipLints names unknown lint(s) e_no_such_lint; a lint can only be skipped by its exact id."],
    ["a CRL lint id for a certificate", { skipLints: ["e_crl_version_2"] }, "UNKNOWN_LINT",
      "skipLints names unknown lint(s) e_crl_version_2; a lint can only be skipped by its exact id."],
    ["a negative path length", { pathLength: -1 }, "PATH_LENGTH_INVALID",
      "pathLength must be a whole number from 0 to 16, or be left out for no constraint."],
    ["a bad policy OID", { policies: [{ oid: "1.2.x" }] }, "POLICY_INVALID",
      'policies[0].oid "1.2.x" is not a dotted OID such as 2.23.140.1.2.1.'],
    ["a CPS URL with ftp", { policies: [{ cpsUrl: "ftp://example.test/cps" }] }, "URL_INVALID",
      "policies[0].cpsUrl[0] ftp://example.test/cps must use http or https (CA/B BR §7.1.2.10.3, §7.1.2.10.5, §7.1.2.11.2)."],
    ["a subject type it does not know", { subject: "E=root@example.test,CN=Root" }, "SUBJECT_INVALID",
      'subject "E=root@example.test,CN=Root" is not a usable RFC 4514 name: "E" is not one of C, ST, L, postalCode, street, O, OU, CN, serialNumber, organizationIdentifier, DC.'],
  ])("refuses %s before drawing randomness", async (_name, overrides, code, message) => {
    let draws = 0;
    const options = { ...(await base()), random: async (n: number) => { draws++; return softwareRandom(n); }, ...overrides };
    const error = await issueRootCertificate(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiInputError);
    expect(error).toMatchObject({ code, message });
    expect(draws).toBe(0);
  });

  it("refuses a key it cannot sign with, and a signer whose declared algorithm is not its key's", async () => {
    const p521 = csrKey("EC-P521");
    const spki = p521.publicKey.export({ format: "der", type: "spki" });
    const odd: Signer = { algorithm: "EC-P384", spki, sign: async () => Buffer.alloc(0) };
    await expect(issueRootCertificate({ ...(await base()), signer: odd })).rejects.toMatchObject({ code: "UNSUPPORTED_KEY" });
    const p256 = await signerFor("EC-P256");
    const lying: Signer = { algorithm: "EC-P384", spki: p256.spki, sign: (d, h) => p256.sign(d, h) };
    await expect(issueRootCertificate({ ...(await base()), signer: lying })).rejects.toMatchObject({ code: "SIGNER_ALGORITHM_MISMATCH" });
  });

  it.each([
    ["short output", async () => Buffer.alloc(8, 1), /returned 8 octets/],
    ["a constant pattern", async (n: number) => Buffer.alloc(n, 0), /constant byte pattern/],
    ["a failure", async () => { throw new Error("CKR_DEVICE_ERROR"); }, /random generator failed/],
  ])("refuses a random source with %s", async (_name, random, message) => {
    const error = await issueRootCertificate({ ...(await base()), random }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiCheckError);
    expect(error).toMatchObject({ code: "RANDOM_SOURCE_FAILED" });
    expect((error as Error).message).toMatch(message);
  });

  it("lints before signing: nothing reaches the signer when a lint fails", async () => {
    const real = await signerFor("EC-P256");
    let calls = 0;
    const counting: Signer = { algorithm: real.algorithm, spki: real.spki, sign: async (d, h) => { calls++; return real.sign(d, h); } };
    const twoDaysEarly = new Date(NOW.getTime() - 2 * 86_400_000);
    const error = await issueRootCertificate({ ...(await base()), signer: counting, validity: { notBefore: twoDaysEarly, notAfter: ROOT_NOT_AFTER } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiLintError);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(["e_ca_not_before_within_one_day_of_signing"]);
    expect((error as Error).message).toMatch(/^The root certificate was not signed because 1 lint\(s\) failed: e_ca_not_before_within_one_day_of_signing \(BR §7\.1\.2\.1\.1, §7\.1\.2\.10\.1\): notBefore 2026-02-27T12:00:00\.000Z is more than one day before the time of signing/);
    expect(calls).toBe(0);
  });

  it("signs when the failing lint is skipped by name, and reports the skip", async () => {
    const twoDaysEarly = new Date(NOW.getTime() - 2 * 86_400_000);
    const root = await issueRootCertificate({ ...(await base()), validity: { notBefore: twoDaysEarly, notAfter: ROOT_NOT_AFTER }, skipLints: ["e_ca_not_before_within_one_day_of_signing"] });
    expect(root.skippedLints).toEqual(["e_ca_not_before_within_one_day_of_signing"]);
    expect(root.lintResults.find((r) => r.id === "e_ca_not_before_within_one_day_of_signing")?.status).toBe("skipped");
  });

  it.each([
    ["an OU in a root subject", { subject: "CN=Root,OU=PKI,O=Example Ltd,C=GB" }, ["e_root_subject_no_ou"]],
    ["a subject without C and O", { subject: "CN=Root" }, ["e_ca_subject_c_o_cn_present"]],
    ["a country that is not ISO 3166-1", { subject: "CN=Root,O=Example Ltd,C=UK" }, ["e_subject_country_valid"]],
    ["a subject written in the wrong direction", { subject: "C=GB,O=Example Ltd,CN=Root" }, ["e_subject_rdn_order"]],
    ["a five-year root", { validity: { notBefore: NOW, notAfter: new Date("2031-03-01T12:00:00Z") } }, ["e_root_validity_under_8y"]],
    ["a CN over 64 characters", { subject: `CN=${"x".repeat(65)},O=Example Ltd,C=GB` }, ["e_subject_attribute_max_length"]],
  ])("is refused by lints for %s", async (_name, overrides, ids) => {
    const error = await issueRootCertificate({ ...(await base()), ...overrides }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiLintError);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(ids);
  });
});
