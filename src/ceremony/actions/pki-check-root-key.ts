import { z } from "zod";
import { certificateSummary, sha256Hex } from "../../pki/index.ts";
import { spkiSha256 as sha256OfSpki } from "../../hsm/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { refuseReplaced } from "./key-check-old.ts";
import { artifact, FileLabel, PkiActionError, readCertificateFile, signerFor } from "./pki-common.ts";

const Params = z
  .object({
    /** The root's certificate from its bundle (certs/LABEL.pem), on removable media. */
    certificate: z.string().min(1),
    /** The label of the root's key on this token. */
    keyLabel: z.string().min(1).max(64),
    /** File name of the certificate in this bundle (certs/LABEL.pem). */
    certLabel: FileLabel,
  })
  .strict();

/**
 * Root rotation starts from the old root: its certificate is read from the old root's bundle and
 * its key found on this token by label, and the two must be the same key (SPKI byte for byte),
 * so the cross-certificate is signed by the key the world trusts and nothing else. Nothing is
 * signed here; the certificate goes into the bundle for the later steps and for auditors.
 */
export const pkiCheckRootKey: ActionDefinition<z.infer<typeof Params>> = {
  type: "pki.check-root-key",
  summary: "Check that the root key on the token is the key in the root's certificate",
  params: Params,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    const der = await readCertificateFile(ctx, p.certificate);
    let s;
    try {
      s = certificateSummary(der);
    } catch (cause) {
      throw new PkiActionError("ROOT_CERTIFICATE_INVALID", `${p.certificate} is not an X.509 certificate. Give the root's certificate from its bundle (certs/…pem).`, { cause });
    }
    if (!s.isCa || !s.selfSigned) {
      throw new PkiActionError("ROOT_CERTIFICATE_INVALID", `${p.certificate} is not a self-signed CA certificate (subject ${s.subject}, issuer ${s.issuer}). Give the old root's own certificate.`);
    }
    const signer = await signerFor(ctx, p.keyLabel);
    const onToken = sha256Hex(signer.spki);
    if (onToken !== s.spkiSha256) {
      throw new PkiActionError(
        "ROOT_KEY_NOT_ON_TOKEN",
        `The key ${p.keyLabel} on this token (SPKI ${onToken.slice(0, 16)}…) is not the key in ${p.certificate} (SPKI ${s.spkiSha256.slice(0, 16)}…). Connect the old root's HSM, or give the right certificate; nothing was signed.`,
      );
    }
    const token = ctx.token();
    refuseReplaced(ctx, ctx.inventory.listKeys().find((k) => k.tokenSerial === token.serial && k.ckaId === signer.id && !k.destroyedAt), p.keyLabel);
    // A root made before this journal existed is recorded now, so that the rotation can link it.
    if (!ctx.inventory.listKeys().some((k) => k.tokenSerial === token.serial && k.ckaId === signer.id)) {
      ctx.inventory.upsertKey({
        label: p.keyLabel,
        ckaId: signer.id,
        tokenSerial: token.serial,
        tokenLabel: token.label,
        algorithm: signer.algorithm,
        purpose: "ca-signing",
        spkiSha256: sha256OfSpki(signer.spki),
        createdAt: new Date(s.notBefore).toISOString(),
      });
    }
    return {
      outputs: {
        subject: { label: "Root subject", kind: "text", value: s.subject },
        keyLabel: { label: "Root key on the token", kind: "text", value: `${p.keyLabel} (${signer.algorithm}, ID ${signer.id})` },
        validity: { label: "Root certificate valid", kind: "text", value: `${s.notBefore} to ${s.notAfter}` },
        spkiSha256: fingerprintOutput("Public key (SPKI) SHA-256", s.spkiSha256),
        certSha256: fingerprintOutput("Root certificate SHA-256", s.sha256),
      },
      artifacts: [
        artifact(`certs/${p.certLabel}.pem`, Buffer.from(der), "certificate", p.certLabel, {
          subject: s.subject,
          serial: s.serialHex,
          notBefore: s.notBefore,
          notAfter: s.notAfter,
          sha256: s.sha256,
          spkiSha256: s.spkiSha256,
          keyLabel: p.keyLabel,
          // "issuer": it issues the cross-certificate; verify links it to the bundle that made it.
          role: "issuer: the root being rotated (read from removable media; its key checked on the token)",
        }, "CERTIFICATE"),
      ],
    };
  },
};
