import { z } from "zod";
import { certificateSummary, issueIntermediateCertificate, parseCsr } from "../../pki/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { addYears, artifact, FileLabel, nowSeconds, PkiActionError, readCertificateFile, recordLints, signerFor } from "./pki-common.ts";

const Url = z.string().regex(/^http:\/\/\S+$/, "must be an http:// URL (BR §7.1.2.11.2)");
const Params = z
  .object({
    issuerKeyLabel: z.string().min(1).max(64),
    issuerCertificate: z.string().min(1),
    issuerLabel: FileLabel,
    csrLabel: FileLabel,
    certLabel: FileLabel,
    subject: z.string().max(1024).optional(),
    validityYears: z.number().int().min(1).max(20),
    pathLength: z.number().int().min(0).max(8).default(0),
    crlDistributionPoints: z.array(Url).max(4).default([]),
    aiaIssuerUrls: z.array(Url).max(4).default([]),
    ocspUrls: z.array(Url).max(4).default([]),
    extKeyUsages: z.array(z.string()).max(8).optional(),
    nameConstraints: z
      .object({
        permittedDNS: z.array(z.string()).optional(),
        excludedDNS: z.array(z.string()).optional(),
        permittedIP: z.array(z.string()).optional(),
        excludedIP: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    skipLints: z.array(z.string()).max(50).default([]),
  })
  .strict();

/** Issues the intermediate from the CSR an earlier step read, signed by the root key in the HSM. */
export const pkiSignIntermediate: ActionDefinition<z.infer<typeof Params>> = {
  type: "pki.sign-intermediate",
  summary: "Issue the intermediate CA certificate from the checked CSR",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    const csrPem = ctx.artifact(`csr/${p.csrLabel}.csr`);
    if (!csrPem) throw new PkiActionError("CSR_NOT_READ", `No CSR "${p.csrLabel}" was read earlier in this ceremony; run the CSR step first.`);
    const csr = parseCsr(csrPem);
    const issuer = certificateSummary(await readCertificateFile(ctx, p.issuerCertificate));
    const notBefore = nowSeconds(ctx);
    return [
      { label: "Subject", value: p.subject ?? csr.subject.text },
      { label: "Issuer", value: issuer.subject },
      { label: "Validity", value: `${notBefore.toISOString()} to ${addYears(notBefore, p.validityYears).toISOString()} (${p.validityYears} years)` },
      {
        label: "Extensions",
        value: [
          `basicConstraints critical CA:TRUE, pathLen ${p.pathLength}`,
          "keyUsage critical keyCertSign, cRLSign",
          p.crlDistributionPoints.length ? `CRL DP ${p.crlDistributionPoints.join(", ")}` : null,
          p.aiaIssuerUrls.length || p.ocspUrls.length ? `AIA ${[...p.aiaIssuerUrls, ...p.ocspUrls].join(", ")}` : null,
          p.extKeyUsages?.length ? `extKeyUsage ${p.extKeyUsages.join(", ")}` : null,
          p.nameConstraints ? "nameConstraints" : null,
        ]
          .filter(Boolean)
          .join("; "),
      },
      { label: "Public key certified (SPKI SHA-256)", value: csr.spkiSha256 },
    ];
  },
  async run(ctx, p) {
    const csrPem = ctx.artifact(`csr/${p.csrLabel}.csr`);
    if (!csrPem) throw new PkiActionError("CSR_NOT_READ", `No CSR "${p.csrLabel}" was read earlier in this ceremony; run the CSR step first.`);
    const issuerDer = await readCertificateFile(ctx, p.issuerCertificate);
    const signer = await signerFor(ctx, p.issuerKeyLabel);
    const notBefore = nowSeconds(ctx);
    const issuerSummary = certificateSummary(issuerDer);
    let notAfter = addYears(notBefore, p.validityYears);
    const issuerEnd = new Date(issuerSummary.notAfter);
    if (notAfter > issuerEnd) {
      throw new PkiActionError(
        "VALIDITY_OUTSIDE_ISSUER",
        `${p.validityYears} years from now ends ${notAfter.toISOString()}, after the root expires (${issuerSummary.notAfter}). Choose a shorter validity; nothing was signed.`,
      );
    }
    notAfter = new Date(notAfter.getTime());
    const cert = await issueIntermediateCertificate({
      csr: parseCsr(csrPem),
      ...(p.subject ? { subject: p.subject } : {}),
      issuer: { certificate: issuerDer, signer },
      validity: { notBefore, notAfter },
      pathLength: p.pathLength,
      crlDistributionPoints: p.crlDistributionPoints,
      aiaIssuerUrls: p.aiaIssuerUrls,
      ocspUrls: p.ocspUrls,
      ...(p.extKeyUsages ? { extKeyUsages: p.extKeyUsages } : {}),
      ...(p.nameConstraints ? { nameConstraints: p.nameConstraints } : {}),
      random: (n) => ctx.hsm().call("random", n),
      now: ctx.now(),
      skipLints: p.skipLints,
    });
    recordLints(ctx, `certificate ${p.certLabel}`, cert.lintResults, cert.skippedLints);
    const s = certificateSummary(cert.der);
    return {
      outputs: {
        subject: { label: "Subject", kind: "text", value: s.subject },
        issuer: { label: "Issuer", kind: "text", value: s.issuer },
        serial: { label: "Serial number", kind: "hex", value: s.serialHex },
        validity: { label: "Valid", kind: "text", value: `${s.notBefore} to ${s.notAfter}` },
        certSha256: fingerprintOutput("Certificate SHA-256", cert.sha256),
      },
      artifacts: [
        artifact(`certs/${p.issuerLabel}.pem`, issuerDer, "certificate", p.issuerLabel, {
          subject: issuerSummary.subject,
          sha256: issuerSummary.sha256,
          role: "issuer (read from removable media)",
        }, "CERTIFICATE"),
        artifact(`certs/${p.certLabel}.pem`, cert.der, "certificate", p.certLabel, {
          subject: s.subject,
          issuer: s.issuer,
          serial: s.serialHex,
          notBefore: s.notBefore,
          notAfter: s.notAfter,
          sha256: cert.sha256,
          spkiSha256: cert.spkiSha256,
          skippedLints: cert.skippedLints.join(",") || "none",
        }, "CERTIFICATE"),
      ],
    };
  },
};
