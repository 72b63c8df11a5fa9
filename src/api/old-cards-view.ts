/**
 * A re-escrow's old card set as one table for the witness view (docs/architecture.md,
 * "Re-escrow"): a set holds up to 16 cards, and one read-aloud block per card does not fit a
 * 1920×1080 projector. The table is read from the journal: the cards from the check step's
 * escrow.previous.checked, their fates from that step's outputs (the plan) or, once the old set
 * is revoked, from escrow.set.revoked (what was recorded).
 */
import type { z } from "zod";
import { OLD_CARD_FATES, oldCardOutputPrefix } from "../ceremony/actions/reescrow-common.ts";
import { type OutputValue, type RecordedEvent, lastEventOfType } from "../events/index.ts";
import { formatHex, formatSetId } from "../common/index.ts";
import type { StepView } from "./contract.ts";

type OldCardsView = z.output<typeof StepView>["oldCards"];
type Row = NonNullable<OldCardsView>["rows"][number];
type Tone = Row["tone"];

const PLANNED_TONE: Record<keyof typeof OLD_CARD_FATES, Tone> = { collect: "destroy", lost: "lost", out: "out" };

/** The check step's outputs that one table stands for: one per old card. */
function cardOutputName(card: number): string {
  return `card${card}`;
}

/**
 * For the step checking the old set (once it has run) and for the step revoking it (with the
 * check step's plan until it has run, then with what it recorded); null for any other step.
 */
export function oldCardsView(
  action: string,
  stepOutputs: Readonly<Record<string, OutputValue>>,
  checkOutputs: Readonly<Record<string, OutputValue>>,
  events: readonly RecordedEvent[],
): OldCardsView {
  if (action !== "escrow.check-previous" && action !== "escrow.revoke-previous") return null;
  const previous = lastEventOfType(events, "escrow.previous.checked")?.body;
  if (!previous) return null;
  const cards = [...previous.cards].sort((a, b) => a.card - b.card);
  const planned = (c: (typeof cards)[number]): Row => {
    const value = checkOutputs[cardOutputName(c.card)]?.value ?? "";
    const prefix = oldCardOutputPrefix(c);
    const sentence = value.startsWith(prefix) ? value.slice(prefix.length) : value;
    const kind = (Object.keys(OLD_CARD_FATES) as Array<keyof typeof OLD_CARD_FATES>).find((k) => OLD_CARD_FATES[k].sentence === sentence);
    return { card: c.card, holder: c.holder, fingerprint: printedPrefix(c.fingerprint), fate: kind ? OLD_CARD_FATES[kind].short : sentence, tone: kind ? PLANNED_TONE[kind] : "other" };
  };
  const setId = formatSetId(previous.setId);

  if (action === "escrow.check-previous") {
    if (!cards.some((c) => stepOutputs[cardOutputName(c.card)])) return null;
    return { setId, recorded: true, replaces: cards.map((c) => cardOutputName(c.card)), rows: cards.map(planned) };
  }
  const revoked = Object.keys(stepOutputs).length > 0 ? lastEventOfType(events, "escrow.set.revoked", (e) => e.body.setId.toUpperCase() === previous.setId.toUpperCase())?.body : undefined;
  if (!revoked) {
    if (!cards.some((c) => checkOutputs[cardOutputName(c.card)])) return null;
    return { setId, recorded: false, replaces: [], rows: cards.map(planned) };
  }
  const rows = cards.map((c): Row => {
    const base = { card: c.card, holder: c.holder, fingerprint: printedPrefix(c.fingerprint) };
    if (revoked.collected.includes(c.card)) return { ...base, fate: "destroyed", tone: "destroy" };
    if (revoked.lost.includes(c.card)) return { ...base, fate: OLD_CARD_FATES.lost.short, tone: "lost" };
    if (revoked.outstanding.includes(c.card)) return { ...base, fate: OLD_CARD_FATES.out.short, tone: "out" };
    // Accounted for by an earlier ceremony: the check step said how.
    return planned(c);
  });
  return { setId, recorded: true, replaces: ["collected", "lost", "outstanding"], rows };
}

/** The share fingerprint's first 16 hex digits, as the card prints them and the officer declares them. */
function printedPrefix(fingerprint: string): string {
  return formatHex(fingerprint.slice(0, 16));
}
