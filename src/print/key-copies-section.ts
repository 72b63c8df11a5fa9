/**
 * The key-copies section the witness sheet and the transcript summary share for a destruction
 * (docs/architecture.md, "Key copies"): the verdict in a band that cannot be missed, then every
 * copy with what became of it. PARTLY DESTROYED is printed white on black, like ABORTED, so a
 * photocopy keeps it.
 */
import { verdictText } from "../common/key-copies.ts";
import { SAFE } from "./page-geometry.ts";
import type { PageFlow } from "./page-flow.ts";
import type { Pdf } from "./pdf-document.ts";
import { BODY, drawSectionHeading } from "./sheet-sections.ts";
import { drawTable } from "./table.ts";
import { drawLine, lineHeight, wrapToWidth, type Type } from "./text-fit.ts";
import type { PrintedKeyCopies } from "./key-copies-input.ts";

const VERDICT: Type = { font: "Helvetica-Bold", size: 14 };

export function drawKeyCopies(doc: Pdf, flow: PageFlow, input: PrintedKeyCopies): void {
  const left = input.copies.filter((c) => c.remains);
  drawSectionHeading(doc, flow, `Copies of ${input.label}`, 80);
  const headline = `${input.label}: ${verdictText(input.verdict)}`;
  const detail =
    left.length === 0
      ? `All ${input.copies.length} copies listed are accounted for.`
      : `${left.length} of ${input.copies.length} copies remain (marked REMAINS below): the key is not destroyed until each is accounted for.`;
  const lines = wrapToWidth(doc, BODY, detail, SAFE.width - 20, 3);
  const height = lineHeight(VERDICT) + lines.length * lineHeight(BODY) + 14;
  flow.ensure(height);
  const inverse = input.verdict !== "destroyed";
  doc.save();
  if (inverse) doc.rect(SAFE.left, flow.y, SAFE.width, height).fill("black");
  else doc.lineWidth(2).rect(SAFE.left, flow.y, SAFE.width, height).stroke("black");
  doc.restore();
  const color = inverse ? "white" : "black";
  drawLine(doc, VERDICT, headline, SAFE.left + 10, flow.y + 6, { color });
  lines.forEach((line, i) => drawLine(doc, BODY, line, SAFE.left + 10, flow.y + 8 + lineHeight(VERDICT) + i * lineHeight(BODY), { color }));
  flow.y += height + 8;
  drawTable(
    doc,
    flow,
    [
      { header: "", weight: 1.1 },
      { header: "Copy", weight: 5, maxLines: 4 },
      { header: "What became of it", weight: 4, maxLines: 3 },
    ],
    input.copies.map((c) => [c.remains ? "REMAINS" : "gone", c.what, c.fate]),
  );
  flow.y += 14;
}
