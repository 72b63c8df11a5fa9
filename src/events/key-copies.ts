/**
 * The fate of every copy of a key, folded from one destruction ceremony's events: the copies
 * listed (key.copies.listed), the copy on the ceremony's own token destroyed (key.destroyed), and
 * each other copy accounted for (key.copy.accounted). The ceremony writes its verdict from this
 * fold, and verify recomputes it, so a transcript cannot say "destroyed" while a copy it lists
 * is left (docs/architecture.md, "Key copies").
 */
import { type CopiesVerdict, copiesVerdict, copyIdentity, type KeyCopy } from "../common/key-copies.ts";
import { type EventBody, type RecordedEvent, eventsOfType, lastEventOfType } from "./index.ts";

export interface FoldedKeyCopies {
  label: string;
  copies: KeyCopy[];
  verdict: CopiesVerdict;
}

/** Null when the ceremony listed no copies (a destruction from before copies were tracked). */
export function foldKeyCopies(events: readonly RecordedEvent[]): FoldedKeyCopies | null {
  const listed = lastEventOfType(events, "key.copies.listed");
  if (!listed) return null;
  const label = listed.body.label;
  const copies: KeyCopy[] = listed.body.copies.map((c) => ({ ...c }));
  const at = new Map(copies.map((c, i) => [copyIdentity(c), i]));
  const token = lastEventOfType(events, "hsm.token.selected");
  for (const e of eventsOfType(events, "key.destroyed")) {
    if (e.body.label !== label || !token) continue;
    const i = at.get(`token:${token.body.serial}:${e.body.id.toLowerCase()}`);
    if (i !== undefined) copies[i] = { ...copies[i]!, status: "destroyed", by: e.ceremonyId, at: e.time, note: null };
  }
  for (const e of eventsOfType(events, "key.copy.accounted")) {
    if (e.body.label !== label) continue;
    const i = at.get(copyIdentity(e.body.copy));
    if (i !== undefined) copies[i] = e.body.copy;
  }
  return { label, copies, verdict: copiesVerdict(copies) };
}

/** An escrow set as a ceremony's events show it, with the cards that left the printer. */
export interface DeliveredEscrowSet {
  ceremonyId: string;
  keyLabel: string;
  setId: string;
  k: number;
  n: number;
  kcvEcb0: string;
  kcvCmac: string;
  wrappedSha256: string;
  wrappedPath: string;
  /** When its first card was delivered. */
  at: string;
  cards: Array<{ card: number; holder: string; fingerprint: string }>;
}

type SplitOrDelivery = Pick<RecordedEvent, "ceremonyId" | "time"> &
  (
    | { type: "escrow.split"; body: EventBody<"escrow.split"> }
    | { type: "escrow.card.delivered"; body: EventBody<"escrow.card.delivered"> }
    | { type: "escrow.set.voided"; body: EventBody<"escrow.set.voided"> }
    | { type: string; body: unknown }
  );

/**
 * The escrow sets whose cards were delivered, from events in order (one ceremony's, or a whole
 * journal's ordered by ceremony and seq): a card is a copy of the key once escrow.card.delivered
 * follows its split; a split rerun after a crash whose cards never left is no copy, and neither
 * is a set voided in its ceremony (escrow.set.voided: its delivered cards were collected under
 * witness for destruction before the split was made again).
 */
export function deliveredEscrowSets(events: Iterable<SplitOrDelivery>): DeliveredEscrowSet[] {
  const latest = new Map<string, EventBody<"escrow.split">>();
  const sets = new Map<string, DeliveredEscrowSet>();
  const voided = new Set<string>();
  for (const e of events) {
    if (e.type === "escrow.set.voided") {
      voided.add((e.body as EventBody<"escrow.set.voided">).setId.toLowerCase());
      continue;
    }
    if (e.type === "escrow.split") {
      const body = e.body as EventBody<"escrow.split">;
      latest.set(`${e.ceremonyId}\u0000${body.keyLabel}`, body);
      continue;
    }
    if (e.type !== "escrow.card.delivered") continue;
    const delivered = e.body as EventBody<"escrow.card.delivered">;
    const split = latest.get(`${e.ceremonyId}\u0000${delivered.keyLabel}`);
    const card = split?.cards.find((c) => c.card === delivered.card);
    if (!split || !card) continue;
    const setId = split.setId.toLowerCase();
    const set = sets.get(setId) ?? {
      ceremonyId: e.ceremonyId,
      keyLabel: split.keyLabel,
      setId,
      k: split.k,
      n: split.n,
      kcvEcb0: split.kcvEcb0.toUpperCase(),
      kcvCmac: split.kcvCmac.toUpperCase(),
      wrappedSha256: split.wrappedSha256,
      wrappedPath: split.wrappedPath,
      at: e.time,
      cards: [],
    };
    if (!set.cards.some((c) => c.card === card.card)) set.cards.push({ card: card.card, holder: card.holder, fingerprint: card.fingerprint });
    sets.set(setId, set);
  }
  return [...sets.values()].filter((s) => !voided.has(s.setId));
}
