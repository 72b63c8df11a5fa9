import { lastEventOfType } from "../../events/index.ts";
import { z } from "zod";
import { HsmSigner, spkiSha256 } from "../../hsm/index.ts";
import { TranscriptSignerError } from "../../transcript/index.ts";
import type { ActionContext, ActionDefinition, ActionResult } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { TRANSCRIPT_SIGNER_ALGORITHMS } from "../../transcript/dsse.ts";
import { fingerprintOutput } from "./common.ts";
import { checkedPair, effectiveOf } from "./key-generate-pair.ts";

const SIGNER_NAMES: Record<string, string> = { "EC-P256": "ECDSA P-256", "EC-P384": "ECDSA P-384", "RSA-3072": "RSA-3072 PKCS#1 v1.5" };

/**
 * The token's dedicated transcript-signing key: ECDSA P-256, sign-only, never a CA key or KEK. A
 * token without P-256 gets P-384, else RSA-3072 (the backend's transcriptSignerAlgorithm, from
 * its mechanism list); the DSSE envelope and `verify` accept each (src/transcript/dsse.ts).
 */
export const TRANSCRIPT_SIGNER_LABEL = "ceremony-transcript-signing";

const Params = z.object({ label: z.string().min(1).max(64).default(TRANSCRIPT_SIGNER_LABEL) }).strict();

/**
 * Finds the transcript-signing key, or creates it on first use. Used as a script step (so that
 * witnesses see its fingerprint early) and by the runner before it signs a transcript.
 */
export async function ensureTranscriptSigner(ctx: ActionContext, label = TRANSCRIPT_SIGNER_LABEL): Promise<{ signer: HsmSigner; result: ActionResult }> {
  const existing = await ctx.hsm().call("findObjects", { label });
  let origin = "existing on the token";
  let effective: Record<string, string> = {};
  const mine = (type: "hsm.object.intent" | "hsm.object.created"): boolean => lastEventOfType(ctx.events(), type, (e) => e.body.label === label) !== undefined;
  // Only an absent key, or one whose creation was interrupted, goes through ensureObject: a key
  // this or an earlier ceremony made is simply used, and nothing is journaled.
  if (existing.length === 0 || (mine("hsm.object.intent") && !mine("hsm.object.created"))) {
    const r = await ensureObject(
      ctx,
      label,
      async () => ctx.hsm().call("generateKeyPair", { label, algorithm: await ctx.hsm().call("transcriptSignerAlgorithm"), purpose: "transcript-signing" }),
      async (objects) => {
        const s = await HsmSigner.forLabel(ctx.hsm(), label);
        return { id: s.id, spki: s.spki, ...(await checkedPair(ctx, label, objects)) };
      },
    );
    origin = r.origin;
    effective = effectiveOf(r.value);
  }
  const signer = await HsmSigner.forLabel(ctx.hsm(), label);
  if (!(TRANSCRIPT_SIGNER_ALGORITHMS as readonly string[]).includes(signer.algorithm)) {
    throw new TranscriptSignerError(`The key labelled "${label}" is ${signer.algorithm}; a transcript-signing key must be ECDSA P-256 (or P-384, or RSA-3072).`);
  }
  const fp = spkiSha256(signer.spki);
  if (origin === "created") {
    const token = ctx.token();
    ctx.inventory.upsertKey({
      label,
      ckaId: signer.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: signer.algorithm,
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
        signerLabel: { label: "Transcript-signing key", kind: "text", value: `${label} (${SIGNER_NAMES[signer.algorithm] ?? signer.algorithm}, ${origin})` },
        signerFingerprint: fingerprintOutput("Transcript-signing key SPKI SHA-256", fp),
      },
      facts: [{ kind: "public-key", label, details: { algorithm: signer.algorithm, purpose: "transcript-signing", spkiSha256: fp, ckaId: signer.id, ...effective } }],
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
