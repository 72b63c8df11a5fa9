import { z } from "zod";
import { HsmError, HsmSigner, spkiSha256 as sha256OfSpki, type ObjectSummary } from "../../hsm/index.ts";
import type { ActionContext, ActionDefinition } from "../action-api.ts";
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
      async (objects) => {
        const signer = await HsmSigner.forLabel(ctx.hsm(), p.label);
        if (signer.algorithm !== p.algorithm) {
          throw new HsmError("HSM_KEY_KIND_MISMATCH", `The key "${p.label}" on the token is ${signer.algorithm}; the script asks for ${p.algorithm}. Stop and check the token with the ceremony administrator.`);
        }
        return { id: signer.id, spki: signer.spki, ...(await checkedPair(ctx, p.label, objects)) };
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

/**
 * What the token reports for the key (and with which template it was made, when this step made
 * it; an adopted or reused key has its attributes read back, its template unknown).
 */
export function effectiveOf(key: object): Record<string, string> {
  const k = key as { template?: string; effectiveAttributes?: string };
  return k.effectiveAttributes ? { ...(k.template ? { template: k.template } : {}), effectiveAttributes: k.effectiveAttributes } : {};
}

/** A key pair this ceremony made, found on the token again (adopted, reused): checked as a new one is (src/hsm/key-policy.ts). */
export async function checkedPair(ctx: ActionContext, label: string, objects: ObjectSummary[]): Promise<{ effectiveAttributes: string }> {
  const priv = objects.find((o) => o.class === "private");
  const pub = objects.find((o) => o.class === "public");
  if (!priv || !pub) throw new HsmError("HSM_KEY_NOT_FOUND", `Expected one key pair labelled "${label}" on the token. Check the token and the label.`);
  return ctx.hsm().call("checkKeyPolicy", { kind: "signing-pair", label, privateHandle: priv.handle, publicHandle: pub.handle });
}
