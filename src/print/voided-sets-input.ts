/** Card sets split and then voided, as the witness sheet and transcript summary receive them (voided-sets.ts draws them). */
import { PrintInputError } from "./errors.ts";
import { requireArray, requireHex, requireInteger, requireText } from "./validate.ts";

export interface PrintedVoidedSet {
  keyLabel: string;
  setId: string;
  /** The cards delivered before the set was voided (none when the first card jammed). */
  cards: ReadonlyArray<{ card: number; holderId: string; fingerprint: string }>;
  /** Participants (by id) who attested the cards were collected for destruction. */
  attesterIds: readonly string[];
}

export function validateVoidedSets(sets: readonly PrintedVoidedSet[] | undefined, participantIds: ReadonlySet<string>, path = "voidedCardSets"): void {
  if (sets === undefined) return;
  const known = (id: string, at: string): void => {
    if (!participantIds.has(id)) throw new PrintInputError(at, `names "${id}", who is not among the participants`);
  };
  requireArray(sets, path).forEach((s, i) => {
    requireText(s?.keyLabel, `${path}[${i}].keyLabel`, 200);
    requireHex(s.setId, `${path}[${i}].setId`);
    requireArray(s.cards, `${path}[${i}].cards`).forEach((c, j) => {
      requireInteger(c?.card, `${path}[${i}].cards[${j}].card`, 1, 255);
      known(c.holderId, `${path}[${i}].cards[${j}].holderId`);
      requireHex(c.fingerprint, `${path}[${i}].cards[${j}].fingerprint`, 64);
    });
    requireArray(s.attesterIds, `${path}[${i}].attesterIds`, 1).forEach((id, j) => known(id, `${path}[${i}].attesterIds[${j}]`));
  });
}
