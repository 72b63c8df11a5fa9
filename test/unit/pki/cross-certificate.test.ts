/**
 * Cross-certificates for root rotation (src/pki/cross-certificate.ts): the profile's fields are
 * the certified root's own, the lints that protect it fail when they should, and OpenSSL builds a
 * path from either root to what the other issued.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, Certificate, CertificatePolicies, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import { afterAll, describe, expect, it } from "vitest";
import { certificateSummary, issueCrossCertificate, issueIntermediateCertificate, parseCsr, PkiInputError, PkiLintError } from "../../../src/pki/index.ts";
import type { CrossCertificateOptions } from "../../../src/pki/index.ts";
import { buildCsr, CRL_URL, makeRoot, NOW, signerFor, softwareRandom } from "./pki-fixtures.ts";
import { createSoftwareSigner } from "../../helpers/software-signer.ts";

const OLD_END = new Date("2040-03-01T12:00:00Z");
const NEW_SUBJECT = "CN=Example Root CA R2,O=Example Ltd,C=GB";

async function roots(newSubject = NEW_SUBJECT) {
  const oldRoot = await makeRoot("EC-P384", { validity: { notBefore: new Date("2026-02-28T12:00:00Z"), notAfter: OLD_END }, now: new Date("2026-02-28T12:00:00Z") });
  const newSigner = await createSoftwareSigner("EC-P256");
  const newRoot = await makeRoot("EC-P256", { subject: newSubject, signer: newSigner });
  return { oldRoot, newRoot, oldSigner: await signerFor("EC-P384"), newSigner };
}

async function oldCertifiesNew(overrides: Partial<CrossCertificateOptions> = {}) {
  const r = await roots();
  const options: CrossCertificateOptions = {
    certifiedCertificate: r.newRoot.der,
    issuer: { certificate: r.oldRoot.der, signer: r.oldSigner },
    validity: { notBefore: NOW, notAfter: OLD_END },
    crlDistributionPoints: [CRL_URL],
    policies: [{}],
    random: softwareRandom,
    now: NOW,
    ...overrides,
  };
  return { ...r, options, cert: await issueCrossCertificate(options) };
}

const extensions = (der: Buffer) => new Map([...(AsnConvert.parse(der, Certificate).tbsCertificate.extensions ?? [])].map((e) => [e.extnID, e]));

const work = mkdtempSync(join(tmpdir(), "cross-cert-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
function pem(name: string, der: Buffer): string {
  const path = join(work, `${name}.pem`);
  writeFileSync(path, new X509Certificate(der).toString());
  return path;
}
function opensslVerify(...args: string[]): string {
  try {
    return execFileSync("openssl", ["verify", "-x509_strict", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return `FAILED ${(e as { stdout?: string; stderr?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`;
  }
}

describe("issueCrossCertificate profile", () => {
  it("copies the certified root's subject, key and SKI; AKI is the issuer's SKI; the lints pass", async () => {
    const { cert, newRoot, oldRoot } = await oldCertifiesNew();
    const s = certificateSummary(cert.der);
    const certified = certificateSummary(newRoot.der);
    const issuer = certificateSummary(oldRoot.der);
    expect(s).toMatchObject({ subject: certified.subject, issuer: issuer.subject, spkiSha256: certified.spkiSha256, isCa: true, pathLength: null, selfSigned: false });
    expect(s.subjectKeyIdentifierHex).toBe(certified.subjectKeyIdentifierHex);
    const ext = extensions(cert.der);
    expect(Buffer.from(AsnConvert.parse(ext.get("2.5.29.35")!.extnValue.buffer, AuthorityKeyIdentifier).keyIdentifier!.buffer).toString("hex")).toBe(issuer.subjectKeyIdentifierHex);
    expect(Buffer.from(AsnConvert.parse(ext.get("2.5.29.14")!.extnValue.buffer, SubjectKeyIdentifier).buffer).toString("hex")).toBe(certified.subjectKeyIdentifierHex);
    expect([...AsnConvert.parse(ext.get("2.5.29.32")!.extnValue.buffer, CertificatePolicies)].map((p) => p.policyIdentifier)).toEqual(["2.5.29.32.0"]);
    expect(ext.has("2.5.29.31")).toBe(true);
    expect(ext.has("2.5.29.37")).toBe(false);
    expect(cert.lintResults.filter((l) => l.status === "fail")).toEqual([]);
    for (const id of ["e_cross_subject_matches_certified", "e_cross_key_matches_certified", "e_cross_ski_matches_certified", "e_cross_policies_present", "e_cross_unrestricted_same_organization", "e_cross_validity_within_certified", "e_sub_ca_crldp_present"]) {
      expect(cert.lintResults.find((l) => l.id === id)?.status, id).toBe("pass");
    }
    // The root profile's own lints are not applied to a cross-certificate (it is not self-signed).
    expect(cert.lintResults.find((l) => l.id === "e_root_validity_under_8y")?.status).toBe("not_applicable");
  });

  it("OpenSSL builds the path both ways: what the new root issues verifies under the old root, and the reverse", async () => {
    const r = await roots();
    const forward = await issueCrossCertificate({
      certifiedCertificate: r.newRoot.der, issuer: { certificate: r.oldRoot.der, signer: r.oldSigner },
      validity: { notBefore: NOW, notAfter: OLD_END }, crlDistributionPoints: [CRL_URL], policies: [{}], random: softwareRandom, now: NOW,
    });
    const reverse = await issueCrossCertificate({
      certifiedCertificate: r.oldRoot.der, issuer: { certificate: r.newRoot.der, signer: r.newSigner },
      validity: { notBefore: NOW, notAfter: OLD_END }, crlDistributionPoints: [CRL_URL], policies: [{}], random: softwareRandom, now: NOW,
    });
    const intermediateOf = (root: typeof r.oldRoot, signer: typeof r.oldSigner, cn: string) =>
      issueIntermediateCertificate({
        csr: parseCsr(buildCsr({ key: "EC-P256", subject: `CN=${cn},O=Example Ltd,C=GB` })),
        issuer: { certificate: root.der, signer },
        validity: { notBefore: NOW, notAfter: new Date("2031-03-01T12:00:00Z") },
        crlDistributionPoints: [CRL_URL],
        random: softwareRandom,
        now: NOW,
      });
    const byNew = await intermediateOf(r.newRoot, r.newSigner, "Issued by R2");
    const byOld = await intermediateOf(r.oldRoot, r.oldSigner, "Issued by R1");
    const at = ["-attime", String(Math.floor(NOW.getTime() / 1000) + 3600)];
    const [oldPem, newPem, fwdPem, revPem] = [pem("old", r.oldRoot.der), pem("new", r.newRoot.der), pem("new-by-old", forward.der), pem("old-by-new", reverse.der)];
    expect(opensslVerify(...at, "-CAfile", oldPem, "-untrusted", fwdPem, pem("by-new", byNew.der))).toMatch(/: OK/);
    expect(opensslVerify(...at, "-CAfile", newPem, "-untrusted", revPem, pem("by-old", byOld.der))).toMatch(/: OK/);
    // Without the cross-certificate, neither root alone reaches what the other issued.
    expect(opensslVerify(...at, "-CAfile", oldPem, pem("by-new", byNew.der))).toMatch(/^FAILED .*unable to get local issuer certificate/s);
    expect(opensslVerify(...at, "-CAfile", newPem, pem("by-old", byOld.der))).toMatch(/^FAILED .*unable to get local issuer certificate/s);
  });

  it("refuses its own key, validity beyond either root, and a root of another organization", async () => {
    const r = await roots();
    await expect(
      issueCrossCertificate({
        certifiedCertificate: r.oldRoot.der, issuer: { certificate: r.oldRoot.der, signer: r.oldSigner },
        validity: { notBefore: NOW, notAfter: OLD_END }, crlDistributionPoints: [CRL_URL], policies: [{}], random: softwareRandom, now: NOW,
      }),
    ).rejects.toMatchObject({ code: "CROSS_SAME_KEY" });
    const late = oldCertifiesNew({ validity: { notBefore: NOW, notAfter: new Date("2041-03-01T12:00:00Z") } });
    await expect(late).rejects.toThrow(PkiInputError);
    await expect(late).rejects.toThrow(/not within both roots' validity .* 2040-03-01T12:00:00.000Z\)/);

    const other = await roots("CN=Other Root,O=Other Org,C=GB");
    const crossOrg = issueCrossCertificate({
      certifiedCertificate: other.newRoot.der, issuer: { certificate: other.oldRoot.der, signer: other.oldSigner },
      validity: { notBefore: NOW, notAfter: OLD_END }, crlDistributionPoints: [CRL_URL], policies: [{}], random: softwareRandom, now: NOW,
    });
    await expect(crossOrg).rejects.toThrow(PkiLintError);
    await expect(crossOrg).rejects.toThrow(/e_cross_unrestricted_same_organization .*the issuer's organizationName \(Example Ltd\) differs from the subject's \(Other Org\)/);
  });

  it("without certificate policies the lint stops it before the signer is asked", async () => {
    const r = await roots();
    let signed = 0;
    const counting = { ...r.oldSigner, sign: async (d: Uint8Array, digest: Parameters<typeof r.oldSigner.sign>[1]) => (signed++, r.oldSigner.sign(d, digest)) };
    await expect(
      issueCrossCertificate({
        certifiedCertificate: r.newRoot.der, issuer: { certificate: r.oldRoot.der, signer: counting },
        validity: { notBefore: NOW, notAfter: OLD_END }, crlDistributionPoints: [CRL_URL], policies: undefined as never, random: softwareRandom, now: NOW,
      }),
    ).rejects.toThrow(/e_cross_policies_present/);
    expect(signed).toBe(0);
  });
});
