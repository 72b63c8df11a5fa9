import { X509Certificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CRLDistributionPoints, Certificate, ExtendedKeyUsage, NameConstraints,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { PkiCheckError, PkiInputError, PkiLintError, certificateSummary, issueIntermediateCertificate, parseCsr } from "../../../src/pki/index.ts";
import type { IntermediateCertificateOptions } from "../../../src/pki/index.ts";
import { keyIdentifierForSpki } from "../../../src/pki/digests.ts";
import { CRL_URL, NOW, buildCsr, csrKey, makeRoot, signerFor, softwareRandom } from "./pki-fixtures.ts";

const TEN_YEARS = { notBefore: NOW, notAfter: new Date("2036-03-01T12:00:00Z") };

async function options(overrides: Partial<IntermediateCertificateOptions> = {}): Promise<IntermediateCertificateOptions> {
  const root = await makeRoot("EC-P384");
  return {
    csr: parseCsr(buildCsr({ key: "EC-P256" })),
    issuer: { certificate: root.der, signer: await signerFor("EC-P384") },
    validity: TEN_YEARS,
    crlDistributionPoints: [CRL_URL],
    random: softwareRandom,
    now: NOW,
    ...overrides,
  };
}

const extensionMap = (der: Buffer) => new Map([...(AsnConvert.parse(der, Certificate).tbsCertificate.extensions ?? [])].map((e) => [e.extnID, e]));

describe("issueIntermediateCertificate profile", () => {
  it("takes subject and key from the CSR, AKI from the issuer's SKI, pathLen 0 by default", async () => {
    const opts = await options();
    const cert = await issueIntermediateCertificate(opts);
    const ext = extensionMap(cert.der);
    const rootSummary = certificateSummary(opts.issuer.certificate);

    const x509 = new X509Certificate(cert.der);
    expect(x509.verify(new X509Certificate(Buffer.from(opts.issuer.certificate)).publicKey)).toBe(true);
    expect(x509.checkIssued(new X509Certificate(Buffer.from(opts.issuer.certificate)))).toBe(true);
    expect(x509.subject).toBe("C=GB\nO=Example Ltd\nCN=Example Issuing CA 1");
    expect(cert.spkiSha256).toBe(opts.csr.spkiSha256);

    expect(AsnConvert.parse(ext.get("2.5.29.19")!.extnValue.buffer, BasicConstraints)).toMatchObject({ cA: true, pathLenConstraint: 0 });
    expect(ext.get("2.5.29.19")?.critical).toBe(true);
    expect(Buffer.from(ext.get("2.5.29.15")!.extnValue.buffer).toString("hex")).toBe("03020106");
    expect(ext.get("2.5.29.15")?.critical).toBe(true);
    expect(Buffer.from(AsnConvert.parse(ext.get("2.5.29.14")!.extnValue.buffer, SubjectKeyIdentifier).buffer).equals(keyIdentifierForSpki(opts.csr.spki))).toBe(true);
    const aki = AsnConvert.parse(ext.get("2.5.29.35")!.extnValue.buffer, AuthorityKeyIdentifier);
    expect(Buffer.from(aki.keyIdentifier!.buffer).toString("hex")).toBe(rootSummary.subjectKeyIdentifierHex);
    const crldp = AsnConvert.parse(ext.get("2.5.29.31")!.extnValue.buffer, CRLDistributionPoints);
    expect(crldp[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier).toBe(CRL_URL);
    expect(ext.has("2.5.29.37")).toBe(false);

    const summary = certificateSummary(cert.der);
    expect(summary).toMatchObject({ isCa: true, pathLength: 0, issuer: rootSummary.subject, subject: "CN=Example Issuing CA 1,O=Example Ltd,C=GB", selfSigned: false, publicKeyAlgorithm: "EC-P256" });
  });

  it("writes the optional extensions the script asks for", async () => {
    const cert = await issueIntermediateCertificate(
      await options({
        subject: "CN=Override CA,O=Example Ltd,C=GB",
        pathLength: null,
        digitalSignature: true,
        extKeyUsages: ["serverAuth", "clientAuth"],
        aiaIssuerUrls: ["http://aia.example.test/root.cer"],
        ocspUrls: ["http://ocsp.example.test"],
        nameConstraints: { permittedDNS: ["example.com"], excludedIP: ["10.0.0.0/8", "2001:db8::/32"], permittedEmail: [".example.com"], permittedDirectoryNames: ["O=Example Ltd,C=GB"] },
        policies: [{ oid: "2.23.140.1.2.2" }],
      }),
    );
    const ext = extensionMap(cert.der);
    expect(new X509Certificate(cert.der).subject).toBe("C=GB\nO=Example Ltd\nCN=Override CA");
    expect(AsnConvert.parse(ext.get("2.5.29.19")!.extnValue.buffer, BasicConstraints).pathLenConstraint).toBeUndefined();
    expect(Buffer.from(ext.get("2.5.29.15")!.extnValue.buffer).toString("hex")).toBe("03020186");
    expect([...AsnConvert.parse(ext.get("2.5.29.37")!.extnValue.buffer, ExtendedKeyUsage)]).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    const aia = [...AsnConvert.parse(ext.get("1.3.6.1.5.5.7.1.1")!.extnValue.buffer, AuthorityInfoAccessSyntax)];
    expect(aia.map((a) => [a.accessMethod, a.accessLocation.uniformResourceIdentifier])).toEqual([
      ["1.3.6.1.5.5.7.48.1", "http://ocsp.example.test"],
      ["1.3.6.1.5.5.7.48.2", "http://aia.example.test/root.cer"],
    ]);
    const nc = ext.get("2.5.29.30");
    expect(nc?.critical).toBe(true);
    const value = AsnConvert.parse(nc!.extnValue.buffer, NameConstraints);
    expect(value.permittedSubtrees?.map((s) => s.base.dNSName ?? s.base.rfc822Name ?? (s.base.directoryName ? "dir" : undefined))).toEqual(["example.com", ".example.com", "dir"]);
    // iPAddress: address then mask (RFC 5280 §4.2.1.10)
    expect(Buffer.from(nc!.extnValue.buffer).toString("hex")).toContain("87080a000000ff000000");
    expect(Buffer.from(nc!.extnValue.buffer).toString("hex")).toContain("872020010db8000000000000000000000000ffffffff000000000000000000000000");
  });

  it.each(["EC-P384", "RSA-2048", "Ed25519"] as const)("certifies a %s key", async (key) => {
    const cert = await issueIntermediateCertificate(await options({ csr: parseCsr(buildCsr({ key })) }));
    expect(certificateSummary(cert.der).publicKeyAlgorithm).toBe(key);
  });

  it("signs with an RSA-4096 root using sha256WithRSAEncryption", async () => {
    const root = await makeRoot("RSA-4096");
    const cert = await issueIntermediateCertificate(await options({ issuer: { certificate: root.der, signer: await signerFor("RSA-4096") } }));
    expect(new X509Certificate(cert.der).verify(new X509Certificate(root.der).publicKey)).toBe(true);
    expect(cert.tbsDer.includes(Buffer.from("300d06092a864886f70d01010b0500", "hex"))).toBe(true);
  });
});

describe("issueIntermediateCertificate refusals", () => {
  it("refuses validity beyond the issuer's notAfter, or before its notBefore", async () => {
    const late = await issueIntermediateCertificate(await options({ validity: { notBefore: NOW, notAfter: new Date("2046-03-01T12:00:01Z") } })).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(PkiInputError);
    expect(late).toMatchObject({
      code: "VALIDITY_OUTSIDE_ISSUER",
      message: "validity 2026-03-01T12:00:00.000Z – 2046-03-01T12:00:01.000Z is not within the issuer's 2026-03-01T12:00:00.000Z – 2046-03-01T12:00:00.000Z; choose dates inside the issuer's validity.",
    });
    const early = await issueIntermediateCertificate(await options({ validity: { notBefore: new Date("2026-03-01T11:59:59Z"), notAfter: TEN_YEARS.notAfter } })).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: "VALIDITY_OUTSIDE_ISSUER" });
  });

  it("refuses a signer whose key is not the issuer certificate's key, before signing", async () => {
    const other = await signerFor("EC-P256");
    let calls = 0;
    const spy = { ...other, sign: async (d: Uint8Array, h: "SHA-256" | "SHA-384") => { calls++; return other.sign(d, h); } };
    const opts = await options();
    const error = await issueIntermediateCertificate({ ...opts, issuer: { certificate: opts.issuer.certificate, signer: spy } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiCheckError);
    expect(error).toMatchObject({ code: "SIGNER_KEY_MISMATCH" });
    expect((error as Error).message).toMatch(/^The key on the token \(SPKI SHA-256 [0-9a-f]{64}\) is not the key in the issuer certificate \(SPKI SHA-256 [0-9a-f]{64}\)\. Check that the right token and key label are selected; nothing was signed\.$/);
    expect(calls).toBe(0);
  });

  it("refuses a ParsedCsr changed after parsing", async () => {
    const opts = await options();
    const swapped = { ...opts.csr, spki: csrKey("EC-P384").publicKey.export({ format: "der", type: "spki" }) };
    await expect(issueIntermediateCertificate({ ...opts, csr: swapped })).rejects.toMatchObject({ code: "CSR_NOT_PARSED" });
  });

  it("refuses an issuer certificate that is not DER", async () => {
    const opts = await options();
    await expect(issueIntermediateCertificate({ ...opts, issuer: { ...opts.issuer, certificate: Buffer.from("not a cert") } })).rejects.toMatchObject({
      code: "ISSUER_CERTIFICATE_INVALID",
      message: "issuer.certificate is not a DER X.509 certificate; give the issuer certificate exactly as issued (convert PEM with pemToDer).",
    });
  });

  it.each([
    ["an EKU name it does not know", { extKeyUsages: ["webAuth"] }, "EXTENDED_KEY_USAGE_INVALID", 'extKeyUsages[0] "webAuth" is neither a dotted OID nor one of serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning.'],
    ["an https CRL URL", { crlDistributionPoints: ["https://crl.example.test/root.crl"] }, "URL_INVALID", "crlDistributionPoints[0] https://crl.example.test/root.crl must use http (CA/B BR §7.1.2.10.3, §7.1.2.10.5, §7.1.2.11.2)."],
    ["a relative URL", { ocspUrls: ["/ocsp"] }, "URL_INVALID", 'ocspUrls[0] "/ocsp" is not an absolute ASCII URL.'],
    ["a CIDR with host bits", { nameConstraints: { permittedIP: ["10.0.0.1/8"] } }, "NAME_CONSTRAINTS_INVALID", 'nameConstraints.permittedIP[0] "10.0.0.1/8" has host bits set after the prefix; give a CIDR range such as "10.0.0.0/8" or "2001:db8::/32".'],
    ["a wildcard DNS constraint", { nameConstraints: { permittedDNS: ["*.example.com"] } }, "NAME_CONSTRAINTS_INVALID", 'nameConstraints.permittedDNS[0] "*.example.com" is not a lowercase DNS name such as "example.com".'],
    ["empty name constraints", { nameConstraints: {} }, "NAME_CONSTRAINTS_INVALID", "nameConstraints lists no names; RFC 5280 §4.2.1.10 needs at least one permitted or excluded subtree. Leave nameConstraints out instead."],
    ["a path length above 16", { pathLength: 17 }, "PATH_LENGTH_INVALID", "pathLength must be a whole number from 0 to 16, or be left out for no constraint."],
  ])("refuses %s", async (_name, overrides, code, message) => {
    await expect(issueIntermediateCertificate(await options(overrides as never))).rejects.toMatchObject({ code, message });
  });

  it.each([
    ["anyExtendedKeyUsage", { extKeyUsages: ["2.5.29.37.0"] }, ["e_ca_eku_no_any"]],
    ["serverAuth with codeSigning", { extKeyUsages: ["serverAuth", "codeSigning"] }, ["e_ca_eku_server_auth_not_mixed"]],
    ["no CRL distribution point", { crlDistributionPoints: undefined }, ["e_sub_ca_crldp_present"]],
    ["anyPolicy with another policy", { policies: [{}, { oid: "2.23.140.1.2.1" }] }, ["e_policies_any_policy_alone"]],
    ["a subject equal to the issuer's", { subject: "CN=Example Root CA,O=Example Ltd,C=GB" }, ["e_sub_ca_subject_differs_from_issuer"]],
    ["the issuer's own key", { csr: "issuer-key" }, ["e_sub_ca_key_differs_from_issuer"]],
  ])("is refused by lints for %s", async (_name, overrides, ids) => {
    const opts = await options();
    const patch = { ...overrides } as Record<string, unknown>;
    if (patch.csr === "issuer-key") {
      patch.csr = parseCsr(buildCsr({ key: "EC-P384", keyPair: await signerFor("EC-P384"), subject: "CN=Same Key CA,O=Example Ltd,C=GB" }));
    }
    const error = await issueIntermediateCertificate({ ...opts, ...patch } as IntermediateCertificateOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiLintError);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(ids);
  });

  it("refuses to issue below an issuer with pathLenConstraint 0", async () => {
    const root = await makeRoot("EC-P384", { pathLength: 0 });
    const error = await issueIntermediateCertificate(await options({ issuer: { certificate: root.der, signer: await signerFor("EC-P384") } })).catch((e: unknown) => e);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(["e_sub_ca_path_len_within_issuer"]);
  });
});
