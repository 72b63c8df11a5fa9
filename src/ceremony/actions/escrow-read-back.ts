import { z } from "zod";
import { CeremonyError } from "../../errors.ts";
import type { ActionDefinition } from "../action-api.ts";
import { voidedSetIds } from "../card-set-void.ts";
import { checkHolderShare, journaledReadBacks, recordedSplit, ShareReadBackError } from "./escrow-common.ts";

const Params = z.object({ keyLabel: z.string().min(1).max(64) }).strict();

/**
 * Every holder reads back their own card (typed or scanned) before the room empties; each must
 * match the fingerprint recorded for that card. All n cards, not only k. A card checked earlier
 * in this step (share.read-back, journaled as each holder finished) counts without its words.
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
    const readBack = journaledReadBacks(ctx.events(), split);
    const verified: string[] = [];
    // Shown to the room in full; journaled without any word a holder typed (CeremonyError.recordedMessage).
    const problems: string[] = [];
    const recorded: string[] = [];
    for (const card of split.cards) {
      const holder = ctx.participants.find((x) => x.id === card.participantId)!;
      const input = inputs.find((s) => s.participantId === card.participantId);
      if (!input && readBack.has(card.participantId)) {
        ctx.record("share.verified", { keyLabel: p.keyLabel, card: card.card, participantId: holder.id });
        verified.push(`card ${card.card} (${card.holder})`);
        continue;
      }
      if (!input) {
        problems.push(`${card.holder} (card ${card.card}) has not read back their card`);
        recorded.push(problems.at(-1)!);
        continue;
      }
      try {
        checkHolderShare(split, holder, input.text, voidedSetIds(ctx.events()));
        ctx.record("share.verified", { keyLabel: p.keyLabel, card: card.card, participantId: holder.id });
        verified.push(`card ${card.card} (${card.holder})`);
      } catch (e) {
        if (!(e instanceof CeremonyError)) throw e;
        problems.push(e.message);
        recorded.push(e.recordedMessage);
      }
    }
    if (problems.length) {
      const head = `${verified.length} of ${split.n} cards verified.`;
      throw new ShareReadBackError("SHARE_READ_BACK_FAILED", `${head} ${problems.join(" ")}`, { recorded: `${head} ${recorded.join(" ")}` });
    }
    return { outputs: { verified: { label: "Cards verified", kind: "text", value: `all ${split.n}: ${verified.join(", ")}` } } };
  },
};
