import { z } from "zod";
import { issueRootCertificate, ROOT_MAX_YEARS, certificateSummary, sha256Hex } from "../../pki/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { addYears, artifact, FileLabel, nowSeconds, PkiActionError, recordLints, signerFor, spkiOfKey } from "./pki-common.ts";

const Params = z
  .object({
    keyLabel: z.string().min(1).max(64),
    certLabel: FileLabel,
    subject: z.string().min(1).max(1024),
    validityYears: z.number().int().min(1).max(ROOT_MAX_YEARS),
    pathLength: z.number().int().min(0).max(8).optional(),
    policies: z.array(z.object({ oid: z.string().optional(), cpsUrl: z.string().url().optional() }).strict()).max(8).optional(),
    skipLints: z.array(z.string()).max(50).default([]),
  })
  .strict();

/**
 * The self-signed root certificate: linted before the HSM signs it, then the signature verified,
 * the signed TBS compared byte for byte with the linted one, and the lints run again (src/pki).
 */
export const pkiRootCertificate: ActionDefinition<z.infer<typeof Params>> = {
  type: "pki.root-certificate",
  summary: "Issue the self-signed root certificate with the root key in the HSM",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    const notBefore = nowSeconds(ctx);
    return [
      { label: "Subject (and issuer: self-signed)", value: p.subject },
      { label: "Validity", value: `${notBefore.toISOString()} to ${addYears(notBefore, p.validityYears).toISOString()} (${p.validityYears} years)` },
      {
        label: "Extensions",
        value: `basicConstraints critical CA:TRUE${p.pathLength !== undefined ? `, pathLen ${p.pathLength}` : ""}; keyUsage critical keyCertSign, cRLSign; subjectKeyIdentifier${p.policies?.length ? `; certificatePolicies ${p.policies.map((x) => x.oid ?? x.cpsUrl).join(", ")}` : ""}`,
      },
      { label: "Public key certified (SPKI SHA-256)", value: spkiOfKey(ctx, p.keyLabel) },
      { label: "Signed by", value: `the key ${p.keyLabel} in the HSM` },
    ];
  },
  async run(ctx, p) {
    const signer = await signerFor(ctx, p.keyLabel);
    // The witnesses attested the preview's public key: the HSM's key must be that one.
    const previewed = spkiOfKey(ctx, p.keyLabel);
    if (/^[0-9a-f]{64}$/.test(previewed) && previewed !== sha256Hex(signer.spki)) {
      throw new PkiActionError("PREVIEW_KEY_CHANGED", `The key ${p.keyLabel} in the HSM is not the one the witnesses confirmed (SPKI ${previewed.slice(0, 16)}…). Nothing was signed; check the token.`);
    }
    const notBefore = nowSeconds(ctx);
    const cert = await issueRootCertificate({
      subject: p.subject,
      signer,
      validity: { notBefore, notAfter: addYears(notBefore, p.validityYears) },
      ...(p.pathLength !== undefined ? { pathLength: p.pathLength } : {}),
      ...(p.policies ? { policies: p.policies } : {}),
      random: (n) => ctx.hsm().call("random", n),
      now: ctx.now(),
      skipLints: p.skipLints,
    });
    recordLints(ctx, `certificate ${p.certLabel}`, cert.lintResults, cert.skippedLints);
    const s = certificateSummary(cert.der);
    return {
      outputs: {
        subject: { label: "Subject", kind: "text", value: s.subject },
        serial: { label: "Serial number", kind: "hex", value: s.serialHex },
        validity: { label: "Valid", kind: "text", value: `${s.notBefore} to ${s.notAfter}` },
        certSha256: fingerprintOutput("Certificate SHA-256", cert.sha256),
        spkiSha256: fingerprintOutput("Public key (SPKI) SHA-256", cert.spkiSha256),
      },
      artifacts: [
        artifact(`certs/${p.certLabel}.pem`, cert.der, "certificate", p.certLabel, {
          subject: s.subject,
          serial: s.serialHex,
          notBefore: s.notBefore,
          notAfter: s.notAfter,
          sha256: cert.sha256,
          spkiSha256: cert.spkiSha256,
          keyLabel: p.keyLabel,
          skippedLints: cert.skippedLints.join(",") || "none",
        }, "CERTIFICATE"),
      ],
    };
  },
};
