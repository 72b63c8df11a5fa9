import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PkiInputError, certificateSummary, pemToDer } from "../../../src/pki/index.ts";
import { makeRoot, signerFor } from "./pki-fixtures.ts";

describe("certificateSummary", () => {
  it("summarises a root as the ceremony layer shows it", async () => {
    const root = await makeRoot("EC-P384", { pathLength: 2 });
    const summary = certificateSummary(pemToDer(root.pem, ["CERTIFICATE"]));
    const x509 = new X509Certificate(root.der);
    expect(summary).toEqual({
      subject: "CN=Example Root CA,O=Example Ltd,C=GB",
      issuer: "CN=Example Root CA,O=Example Ltd,C=GB",
      serialHex: x509.serialNumber.toLowerCase(),
      notBefore: "2026-03-01T12:00:00.000Z",
      notAfter: "2046-03-01T12:00:00.000Z",
      sha256: x509.fingerprint256.replace(/:/g, "").toLowerCase(),
      spkiSha256: root.spkiSha256,
      isCa: true,
      pathLength: 2,
      publicKeyAlgorithm: "EC-P384",
      subjectKeyIdentifierHex: expect.stringMatching(/^[0-9a-f]{40}$/),
      selfSigned: true,
    });
    expect(summary.spkiSha256).toBe(root.spkiSha256);
    expect((await signerFor("EC-P384")).spki.equals(x509.publicKey.export({ format: "der", type: "spki" }))).toBe(true);
  });

  it("refuses bytes that are not a certificate", () => {
    expect(() => certificateSummary(Buffer.from("garbage"))).toThrow(PkiInputError);
    expect(() => certificateSummary(Buffer.from("garbage"))).toThrow(
      "The certificate is not a DER X.509 certificate; convert PEM with pemToDer first, or check the file.",
    );
  });
});
