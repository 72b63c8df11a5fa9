import { z } from "zod";
import { issueRootCertificate, ROOT_MAX_YEARS, certificateSummary } from "../../pki/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { addYears, artifact, FileLabel, nowSeconds, recordLints, signerFor } from "./pki-common.ts";

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
  async run(ctx, p) {
    const signer = await signerFor(ctx, p.keyLabel);
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
