import { z } from "zod";
import { certificateSummary, CRL_REASONS, issueCrl, type CrlReasonName } from "../../pki/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { artifact, FileLabel, nowSeconds, PkiActionError, readCertificateFile, recordLints, signerFor } from "./pki-common.ts";

const Revocation = z
  .object({
    serial: z.string().regex(/^[0-9A-Fa-f:]{1,64}$/, "must be the serial number in hex"),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/, "must be a date such as 2026-11-01 or 2026-11-01T12:00:00Z"),
    reason: z.enum(Object.keys(CRL_REASONS) as [CrlReasonName, ...CrlReasonName[]]).optional(),
  })
  .strict();

const Params = z
  .object({
    issuerKeyLabel: z.string().min(1).max(64),
    issuerCertificate: z.string().min(1),
    issuerLabel: FileLabel,
    crlLabel: FileLabel,
    nextUpdateDays: z.number().int().min(1).max(366),
    revoked: z.array(Revocation).max(10_000).default([]),
    skipLints: z.array(z.string()).max(50).default([]),
  })
  .strict();

/**
 * A root CRL: thisUpdate now, nextUpdate from the parameters, a CRL number that only ever grows
 * (kept in the key inventory; a retry takes a new number), revoked serials with reasons, AKI.
 */
export const pkiSignCrl: ActionDefinition<z.infer<typeof Params>> = {
  type: "pki.sign-crl",
  summary: "Issue a CRL signed by the root key in the HSM",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    const issuer = certificateSummary(await readCertificateFile(ctx, p.issuerCertificate));
    const thisUpdate = nowSeconds(ctx);
    return [
      { label: "Issuer", value: issuer.subject },
      { label: "CRL number", value: `${ctx.inventory.peekCrlNumber(issuer.spkiSha256)} (a retry takes the next one; numbers only grow)` },
      { label: "Validity", value: `${thisUpdate.toISOString()} to ${new Date(thisUpdate.getTime() + p.nextUpdateDays * 86_400_000).toISOString()}` },
      { label: "Serials to revoke", value: p.revoked.length ? p.revoked.map((r) => `${r.serial} (${r.reason ?? "no reason code"}, ${r.date})`).join("; ") : "none" },
      { label: "Signed by", value: `the key ${p.issuerKeyLabel} in the HSM` },
    ];
  },
  async run(ctx, p) {
    const issuerDer = await readCertificateFile(ctx, p.issuerCertificate);
    const issuer = certificateSummary(issuerDer);
    const signer = await signerFor(ctx, p.issuerKeyLabel);
    const thisUpdate = nowSeconds(ctx);
    const nextUpdate = new Date(thisUpdate.getTime() + p.nextUpdateDays * 86_400_000);
    if (nextUpdate > new Date(issuer.notAfter)) {
      throw new PkiActionError("VALIDITY_OUTSIDE_ISSUER", `nextUpdate ${nextUpdate.toISOString()} is after the issuer expires (${issuer.notAfter}). Choose fewer days.`);
    }
    const revoked = p.revoked.map((r) => ({
      serialHex: r.serial,
      revocationDate: new Date(r.date.length === 10 ? `${r.date}T00:00:00Z` : r.date),
      ...(r.reason ? { reason: r.reason } : {}),
    }));
    const crlNumber = ctx.inventory.nextCrlNumber(`${issuer.spkiSha256}`);
    ctx.record("pki.crl-number.taken", { issuer: issuer.subject, crlNumber: crlNumber.toString() });
    const crl = await issueCrl({ issuer: { certificate: issuerDer, signer }, thisUpdate, nextUpdate, crlNumber, revoked, now: ctx.now(), skipLints: p.skipLints });
    recordLints(ctx, `CRL ${p.crlLabel}`, crl.lintResults, crl.skippedLints);
    return {
      outputs: {
        issuer: { label: "Issuer", kind: "text", value: issuer.subject },
        crlNumber: { label: "CRL number", kind: "text", value: crl.crlNumber.toString() },
        window: { label: "Valid", kind: "text", value: `${thisUpdate.toISOString()} to ${nextUpdate.toISOString()}` },
        revoked: { label: "Revoked serials", kind: "text", value: revoked.length ? revoked.map((r) => `${r.serialHex}${r.reason ? ` (${r.reason})` : ""}`).join(", ") : "none" },
        crlSha256: fingerprintOutput("CRL SHA-256", crl.sha256),
      },
      artifacts: [
        artifact(`certs/${p.issuerLabel}.pem`, issuerDer, "certificate", p.issuerLabel, { subject: issuer.subject, sha256: issuer.sha256, role: "issuer (read from removable media)" }, "CERTIFICATE"),
        artifact(`crl/${p.crlLabel}.crl`, crl.der, "crl", p.crlLabel, {
          issuer: issuer.subject,
          crlNumber: crl.crlNumber.toString(),
          thisUpdate: thisUpdate.toISOString(),
          nextUpdate: nextUpdate.toISOString(),
          revokedCount: String(revoked.length),
          sha256: crl.sha256,
        }),
      ],
    };
  },
};
