/** What the escrow actions share: the recorded split, and checking typed shares against it. */
import { formatSetId } from "../../common/index.ts";
import { CeremonyError, wipe } from "../../errors.ts";
import { decodeShare, wipeDecodedShares, type DecodedShare } from "../../escrow/index.ts";
import { type EventBody, type RecordedEvent, eventsOfType, lastEventOfType } from "../../events/index.ts";
import type { ActionContext, ShareInput } from "../action-api.ts";
import { voidedCardMessage } from "../card-set-void.ts";
import type { Participant } from "../participants.ts";

/** The escrow.split event's body: the split as the journal recorded it. */
export type RecordedSplit = EventBody<"escrow.split">;

export class ShareReadBackError extends CeremonyError {}

/** Holders (participant IDs) whose card of this split was read back and matched, as journaled. */
export function journaledReadBacks(events: readonly RecordedEvent[], split: RecordedSplit): Set<string> {
  return new Set(eventsOfType(events, "share.read-back").filter((e) => e.body.setId === split.setId && e.body.keyLabel === split.keyLabel).map((e) => e.body.participantId));
}

/** The most recent split of this key in this ceremony (a rerun after a crash supersedes older ones). */
export function recordedSplit(ctx: Pick<ActionContext, "events">, keyLabel: string): RecordedSplit {
  const e = lastEventOfType(ctx.events(), "escrow.split", (x) => x.body.keyLabel === keyLabel);
  if (!e) {
    throw new ShareReadBackError("ESCROW_NOT_SPLIT", `No escrow split of "${keyLabel}" is recorded in this ceremony; run the escrow step first.`);
  }
  return e.body;
}

/**
 * Decodes one holder's typed or scanned share and checks it is exactly the share recorded for
 * that holder's card. The decoded payload is wiped before returning.
 */
export function checkHolderShare(split: RecordedSplit, holder: Participant, text: string, voided: ReadonlySet<string> = new Set()): { card: number; fingerprint: string } {
  const card = split.cards.find((c) => c.participantId === holder.id);
  if (!card) throw new ShareReadBackError("SHARE_HOLDER_UNKNOWN", `${holder.name} holds no card of this split.`);
  const decoded = decodeShare(text, { label: `${holder.name}'s card` });
  try {
    if (decoded.setId !== split.setId && voided.has(decoded.setId)) {
      throw new ShareReadBackError("SHARE_WRONG_SET", voidedCardMessage(`${holder.name}'s card`, decoded.setId, split.setId));
    }
    if (decoded.setId !== split.setId) {
      throw new ShareReadBackError(
        "SHARE_WRONG_SET",
        `${holder.name}'s card belongs to set ${formatSetId(decoded.setId)}, not to this ceremony's set ${formatSetId(split.setId)}. Check that it is the card printed today.`,
      );
    }
    if (decoded.fingerprint !== card.fingerprint) {
      const other = split.cards.find((c) => c.fingerprint === decoded.fingerprint);
      throw new ShareReadBackError(
        "SHARE_WRONG_CARD",
        other
          ? `That is card ${other.card} (${other.holder}'s), not ${holder.name}'s card ${card.card}. Each holder reads back their own card.`
          : `${holder.name}'s card does not match what was printed for card ${card.card}. Read it again, word by word.`,
      );
    }
    return { card: card.card, fingerprint: decoded.fingerprint };
  } finally {
    wipe(decoded.payload);
  }
}

/** Decodes shares for a recovery, naming each by its holder; the caller wipes them. */
export function decodeShares(ctx: Pick<ActionContext, "participants">, inputs: ShareInput[] | undefined): DecodedShare[] {
  if (!inputs?.length) throw new ShareReadBackError("SHARES_MISSING", "No shares were entered. Each holder types or scans their card.");
  const decoded: DecodedShare[] = [];
  try {
    for (const [i, s] of inputs.entries()) {
      const who = ctx.participants.find((p) => p.id === s.participantId);
      decoded.push(decodeShare(s.text, { label: who ? `${who.name}'s card` : `share ${i + 1}` }));
    }
    return decoded;
  } catch (e) {
    wipeDecodedShares(decoded);
    throw e;
  }
}
