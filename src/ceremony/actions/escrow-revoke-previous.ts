import { z } from "zod";
import type { CardCopy, KeyCopy } from "../../common/key-copies.ts";
import { formatFingerprint, formatFingerprintPrefix, formatSetId } from "../../common/index.ts";
import { type EventBody, eventsOfType, lastEventOfType } from "../../events/index.ts";
import type { ActionContext, ActionDefinition, OutputValue, PreviewItem } from "../action-api.ts";
import { recordedSplit } from "./escrow-common.ts";
import { CopyDeclarationParams } from "./key-copies-list.ts";
import { checkedPreviousSet, oldCardCopies, type OldCardPlan, planOldCards, type PreviousSet, ReEscrowError } from "./reescrow-common.ts";

const Params = z
  .object({
    keyLabel: z.string().min(1).max(64),
    cardsCollected: CopyDeclarationParams.cardsCollected,
    cardsLost: CopyDeclarationParams.cardsLost,
  })
  .strict();
type RevokeParams = z.infer<typeof Params>;

/**
 * The last step of a re-escrow, once the new set is proven (every card read back, a trial
 * recovery matched both KCVs): the old set is revoked, and the new set and its wrapped key
 * supersede it. The key inventory marks the old set revoked (a recovery given its bundle is then
 * refused before anyone types a card); each old card handed in is destroyed in front of the
 * witnesses, each declared lost stays of unknown fate, and the cards still out are named with
 * their holders. Witnesses confirm the plan before it is recorded.
 */
export const escrowRevokePrevious: ActionDefinition<RevokeParams> = {
  type: "escrow.revoke-previous",
  summary: "Revoke the old card set; record each old card handed in and destroyed",
  params: Params,
  needs: [],
  usesHsm: false,
  async preview(ctx, p) {
    const { previous, split, plan } = planRevocation(ctx, p);
    const items: PreviewItem[] = [
      { label: "Card set to revoke", value: `set ${formatSetId(previous.setId)} of ${p.keyLabel} (${previous.k} of ${previous.n} cards, split by ${previous.splitByCeremonyId})` },
      { label: "Replaced by", value: `set ${formatSetId(split.setId)} (${split.k} of ${split.n} cards), every card read back, trial recovery matched both KCVs` },
      { label: "Old wrapped key", value: `SHA-256 ${formatFingerprintPrefix(previous.wrappedSha256)}, superseded by ${formatFingerprintPrefix(split.wrappedSha256)}` },
    ];
    for (const c of plan.collected) items.push({ label: `Old card ${c.card} (${c.holder})`, value: `handed in now: check its number and share fingerprint ${formatFingerprint(c.fingerprint)}, then destroy it in front of the witnesses` });
    for (const c of plan.lost) items.push({ label: `Old card ${c.card} (${c.holder})`, value: "declared LOST or exposed: its fate stays unknown" });
    for (const c of plan.outstanding) items.push({ label: `Old card ${c.card} (${c.holder})`, value: "NOT handed in: it stays out, a card of a revoked set" });
    items.push({ label: "After this step", value: `set ${formatSetId(previous.setId)} is REVOKED: a recovery given its bundle is refused before anyone types a card` });
    return items;
  },
  async run(ctx, p) {
    const { previous, split, plan } = planRevocation(ctx, p);
    const at = ctx.now().toISOString();
    const body: EventBody<"escrow.set.revoked"> = {
      keyLabel: p.keyLabel,
      setId: previous.setId,
      kcvEcb0: previous.kcvEcb0,
      kcvCmac: previous.kcvCmac,
      wrappedSha256: previous.wrappedSha256,
      splitByCeremonyId: previous.splitByCeremonyId,
      supersededBySetId: split.setId.toUpperCase(),
      supersededByWrappedSha256: split.wrappedSha256,
      trigger: previous.trigger,
      reason: previous.reason,
      collected: plan.collected.map((c) => c.card),
      lost: plan.lost.map((c) => c.card),
      outstanding: plan.outstanding.map((c) => c.card),
    };
    // Run again after a crash, the step finds what it already recorded and records it once.
    const events = ctx.events();
    if (!lastEventOfType(events, "escrow.set.revoked", (e) => e.body.setId === body.setId)) ctx.record("escrow.set.revoked", body);
    const fates: CardCopy[] = [
      ...plan.collected.map((c): CardCopy => ({ ...c, status: "collected-and-destroyed", by: ctx.ceremonyId, at, note: `card of revoked set ${formatSetId(previous.setId)}` })),
      ...plan.lost.map((c): CardCopy => ({ ...c, status: "unknown", by: ctx.ceremonyId, at, note: "declared lost or exposed" })),
    ];
    const accounted = new Set(eventsOfType(events, "key.copy.accounted").flatMap((e) => (e.body.copy.kind === "card" ? [`${e.body.copy.setId.toLowerCase()}:${e.body.copy.card}`] : [])));
    for (const copy of fates) if (!accounted.has(`${copy.setId.toLowerCase()}:${copy.card}`)) ctx.record("key.copy.accounted", { label: p.keyLabel, copy });

    // The inventory: the old set (recorded first when only its bundle knew it), revoked, and the fate of each old card.
    ctx.inventory.recordEscrowSet({
      setId: previous.setId,
      keyLabel: p.keyLabel,
      kcvEcb0: previous.kcvEcb0,
      kcvCmac: previous.kcvCmac,
      k: previous.k,
      n: previous.n,
      wrappedSha256: previous.wrappedSha256,
      wrappedPath: previous.wrappedPath,
      ceremonyId: previous.splitByCeremonyId,
      recordedAt: at,
      cards: previous.cards,
    });
    ctx.inventory.revokeEscrowSet(previous.setId, { ceremonyId: ctx.ceremonyId, at, supersededBy: body.supersededBySetId, reason: previous.reason });
    for (const c of fates) {
      if (c.status === "collected-and-destroyed" || c.status === "unknown") {
        ctx.inventory.markEscrowCopy({ kind: "card", setId: c.setId, card: c.card }, { status: c.status, ceremonyId: ctx.ceremonyId, at, note: c.note });
      }
    }
    return { outputs: revocationOutputs(previous, split, plan) };
  },
};

function planRevocation(ctx: ActionContext, p: RevokeParams): { previous: PreviousSet; split: EventBody<"escrow.split">; plan: OldCardPlan } {
  const events = ctx.events();
  const previous = checkedPreviousSet(events, p.keyLabel);
  const split = recordedSplit(ctx, p.keyLabel);
  const splitAt = lastEventOfType(events, "escrow.split", (e) => e.body.keyLabel === p.keyLabel)!.seq;
  const trial = lastEventOfType(events, "escrow.trial-recovered", (e) => e.body.keyLabel === p.keyLabel && e.seq > splitAt);
  if (!trial || trial.body.kcvEcb0.toUpperCase() !== split.kcvEcb0.toUpperCase() || trial.body.kcvCmac.toUpperCase() !== split.kcvCmac.toUpperCase()) {
    throw new ReEscrowError(
      "REESCROW_NEW_SET_UNPROVEN",
      `No trial recovery has proven that the new set ${formatSetId(split.setId)} restores ${p.keyLabel}; the old set is revoked only after one has. Run the trial recovery step first.`,
    );
  }
  const known = ctx.inventory.escrowSet(previous.setId)?.cards ?? [];
  return { previous, split, plan: planOldCards(oldCardCopies(previous, known), p, ctx.ceremonyId) };
}

function cardList(cards: readonly KeyCopy[]): string {
  return cards.map((c) => (c.kind === "card" ? `card ${c.card} (${c.holder})` : "")).join(", ");
}

function revocationOutputs(previous: PreviousSet, split: EventBody<"escrow.split">, plan: OldCardPlan): Record<string, OutputValue> {
  const outputs: Record<string, OutputValue> = {
    revoked: { label: "Revoked", kind: "text", value: `set ${formatSetId(previous.setId)} of ${previous.keyLabel} (${previous.k} of ${previous.n} cards, split by ${previous.splitByCeremonyId})` },
    supersededBy: {
      label: "Superseded by",
      kind: "text",
      value: `set ${formatSetId(split.setId)} (${split.k} of ${split.n} cards) and its wrapped key ${formatFingerprintPrefix(split.wrappedSha256)}, in this ceremony's bundle`,
    },
    collected: { label: "Old cards destroyed here", kind: "text", value: plan.collected.length ? cardList(plan.collected) : "none" },
  };
  if (plan.lost.length) outputs.lost = { label: "Old cards lost or exposed", kind: "text", value: cardList(plan.lost) };
  outputs.outstanding = {
    label: "Old cards still out",
    kind: "text",
    value: plan.outstanding.length ? `${cardList(plan.outstanding)}: collect and destroy them; each is a card of a revoked set` : "none",
  };
  return outputs;
}
