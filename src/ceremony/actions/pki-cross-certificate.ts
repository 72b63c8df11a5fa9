import { z } from "zod";
import { certificateSummary, crossCertificateLatestEnd, issueCrossCertificate, pemToDer, sha256Hex } from "../../pki/index.ts";
import type { ActionContext, ActionDefinition, ActionResult } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { addYears, artifact, FileLabel, nowSeconds, PkiActionError, recordLints, signerFor } from "./pki-common.ts";

const Url = z.string().regex(/^http:\/\/\S+$/, "must be an http:// URL (BR §7.1.2.11.2)");
const BundleCertificate = z.string().regex(/^certs\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.pem$/, "must be a certificate an earlier step put in this bundle (certs/LABEL.pem)");
const Params = z
  .object({
    /**
     * A step may be switched off by a parameter (the reverse cross-certificate is optional): it
     * then signs nothing and says so, and the script's steps stay the same for every ceremony.
     */
    issue: z.boolean().default(true),
    /** The issuing root's key on the token, and its certificate as an earlier step recorded it. */
    issuerKeyLabel: z.string().min(1).max(64),
    issuerCertificate: BundleCertificate,
    /** The certified root's own certificate, as an earlier step recorded it. */
    certifiedCertificate: BundleCertificate,
    certLabel: FileLabel,
    /** Caps the validity below the end of both roots' certificates (the default end). */
    validityYears: z.number().int().min(1).max(25).optional(),
    crlDistributionPoints: z.array(Url).min(1).max(4),
    aiaIssuerUrls: z.array(Url).max(4).default([]),
    /** BR §7.1.2.2.3: certificatePolicies MUST; anyPolicy for a root of the same organization. */
    policies: z.array(z.object({ oid: z.string().optional(), cpsUrl: z.string().url().optional() }).strict()).min(1).max(8).default([{}]),
    skipLints: z.array(z.string()).max(50).default([]),
  })
  .strict();
type Params = z.infer<typeof Params>;

function recorded(ctx: ActionContext, path: string): Buffer {
  const pem = ctx.artifact(path);
  if (!pem) throw new PkiActionError("CERTIFICATE_NOT_RECORDED", `No earlier step of this ceremony put ${path} in the bundle; run the steps in the script's order.`);
  return pemToDer(pem.toString("latin1"), ["CERTIFICATE"]);
}

function plannedValidity(ctx: ActionContext, p: Params, issuer: Buffer, certified: Buffer): { notBefore: Date; notAfter: Date } {
  const notBefore = nowSeconds(ctx);
  const latest = crossCertificateLatestEnd(issuer, certified);
  const capped = p.validityYears === undefined ? latest : addYears(notBefore, p.validityYears);
  return { notBefore, notAfter: capped < latest ? capped : latest };
}

/**
 * Root rotation's cross-certificates: one root's key in the HSM certifies the other root's key
 * (the old root certifies the new one, so relying parties that trust only the old root accept
 * what the new root issues; and optionally the reverse). Linted with the certificate lints in the
 * cross-certificate profile before the HSM signs, checked after (src/pki/cross-certificate.ts).
 */
export const pkiCrossCertificate: ActionDefinition<Params> = {
  type: "pki.cross-certificate",
  summary: "Issue a cross-certificate: one root's key certifies the other root's key",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    if (!p.issue) return [{ label: "Nothing is signed", value: `This ceremony's parameters leave out the cross-certificate ${p.certLabel}; the step records that and signs nothing.` }];
    const issuer = recorded(ctx, p.issuerCertificate);
    const certified = recorded(ctx, p.certifiedCertificate);
    const i = certificateSummary(issuer);
    const c = certificateSummary(certified);
    const { notBefore, notAfter } = plannedValidity(ctx, p, issuer, certified);
    return [
      { label: "Subject (the certified root, as in its own certificate)", value: c.subject },
      { label: "Issuer", value: i.subject },
      { label: "Validity", value: `${notBefore.toISOString()} to ${notAfter.toISOString()} (ends no later than either root)` },
      {
        label: "Extensions",
        value: [
          "basicConstraints critical CA:TRUE",
          "keyUsage critical keyCertSign, cRLSign",
          "subjectKeyIdentifier as in the certified root's certificate",
          "authorityKeyIdentifier of the issuer",
          `certificatePolicies ${p.policies.map((x) => x.oid ?? "anyPolicy").join(", ")}`,
          `CRL DP ${p.crlDistributionPoints.join(", ")}`,
          p.aiaIssuerUrls.length ? `AIA ${p.aiaIssuerUrls.join(", ")}` : null,
        ]
          .filter(Boolean)
          .join("; "),
      },
      { label: "Public key certified (SPKI SHA-256)", value: c.spkiSha256 },
      { label: "Signed by", value: `the key ${p.issuerKeyLabel} in the HSM (SPKI ${i.spkiSha256})` },
    ];
  },
  async run(ctx, p): Promise<ActionResult> {
    if (!p.issue) {
      return { outputs: { crossCertificate: { label: "Cross-certificate", kind: "text", value: `${p.certLabel}: not issued (left out by this ceremony's parameters)` } } };
    }
    const issuerDer = recorded(ctx, p.issuerCertificate);
    const certifiedDer = recorded(ctx, p.certifiedCertificate);
    const signer = await signerFor(ctx, p.issuerKeyLabel);
    // The witnesses attested the preview's issuer: the HSM's key must be the key in that certificate.
    const issuer = certificateSummary(issuerDer);
    if (sha256Hex(signer.spki) !== issuer.spkiSha256) {
      throw new PkiActionError(
        "PREVIEW_KEY_CHANGED",
        `The key ${p.issuerKeyLabel} in the HSM is not the key in ${p.issuerCertificate} (SPKI ${issuer.spkiSha256.slice(0, 16)}…). Nothing was signed; check the token.`,
      );
    }
    const cert = await issueCrossCertificate({
      certifiedCertificate: certifiedDer,
      issuer: { certificate: issuerDer, signer },
      validity: plannedValidity(ctx, p, issuerDer, certifiedDer),
      crlDistributionPoints: p.crlDistributionPoints,
      aiaIssuerUrls: p.aiaIssuerUrls,
      policies: p.policies,
      random: (n) => ctx.hsm().call("random", n),
      now: ctx.now(),
      skipLints: p.skipLints,
    });
    recordLints(ctx, `cross-certificate ${p.certLabel}`, cert.lintResults, cert.skippedLints);
    const s = certificateSummary(cert.der);
    return {
      outputs: {
        subject: { label: "Subject", kind: "text", value: s.subject },
        issuer: { label: "Issuer", kind: "text", value: s.issuer },
        serial: { label: "Serial number", kind: "hex", value: s.serialHex },
        validity: { label: "Valid", kind: "text", value: `${s.notBefore} to ${s.notAfter}` },
        spkiSha256: fingerprintOutput("Public key certified (SPKI SHA-256)", s.spkiSha256),
        certSha256: fingerprintOutput("Cross-certificate SHA-256", cert.sha256),
      },
      artifacts: [
        artifact(`certs/${p.certLabel}.pem`, cert.der, "certificate", p.certLabel, {
          subject: s.subject,
          issuer: s.issuer,
          serial: s.serialHex,
          notBefore: s.notBefore,
          notAfter: s.notAfter,
          sha256: cert.sha256,
          spkiSha256: cert.spkiSha256,
          role: "cross-certificate",
          skippedLints: cert.skippedLints.join(",") || "none",
        }, "CERTIFICATE"),
      ],
    };
  },
};
