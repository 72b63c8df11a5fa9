import { z } from "zod";
import type { ActionDefinition } from "../action-api.ts";
import { checkHolderShare, recordedSplit, ShareReadBackError } from "./escrow-common.ts";

const Params = z.object({ keyLabel: z.string().min(1).max(64) }).strict();

/**
 * Every holder reads back their own card (typed or scanned) before the room empties; each must
 * match the fingerprint recorded for that card. All n cards, not only k.
 */
export const escrowReadBack: ActionDefinition<z.infer<typeof Params>> = {
  type: "escrow.read-back",
  summary: "Each share holder reads back their own card; all cards must match",
  params: Params,
  needs: ["shares"],
  usesHsm: false,
  async run(ctx, p) {
    const split = recordedSplit(ctx, p.keyLabel);
    const inputs = ctx.inputs.shares ?? [];
    const verified: string[] = [];
    const problems: string[] = [];
    for (const card of split.cards) {
      const holder = ctx.participants.find((x) => x.id === card.participantId)!;
      const input = inputs.find((s) => s.participantId === card.participantId);
      if (!input) {
        problems.push(`${card.holder} (card ${card.card}) has not read back their card`);
        continue;
      }
      try {
        checkHolderShare(split, holder, input.text);
        ctx.record("share.verified", { keyLabel: p.keyLabel, card: card.card, participantId: holder.id });
        verified.push(`card ${card.card} (${card.holder})`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (problems.length) {
      throw new ShareReadBackError("SHARE_READ_BACK_FAILED", `${verified.length} of ${split.n} cards verified. ${problems.join(" ")}`);
    }
    return { outputs: { verified: { label: "Cards verified", kind: "text", value: `all ${split.n}: ${verified.join(", ")}` } } };
  },
};
