import { z } from "zod";
import { parseCsr } from "../../pki/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { fingerprintOutput } from "./common.ts";
import { artifact, FileLabel, PkiActionError } from "./pki-common.ts";

const Params = z.object({ csrLabel: FileLabel }).strict();

/**
 * Reads the intermediate's CSR from removable media, verifies its self-signature and shows its
 * subject and key fingerprint for read-aloud before anything is signed.
 */
export const pkiReadCsr: ActionDefinition<z.infer<typeof Params>> = {
  type: "pki.read-csr",
  summary: "Read and check a certificate signing request from removable media",
  params: Params,
  needs: ["file"],
  usesHsm: false,
  async run(ctx, p) {
    const file = ctx.inputs.file;
    if (!file) throw new PkiActionError("FILE_MISSING", "Choose the CSR file on the removable media.");
    const csr = parseCsr(file.bytes);
    return {
      outputs: {
        subject: { label: "Requested subject", kind: "text", value: csr.subject.text },
        algorithm: { label: "Key algorithm", kind: "text", value: csr.publicKeyAlgorithm },
        spkiSha256: fingerprintOutput("Requested public key (SPKI) SHA-256", csr.spkiSha256),
      },
      artifacts: [
        artifact(`csr/${p.csrLabel}.csr`, csr.der, "csr", p.csrLabel, { subject: csr.subject.text, spkiSha256: csr.spkiSha256, algorithm: csr.publicKeyAlgorithm, fileName: file.name }, "CERTIFICATE REQUEST"),
      ],
    };
  },
};
