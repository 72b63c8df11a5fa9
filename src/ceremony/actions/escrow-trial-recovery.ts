import { z } from "zod";
import { formatKcv, formatSetId } from "../../common/index.ts";
import { wipe } from "../../errors.ts";
import { combineShares, wipeDecodedShares } from "../../escrow/index.ts";
import { HsmError, wrapMechanismOfName, type HsmClient, type SecretKeyInfo } from "../../hsm/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { voidedCardMessage, voidedSetIds } from "../card-set-void.ts";
import { decodeShares, recordedSplit, ShareReadBackError } from "./escrow-common.ts";

const Params = z.object({ keyLabel: z.string().min(1).max(64) }).strict();

/**
 * A trial recovery with k cards: rebuild the escrow key, import it as a session object, unwrap
 * the wrapped KEK into a session KCV probe, compare both KCVs, destroy everything.
 */
export const escrowTrialRecovery: ActionDefinition<z.infer<typeof Params>> = {
  type: "escrow.trial-recovery",
  summary: "Recover with k cards into a throwaway session object and compare KCVs",
  params: Params,
  needs: ["shares"],
  usesHsm: true,
  async run(ctx, p) {
    const split = recordedSplit(ctx, p.keyLabel);
    const wrapped = ctx.artifact(split.wrappedPath);
    if (!wrapped) throw new ShareReadBackError("ESCROW_WRAPPED_MISSING", `The wrapped key ${split.wrappedPath} is not recorded in this ceremony.`);
    // The mechanism the split recorded, as long as this token still proves it (a restart forgets the choice).
    await ctx.hsm().call("escrowWrapMechanism", wrapMechanismOfName(split.wrapMechanism));
    const decoded = decodeShares(ctx, ctx.inputs.shares);
    const voided = voidedSetIds(ctx.events());
    for (const d of decoded) {
      if (!split.cards.some((c) => c.fingerprint === d.fingerprint)) {
        wipeDecodedShares(decoded);
        throw new ShareReadBackError(
          "SHARE_WRONG_SET",
          voided.has(d.setId) ? voidedCardMessage(d.label, d.setId, split.setId) : `${d.label} is not one of the cards printed in this ceremony (set ${formatSetId(split.setId)}).`,
        );
      }
    }
    const kcvs = await unwrapProbe(ctx.hsm(), decoded, wrapped, `trial-${ctx.ceremonyId}`);
    if (kcvs.kcvEcb0 !== split.kcvEcb0 || kcvs.kcvCmac !== split.kcvCmac) {
      throw new HsmError(
        "ESCROW_KCV_MISMATCH",
        `The recovered key has KCVs ${formatKcv(kcvs.kcvEcb0)} / ${formatKcv(kcvs.kcvCmac)}, but the KEK's are ${formatKcv(split.kcvEcb0)} / ${formatKcv(split.kcvCmac)}. The cards do not recover this key; do not let holders leave.`,
      );
    }
    ctx.record("escrow.trial-recovered", { keyLabel: p.keyLabel, cardsUsed: decoded.length, kcvEcb0: kcvs.kcvEcb0, kcvCmac: kcvs.kcvCmac });
    return {
      outputs: {
        result: { label: "Trial recovery", kind: "text", value: `${decoded.length} cards recovered the key; KCVs match` },
        kcvEcb0: { label: "Recovered KCV-ECB0", kind: "kcv", value: kcvs.kcvEcb0 },
        kcvCmac: { label: "Recovered KCV-CMAC", kind: "kcv", value: kcvs.kcvCmac },
      },
    };
  },
};

/**
 * Combines the shares (which checks set, k, n and indices), imports the escrow key as a session
 * object, unwraps into a session KCV probe and returns its KCVs. Everything transient is wiped
 * and destroyed, whatever happens. Optionally also unwraps the KEK as a token object.
 */
export async function unwrapProbe(
  hsm: HsmClient,
  decoded: Parameters<typeof combineShares>[0],
  wrapped: Buffer,
  tag: string,
  restore?: { label: string; id: string; expected: { kcvEcb0: string; kcvCmac: string } },
): Promise<{ kcvEcb0: string; kcvCmac: string; restored?: SecretKeyInfo }> {
  let escrowKey: Uint8Array | undefined;
  const handles: string[] = [];
  try {
    escrowKey = await combineShares(decoded);
    const transport = await hsm.call("importAesKey", { value: Buffer.from(escrowKey), label: `escrow-transport-${tag}`, use: "escrow-transport" });
    handles.push(transport.handle);
    const probe = await hsm.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kcv-probe", label: `kcv-probe-${tag}` });
    handles.push(probe.handle);
    const kcvs = await hsm.call("probeKcv", probe.handle);
    if (!restore) return kcvs;
    if (kcvs.kcvEcb0 !== restore.expected.kcvEcb0 || kcvs.kcvCmac !== restore.expected.kcvCmac) return kcvs;
    const kek = await hsm.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kek", label: restore.label, id: restore.id, escrowable: true });
    return { ...kcvs, restored: kek };
  } finally {
    wipe(escrowKey);
    wipeDecodedShares(decoded);
    for (const h of handles) await hsm.call("destroyObject", h).catch(() => undefined);
  }
}
