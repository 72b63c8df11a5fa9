/**
 * The card-sets section of a re-escrow's witness sheet and transcript summary (docs/architecture.md,
 * "Re-escrow"): a band saying which set is REVOKED and which supersedes it (white on black, like
 * ABORTED, so a photocopy keeps it), why, then both sets and every old card with its fate. Old
 * cards still out are marked STILL OUT with their holders, so the sheet says where they are.
 */
import { formatFingerprintPrefix, formatSetId } from "../common/index.ts";
import { SAFE } from "./page-geometry.ts";
import type { PageFlow } from "./page-flow.ts";
import type { Pdf } from "./pdf-document.ts";
import type { PrintedReEscrow } from "./reescrow-input.ts";
import { BODY, drawSectionHeading } from "./sheet-sections.ts";
import { drawTable } from "./table.ts";
import { drawLine, lineHeight, wrapToWidth, type Type } from "./text-fit.ts";

const BAND: Type = { font: "Helvetica-Bold", size: 14 };
const FATE_WORDS = { collected: "handed in and destroyed in front of the witnesses", lost: "declared LOST or exposed: fate unknown", outstanding: "NOT handed in: a card of a revoked set" } as const;

export function drawReEscrow(doc: Pdf, flow: PageFlow, input: PrintedReEscrow): void {
  const oldId = formatSetId(input.oldSet.setId);
  const newId = formatSetId(input.newSet.setId);
  drawSectionHeading(doc, flow, `Card sets of ${input.keyLabel}`, 90);
  const headline = input.revoked ? `Set ${oldId} REVOKED — superseded by set ${newId}` : `Set ${oldId} NOT revoked — the ceremony ended before it`;
  const detail = `Why: ${input.why}`;
  const lines = wrapToWidth(doc, BODY, detail, SAFE.width - 20, 3);
  const height = lineHeight(BAND) + lines.length * lineHeight(BODY) + 14;
  flow.ensure(height);
  doc.save();
  doc.rect(SAFE.left, flow.y, SAFE.width, height).fill("black");
  doc.restore();
  drawLine(doc, BAND, headline, SAFE.left + 10, flow.y + 6, { color: "white" });
  lines.forEach((line, i) => drawLine(doc, BODY, line, SAFE.left + 10, flow.y + 8 + lineHeight(BAND) + i * lineHeight(BODY), { color: "white" }));
  flow.y += height + 8;
  const set = (s: PrintedReEscrow["newSet"]): string => `${s.k} of ${s.n} cards; wrapped key SHA-256 ${formatFingerprintPrefix(s.wrappedSha256)}`;
  drawTable(
    doc,
    flow,
    [
      { header: "Card set", weight: 2.4 },
      { header: "Status", weight: 2 },
      { header: "Split", weight: 5, maxLines: 3 },
    ],
    [
      [oldId, input.revoked ? "REVOKED" : "still valid", `${set(input.oldSet)}; split by ${input.oldSet.splitBy}`],
      [newId, input.revoked ? "supersedes it" : "made here", `${set(input.newSet)}; split in this ceremony`],
    ],
  );
  flow.y += 6;
  drawTable(
    doc,
    flow,
    [
      { header: "", weight: 1.9 },
      { header: `Old card of set ${oldId}`, weight: 3.6, maxLines: 2 },
      { header: "Share fingerprint", weight: 3.3 },
      { header: "What became of it", weight: 4.6, maxLines: 3 },
    ],
    input.oldCards.map((c) => [c.fate === "collected" ? "gone" : "STILL OUT", `card ${c.card}, held by ${c.holder}`, formatFingerprintPrefix(c.fingerprint), FATE_WORDS[c.fate]]),
  );
  flow.y += 14;
}
