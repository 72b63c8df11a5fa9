import { X509Certificate, createPublicKey, verify } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, CertificateList } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { childrenOf, readSingleTlv } from "../../../src/pki/der-reader.ts";
import { PkiInputError, PkiLintError, certificateSummary, issueCrl } from "../../../src/pki/index.ts";
import type { CrlOptions } from "../../../src/pki/index.ts";
import { NOW, makeRoot, signerFor } from "./pki-fixtures.ts";

const NEXT = new Date("2026-09-01T12:00:00Z");

async function options(overrides: Partial<CrlOptions> = {}): Promise<CrlOptions> {
  const root = await makeRoot("EC-P384");
  return { issuer: { certificate: root.der, signer: await signerFor("EC-P384") }, thisUpdate: NOW, nextUpdate: NEXT, crlNumber: 7n, revoked: [], now: NOW, ...overrides };
}

describe("issueCrl profile", () => {
  it("issues a v2 CRL with AKI and cRLNumber, signed by the issuer key, revokedCertificates absent when empty", async () => {
    const opts = await options();
    const crl = await issueCrl(opts);
    const list = AsnConvert.parse(crl.der, CertificateList);
    const tbs = list.tbsCertList;
    expect(tbs.version).toBe(1);
    expect(tbs.revokedCertificates).toBeUndefined();
    expect(tbs.nextUpdate?.getTime().toISOString()).toBe("2026-09-01T12:00:00.000Z");
    const ext = new Map((tbs.crlExtensions ?? []).map((e) => [e.extnID, e]));
    expect([...ext.keys()]).toEqual(["2.5.29.35", "2.5.29.20"]);
    expect(ext.get("2.5.29.20")?.critical).toBe(false);
    expect(Buffer.from(ext.get("2.5.29.20")!.extnValue.buffer).toString("hex")).toBe("020107");
    const aki = AsnConvert.parse(ext.get("2.5.29.35")!.extnValue.buffer, AuthorityKeyIdentifier);
    expect(Buffer.from(aki.keyIdentifier!.buffer).toString("hex")).toBe(certificateSummary(opts.issuer.certificate).subjectKeyIdentifierHex);
    const [tbsTlv, alg, sig] = childrenOf(readSingleTlv(crl.der));
    expect(tbsTlv?.bytes.equals(crl.tbsDer)).toBe(true);
    expect(alg?.bytes.toString("hex")).toBe("300a06082a8648ce3d040303");
    const key = createPublicKey(new X509Certificate(Buffer.from(opts.issuer.certificate)).publicKey.export({ format: "pem", type: "spki" }));
    expect(verify("sha384", crl.tbsDer, { key, dsaEncoding: "der" }, sig!.contents.subarray(1))).toBe(true);
    expect(crl.pem.startsWith("-----BEGIN X509 CRL-----\n")).toBe(true);
    expect(crl.crlNumber).toBe(7n);
    expect(crl.lintResults.filter((r) => r.status === "fail")).toEqual([]);
  });

  it("lists revoked serials with reason codes as entry extensions, and no reasonCode when none is given", async () => {
    const crl = await issueCrl(
      await options({
        revoked: [
          { serialHex: "7d:a0:85:c5", revocationDate: new Date("2026-02-01T00:00:00Z"), reason: "keyCompromise" },
          { serialHex: "80", revocationDate: new Date("2026-02-02T00:00:00Z") },
          { serialHex: "0102", revocationDate: NOW, reason: "superseded" },
        ],
      }),
    );
    const entries = AsnConvert.parse(crl.der, CertificateList).tbsCertList.revokedCertificates ?? [];
    expect(entries.map((e) => Buffer.from(e.userCertificate).toString("hex"))).toEqual(["7da085c5", "0080", "0102"]);
    expect(entries.map((e) => e.crlEntryExtensions?.map((x) => [x.extnID, x.critical, Buffer.from(x.extnValue.buffer).toString("hex")]))).toEqual([
      [["2.5.29.21", false, "0a0101"]],
      undefined,
      [["2.5.29.21", false, "0a0104"]],
    ]);
  });

  it("encodes a large CRL number minimally", async () => {
    const crl = await issueCrl(await options({ crlNumber: (1n << 159n) - 1n }));
    expect(crl.tbsDer.toString("hex")).toContain("0603551d14" + "0416" + "02147fffffffffffffffffffffffffffffffffffffff");
  });

  it("signs with RSA and Ed25519 issuers", async () => {
    for (const algorithm of ["RSA-4096", "Ed25519"] as const) {
      const root = await makeRoot(algorithm);
      const crl = await issueCrl(await options({ issuer: { certificate: root.der, signer: await signerFor(algorithm) } }));
      expect(crl.lintResults.filter((r) => r.status === "fail")).toEqual([]);
    }
  });
});

describe("issueCrl refusals", () => {
  it.each([
    ["reason unspecified", { revoked: [{ serialHex: "01", revocationDate: NOW, reason: "unspecified" }] }, "REVOKED_ENTRY_INVALID",
      'revoked[0].reason "unspecified" is not permitted; use one of keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn, or leave it out for unspecified (BR §7.2.2).'],
    ["reason certificateHold", { revoked: [{ serialHex: "01", revocationDate: NOW, reason: "certificateHold" }] }, "REVOKED_ENTRY_INVALID", /revoked\[0\]\.reason "certificateHold" is not permitted/],
    ["a serial that is not hex", { revoked: [{ serialHex: "xyz", revocationDate: NOW }] }, "REVOKED_ENTRY_INVALID", 'revoked[0].serialHex must be the certificate serial number in hex, such as "4f3a…"; got "xyz".'],
    ["serial zero", { revoked: [{ serialHex: "00", revocationDate: NOW }] }, "REVOKED_ENTRY_INVALID", "revoked[0].serialHex is zero; serial numbers are positive (RFC 5280 §4.1.2.2)."],
    ["a 21-octet serial", { revoked: [{ serialHex: "ff".repeat(20), revocationDate: NOW }] }, "REVOKED_ENTRY_INVALID", /longer than 20 octets/],
    ["a serial listed twice", { revoked: [{ serialHex: "0a", revocationDate: NOW }, { serialHex: "0A", revocationDate: NOW }] }, "REVOKED_ENTRY_INVALID", "revoked[1] repeats serial 0a; list each certificate once."],
    ["a negative CRL number", { crlNumber: -1n }, "CRL_NUMBER_INVALID", "crlNumber must be a bigint from 0 to 2^159 − 1 (BR §7.2.2), larger than the previous CRL's."],
    ["a number CRL number", { crlNumber: 5 as unknown as bigint }, "CRL_NUMBER_INVALID", /crlNumber must be a bigint/],
    ["nextUpdate before thisUpdate", { nextUpdate: new Date("2026-02-01T00:00:00Z") }, "VALIDITY_INVALID", "nextUpdate (2026-02-01T00:00:00.000Z) must be after thisUpdate (2026-03-01T12:00:00.000Z)."],
    ["a CRL-irrelevant lint id", { skipLints: ["e_root_no_eku"] }, "UNKNOWN_LINT", "skipLints names unknown lint(s) e_root_no_eku; a lint can only be skipped by its exact id."],
  ])("refuses %s", async (_name, overrides, code, message) => {
    const error = await issueCrl(await options(overrides as never)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiInputError);
    expect((error as PkiInputError).code).toBe(code);
    if (typeof message === "string") expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it.each([
    ["nextUpdate more than 12 months out", { nextUpdate: new Date("2027-03-01T12:00:01Z") }, ["e_crl_next_update_within_12_months"]],
    ["thisUpdate in the future", { thisUpdate: new Date("2026-03-01T12:00:01Z") }, ["e_crl_this_update_not_future"]],
    ["a revocation after thisUpdate", { revoked: [{ serialHex: "01", revocationDate: new Date("2026-03-02T00:00:00Z") }] }, ["e_crl_revocation_date_not_after_this_update"]],
  ])("is refused by lints for %s", async (_name, overrides, ids) => {
    const error = await issueCrl(await options(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiLintError);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(ids);
  });

  it("refuses a signer whose key is not the issuer certificate's key", async () => {
    const opts = await options();
    const error = await issueCrl({ ...opts, issuer: { certificate: opts.issuer.certificate, signer: await signerFor("EC-P256") } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SIGNER_KEY_MISMATCH" });
  });
});
