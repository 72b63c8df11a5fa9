import { z } from "zod";
import { HsmSigner, spkiSha256 } from "../../hsm/index.ts";
import type { ActionContext, ActionDefinition, ActionResult } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { fingerprintOutput } from "./common.ts";

/** The token's dedicated transcript-signing key: ECDSA P-256, sign-only, never a CA key or KEK. */
export const TRANSCRIPT_SIGNER_LABEL = "ceremony-transcript-signing";

const Params = z.object({ label: z.string().min(1).max(64).default(TRANSCRIPT_SIGNER_LABEL) }).strict();

/**
 * Finds the transcript-signing key, or creates it on first use. Used as a script step (so that
 * witnesses see its fingerprint early) and by the runner before it signs a transcript.
 */
export async function ensureTranscriptSigner(ctx: ActionContext, label = TRANSCRIPT_SIGNER_LABEL): Promise<{ signer: HsmSigner; result: ActionResult }> {
  const existing = await ctx.hsm().call("findObjects", { label });
  let origin = "existing on the token";
  const mine = (type: string): boolean => ctx.events().some((e) => e.type === type && e.body.label === label);
  // Only an absent key, or one whose creation was interrupted, goes through ensureObject: a key
  // this or an earlier ceremony made is simply used, and nothing is journaled.
  if (existing.length === 0 || (mine("hsm.object.intent") && !mine("hsm.object.created"))) {
    const r = await ensureObject(
      ctx,
      label,
      () => ctx.hsm().call("generateKeyPair", { label, algorithm: "EC-P256", purpose: "transcript-signing" }),
      async () => {
        const s = await HsmSigner.forLabel(ctx.hsm(), label);
        return { id: s.id, spki: s.spki };
      },
    );
    origin = r.origin;
  }
  const signer = await HsmSigner.forLabel(ctx.hsm(), label);
  if (signer.algorithm !== "EC-P256") {
    throw new Error(`The key labelled "${label}" is ${signer.algorithm}; a transcript-signing key must be ECDSA P-256.`);
  }
  const fp = spkiSha256(signer.spki);
  if (origin === "created") {
    const token = ctx.token();
    ctx.inventory.upsertKey({
      label,
      ckaId: signer.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: "EC-P256",
      purpose: "transcript-signing",
      spkiSha256: fp,
      createdAt: ctx.now().toISOString(),
      createdByCeremony: ctx.ceremonyId,
    });
  }
  return {
    signer,
    result: {
      outputs: {
        signerLabel: { label: "Transcript-signing key", kind: "text", value: `${label} (ECDSA P-256, ${origin})` },
        signerFingerprint: fingerprintOutput("Transcript-signing key SPKI SHA-256", fp),
      },
      facts: [{ kind: "public-key", label, details: { algorithm: "EC-P256", purpose: "transcript-signing", spkiSha256: fp, ckaId: signer.id } }],
    },
  };
}

export const transcriptEnsureSigner: ActionDefinition<z.infer<typeof Params>> = {
  type: "transcript.ensure-signer",
  summary: "Find or create the token's transcript-signing key",
  params: Params,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    return (await ensureTranscriptSigner(ctx, p.label)).result;
  },
};
