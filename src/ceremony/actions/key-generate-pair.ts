import { z } from "zod";
import { HsmError, HsmSigner, spkiSha256 as sha256OfSpki } from "../../hsm/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { addMonths, fingerprintOutput } from "./common.ts";

const Params = z
  .object({
    label: z.string().min(1).max(64),
    algorithm: z.enum(["EC-P384", "EC-P256", "RSA-4096", "RSA-3072", "Ed25519"]),
    purpose: z.enum(["ca-signing", "signing"]),
    rotationMonths: z.number().int().min(1).max(600),
  })
  .strict();

/** Generates a sign-only key pair in the HSM and shows its SPKI fingerprint for read-aloud. */
export const keyGeneratePair: ActionDefinition<z.infer<typeof Params>> = {
  type: "key.generate-pair",
  summary: "Generate a signing key pair inside the HSM",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(_ctx, p) {
    return [
      { label: "Key pair to create", value: p.label },
      { label: "Algorithm", value: p.algorithm },
      { label: "Purpose", value: p.purpose },
    ];
  },
  async run(ctx, p) {
    const { value: key, origin } = await ensureObject(
      ctx,
      p.label,
      () => ctx.hsm().call("generateKeyPair", { label: p.label, algorithm: p.algorithm, purpose: p.purpose }),
      async () => {
        const signer = await HsmSigner.forLabel(ctx.hsm(), p.label);
        if (signer.algorithm !== p.algorithm) {
          throw new HsmError("HSM_KEY_KIND_MISMATCH", `The key "${p.label}" on the token is ${signer.algorithm}; the script asks for ${p.algorithm}. Stop and check the token with the ceremony administrator.`);
        }
        return { id: signer.id, spki: signer.spki };
      },
    );
    const spkiSha256 = sha256OfSpki(key.spki);
    const token = ctx.token();
    ctx.inventory.upsertKey({
      label: p.label,
      ckaId: key.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: p.algorithm,
      purpose: p.purpose,
      spkiSha256,
      createdAt: ctx.now().toISOString(),
      createdByCeremony: ctx.ceremonyId,
      rotationDueAt: addMonths(ctx.now(), p.rotationMonths).toISOString(),
    });
    return {
      outputs: {
        keyLabel: { label: "Key label", kind: "text", value: `${p.label} (${p.algorithm}, ${origin})` },
        keyId: { label: "CKA_ID", kind: "hex", value: key.id },
        spkiSha256: fingerprintOutput("Public key (SPKI) SHA-256", spkiSha256),
      },
      facts: [{ kind: "public-key", label: p.label, details: { algorithm: p.algorithm, spkiSha256, ckaId: key.id, spkiBase64: key.spki.toString("base64"), origin, ...effectiveOf(key) } }],
    };
  },
};

/** What the token reports it made (and with which template), when this step made the key. */
export function effectiveOf(key: object): Record<string, string> {
  const k = key as { template?: string; effectiveAttributes?: string };
  return k.effectiveAttributes ? { template: k.template ?? "full", effectiveAttributes: k.effectiveAttributes } : {};
}
