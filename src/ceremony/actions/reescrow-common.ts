/**
 * What the re-escrow ceremony's steps share (docs/architecture.md, "Re-escrow"): the old card set
 * as the check step recorded it, and the old cards the officer says were handed in or lost,
 * matched against that set the way the destruction ceremony matches cards (number and the share
 * fingerprint printed on the card).
 */
import type { CardCopy } from "../../common/key-copies.ts";
import { formatFingerprintPrefix } from "../../common/index.ts";
import { CeremonyError } from "../../errors.ts";
import { type EventBody, lastEventOfType, type RecordedEvent } from "../../events/index.ts";
import { KeyCopiesError, matchDeclarations } from "./key-copies-common.ts";

export class ReEscrowError extends CeremonyError {}

export const REESCROW_TRIGGERS = ["holder-left", "card-lost", "card-exposed", "holders-changed"] as const;
export type ReEscrowTrigger = (typeof REESCROW_TRIGGERS)[number];

/** The trigger in words, for screens and paper. */
export const TRIGGER_WORDS: Record<ReEscrowTrigger, string> = {
  "holder-left": "a share holder left",
  "card-lost": "a card was lost",
  "card-exposed": "a card was exposed",
  "holders-changed": "the share holders changed",
};

export type PreviousSet = EventBody<"escrow.previous.checked">;

/**
 * What the check step says becomes of an old card: in its output's sentence, and in the few words
 * of the witness view's table of old cards (src/api/views.ts reads the sentence back into these).
 */
export const OLD_CARD_FATES = {
  collect: { sentence: "to be handed in and destroyed in this ceremony", short: "to destroy" },
  lost: { sentence: "declared LOST or exposed: its status stays unknown", short: "LOST or exposed" },
  out: { sentence: "NOT handed in: it stays out, a card of a revoked set", short: "NOT handed in" },
} as const;

/** The check step's output for one old card: "Hana Sato, share fingerprint DFA5 1BFB 38A1 4F2A…: " and its fate. */
export function oldCardOutputPrefix(card: { holder: string; fingerprint: string }): string {
  return `${card.holder}, share fingerprint ${formatFingerprintPrefix(card.fingerprint)}: `;
}

/** The old set checked earlier in this ceremony, or an error naming the step that checks it. */
export function checkedPreviousSet(events: readonly RecordedEvent[], keyLabel: string): PreviousSet {
  const e = lastEventOfType(events, "escrow.previous.checked", (x) => x.body.keyLabel === keyLabel);
  if (!e) {
    throw new ReEscrowError("REESCROW_PREVIOUS_NOT_CHECKED", `The card set being replaced for "${keyLabel}" has not been checked in this ceremony; the step that checks it comes first.`);
  }
  return e.body;
}

/** The old set's cards as copies of the key (present unless the inventory says otherwise). */
export function oldCardCopies(previous: Pick<PreviousSet, "setId" | "cards">, known: readonly CardCopy[] = []): CardCopy[] {
  return previous.cards.map((c) => {
    const fate = known.find((k) => k.setId.toLowerCase() === previous.setId.toLowerCase() && k.card === c.card);
    return fate ?? { kind: "card", setId: previous.setId, card: c.card, holder: c.holder, fingerprint: c.fingerprint, status: "present", by: null, at: null, note: null };
  });
}

export interface OldCardPlan {
  collected: CardCopy[];
  lost: CardCopy[];
  /** Neither handed in nor declared lost: still out, with the holder named. */
  outstanding: CardCopy[];
}

/**
 * The officer's declarations about the old cards, read against the old set: each must name one of
 * its cards by number and share fingerprint, once. A card already destroyed by another ceremony
 * cannot be declared again.
 */
export function planOldCards(cards: readonly CardCopy[], declared: { cardsCollected: readonly string[]; cardsLost: readonly string[] }, ceremonyId: string): OldCardPlan {
  let m;
  try {
    m = matchDeclarations(cards, { cardsCollected: declared.cardsCollected, cardsLost: declared.cardsLost, wrappedKeysDestroyed: [], tokenCopiesDeclared: [] }, "");
  } catch (e) {
    if (!(e instanceof KeyCopiesError)) throw e;
    throw new ReEscrowError("REESCROW_CARDS_DECLARED", `${e.message.replace("this key's escrow sets", "the set being replaced")} Nothing was made.`, { cause: e });
  }
  for (const c of [...m.collected, ...m.lost]) {
    if (c.status === "collected-and-destroyed" && c.by !== ceremonyId) {
      throw new ReEscrowError("REESCROW_CARD_ALREADY_DESTROYED", `Card ${c.card} of the old set (held by ${c.holder}) was already collected and destroyed by ${c.by}; take it out of the parameters.`);
    }
  }
  const named = new Set([...m.collected, ...m.lost].map((c) => c.card));
  return { collected: m.collected, lost: m.lost, outstanding: cards.filter((c) => !named.has(c.card) && c.status !== "collected-and-destroyed") };
}
