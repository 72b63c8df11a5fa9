/**
 * Voiding a card set (docs/architecture.md, "Voided card sets"). When a split must be redone — the
 * printer jammed on card 2 and the officer retries, or the process died while printing and the
 * ceremony resumed — the old set's escrow key is gone and its cards can never be completed, yet
 * some of them may already be in holders' hands. Before the step may make a new set, the screen
 * names the old set and every card of it already delivered, and the step's witnesses (two at
 * least: dual control) attest with their PINs that those cards were collected for destruction.
 */
import { formatFingerprintPrefix, formatSetId } from "../common/index.ts";
import { type EventBody, eventsOfType, type RecordedEvent } from "../events/index.ts";
import type { Journal } from "../journal/index.ts";
import type { Participant } from "./participants.ts";
import type { AttestationRule } from "./script-schema.ts";
import { attestationShortfall, type CardSet, type StepState } from "./state.ts";

/** The earlier card set of this step that must be voided before its action may run again, if any. */
export function cardSetToVoid(step: StepState): CardSet | null {
  if (step.actionStatus === "succeeded") return null;
  return step.cardSets.find((c) => !c.voided) ?? null;
}

/** The step's own attestation rule (its roles and count), but never fewer than two people. */
export function voidRule(rule: Pick<AttestationRule, "roles" | "count">): Pick<AttestationRule, "roles" | "count"> {
  return { roles: rule.roles, count: Math.max(2, rule.count) };
}

/** What is still missing before the set is void, or null when its attesters satisfy the rule. */
export function voidShortfall(rule: Pick<AttestationRule, "roles" | "count">, set: CardSet, participants: readonly Participant[]): string | null {
  return attestationShortfall(voidRule(rule), { attestations: set.voidAttesters.map((participantId) => ({ participantId })), performer: null }, participants);
}

/** The delivered cards of a set, each with its holder and share fingerprint, in card order. */
export function deliveredCards(set: CardSet): Array<{ card: number; participantId: string; holder: string; fingerprint: string }> {
  return [...new Set(set.delivered)]
    .sort((a, b) => a - b)
    .map((n) => set.cards.find((c) => c.card === n))
    .filter((c): c is CardSet["cards"][number] => c !== undefined);
}

/**
 * The sentences the officer reads out (terminal and screen say the same): which set is void, which
 * cards of it were delivered and must come back, and what the witnesses attest.
 */
export function voidNotice(set: CardSet): string[] {
  const cards = deliveredCards(set);
  const header = `Card set ${formatSetId(set.setId)} of ${set.keyLabel} is VOID: the split must be made again, and a new set with a new set ID will be printed.`;
  if (cards.length === 0) {
    return [header, "No card of this set was delivered. Collect any paper of it from the printer for destruction."];
  }
  return [
    header,
    `${cards.length} card${cards.length === 1 ? " of it was" : "s of it were"} delivered; collect ${cards.length === 1 ? "it" : "each"} for destruction, with any paper of this set left in the printer:`,
    ...cards.map((c) => `  card ${c.card}, held by ${c.holder} (share fingerprint ${formatFingerprintPrefix(c.fingerprint)})`),
  ];
}

/** The set IDs of the card sets voided in this ceremony. */
export function voidedSetIds(events: readonly RecordedEvent[]): Set<string> {
  return new Set(eventsOfType(events, "escrow.set.voided").map((e) => e.body.setId));
}

/** What a holder is told who brings a card of a voided set (to a read-back or a trial recovery). */
export function voidedCardMessage(whose: string, cardSetId: string, validSetId: string): string {
  return `${whose} is from set ${formatSetId(cardSetId)}, which was VOIDED in this ceremony when the split was made again: it is to be destroyed and recovers nothing. Use the card of set ${formatSetId(validSetId)}.`;
}

/**
 * The key inventory (docs/architecture.md, "Key copies") learns that a voided set's delivered
 * cards, and the wrapped key printed on each, were collected under witness for destruction: they
 * no longer count as copies of the key. Idempotent, so a resumed ceremony may repeat it.
 */
export function accountVoidedSet(
  journal: Pick<Journal, "recordEscrowSet" | "markEscrowCopy">,
  ceremonyId: string,
  split: { time: string; body: EventBody<"escrow.split"> },
  voided: { time: string; body: EventBody<"escrow.set.voided"> },
): void {
  const delivered = voided.body.deliveredCards;
  if (delivered.length === 0) return;
  const s = split.body;
  journal.recordEscrowSet({
    setId: s.setId,
    keyLabel: s.keyLabel,
    kcvEcb0: s.kcvEcb0,
    kcvCmac: s.kcvCmac,
    k: s.k,
    n: s.n,
    wrappedSha256: s.wrappedSha256,
    wrappedPath: s.wrappedPath,
    ceremonyId,
    recordedAt: split.time,
    cards: delivered.map((d) => ({ card: d.card, holder: s.cards.find((c) => c.card === d.card)?.holder ?? d.participantId, fingerprint: d.fingerprint })),
  });
  const fate = { status: "collected-and-destroyed" as const, ceremonyId, at: voided.time, note: "card set voided when the split was made again: collected under witness for destruction" };
  for (const d of delivered) journal.markEscrowCopy({ kind: "card", setId: s.setId, card: d.card }, fate);
  journal.markEscrowCopy({ kind: "wrapped-key", setId: s.setId }, fate);
}

/** Every set voided in this ceremony, accounted for in the key inventory (after a resume too). */
export function accountVoidedSets(journal: Pick<Journal, "recordEscrowSet" | "markEscrowCopy">, ceremonyId: string, events: readonly RecordedEvent[]): void {
  for (const v of eventsOfType(events, "escrow.set.voided")) {
    const split = eventsOfType(events, "escrow.split").find((e) => e.body.setId === v.body.setId);
    if (split) accountVoidedSet(journal, ceremonyId, split, v);
  }
}
