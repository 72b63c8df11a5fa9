/**
 * Card sets a ceremony split and then voided (a printer jam, a crash while printing), on the
 * witness sheet and the transcript summary: which cards of each were delivered before it was
 * voided and who attested that they were collected for destruction. On the witness sheet each card
 * also gets a box to initial once it has been destroyed.
 */
import { formatFingerprintPrefix, formatSetId } from "../common/index.ts";
import type { PageFlow } from "./page-flow.ts";
import type { Pdf } from "./pdf-document.ts";
import { drawParagraph, drawSectionHeading } from "./sheet-sections.ts";
import { drawTable, type TableColumn } from "./table.ts";
import type { Type } from "./text-fit.ts";
import type { PrintedVoidedSet } from "./voided-sets-input.ts";

const MONO_CELL: Type = { font: "Courier", size: 8.5 };

/**
 * The section: one row per delivered card (or one saying none was), with the attesters; with
 * `destroyedBoxes`, an empty column to initial when the card has been destroyed.
 */
export function drawVoidedSets(doc: Pdf, flow: PageFlow, sets: readonly PrintedVoidedSet[], names: ReadonlyMap<string, string>, destroyedBoxes: boolean): void {
  if (sets.length === 0) return;
  const name = (id: string): string => names.get(id) ?? id;
  drawSectionHeading(doc, flow, "Voided card sets", 80);
  drawParagraph(
    doc,
    flow,
    "Each set below was split and then made again with a new set ID: it is VOID and no card of it can recover the key with the valid set. " +
      "Its delivered cards were collected for destruction, attested by the witnesses named." +
      (destroyedBoxes ? " When you have seen a card destroyed, write your initials and the time in its Destroyed box." : ""),
  );
  flow.y += 4;
  const columns: TableColumn[] = [
    { header: "Void set", weight: 1.9, type: MONO_CELL, maxLines: 2 },
    { header: "Key", weight: 1.2, maxLines: 2 },
    { header: "Card", weight: 0.8 },
    { header: "Held by", weight: 1.6, maxLines: 2 },
    { header: "Fingerprint", weight: 2, type: MONO_CELL, maxLines: 2 },
    { header: "Attested collected by", weight: 2.8, maxLines: 4 },
    ...(destroyedBoxes ? [{ header: "Destroyed", weight: 1.6 }] : []),
  ];
  const rows = sets.flatMap((s) => {
    const attesters = s.attesterIds.map(name).join(", ");
    const base = (card: string, holder: string, fingerprint: string): string[] => [formatSetId(s.setId), s.keyLabel, card, holder, fingerprint, attesters, ...(destroyedBoxes ? [""] : [])];
    if (s.cards.length === 0) return [base("none", "no card was delivered", "")];
    return s.cards.map((c) => base(String(c.card), name(c.holderId), formatFingerprintPrefix(c.fingerprint)));
  });
  drawTable(doc, flow, columns, rows);
  flow.y += 14;
}
