import { PAGE, SAFE } from "./page-geometry.ts";
import type { Pdf } from "./pdf-document.ts";
import { drawLine, setType, TextMeasure, type Type } from "./text-fit.ts";

const REHEARSAL_BAND_HEIGHT = 24;

/** The mark on share cards: a rehearsal card must never be mistaken for a share of a real key. */
export const SHARE_CARD_REHEARSAL_LABEL = "REHEARSAL — NOT A REAL SHARE";
/** The mark on witness sheets and transcript summaries. */
export const CEREMONY_REHEARSAL_LABEL = "REHEARSAL — NOT A REAL CEREMONY";

const BAND_TYPE: Type = { font: "Helvetica-Bold", size: 13 };
const EDGE_TYPE: Type = { font: "Helvetica-Bold", size: 9 };

/**
 * Marks the current page as a rehearsal: a solid black band across the top of the safe area with
 * the label in white, and the label repeated up both side margins. Solid black and white survive
 * photocopying, where a grey watermark would fade or smear; and nothing is drawn across the page
 * body, so the QR code and the words stay readable. Returns the height the band takes.
 */
export function drawRehearsalMarks(doc: Pdf, label: string): number {
  doc.save();
  doc.rect(SAFE.left, SAFE.top, SAFE.width, REHEARSAL_BAND_HEIGHT).fill("black");
  drawLine(doc, BAND_TYPE, label, SAFE.left, SAFE.top + (REHEARSAL_BAND_HEIGHT - BAND_TYPE.size) / 2 + 1, {
    width: SAFE.width,
    align: "center",
    color: "white",
  });
  doc.restore();
  drawEdgeText(doc, label, 27, -90);
  drawEdgeText(doc, label, PAGE.width - 27, 90);
  return REHEARSAL_BAND_HEIGHT;
}

/** The label repeated along a side margin, reading upwards on the left and downwards on the right. */
function drawEdgeText(doc: Pdf, label: string, x: number, angle: -90 | 90): void {
  const unit = `${label}   •   `;
  const run = SAFE.height;
  // As many units as fit the run: each one more adds its own width and the kerning across the seam.
  const measure = new TextMeasure(doc, EDGE_TYPE);
  const unitUnits = measure.unitsOf(unit);
  const step = measure.joined(unit, 0, unit, unitUnits);
  let count = 1;
  while (measure.fits(unitUnits + count * step, run)) count += 1;
  const text = unit.repeat(count).replace(/[\s•]+$/, "");
  const textWidth = measure.width(text);
  const start = (run - textWidth) / 2;
  doc.save();
  if (angle === -90) {
    doc.rotate(-90, { origin: [x, SAFE.bottom] });
    setType(doc, EDGE_TYPE).fillColor("black");
    doc.text(text, x + start, SAFE.bottom - EDGE_TYPE.size / 2, { lineBreak: false });
  } else {
    doc.rotate(90, { origin: [x, SAFE.top] });
    setType(doc, EDGE_TYPE).fillColor("black");
    doc.text(text, x + start, SAFE.top - EDGE_TYPE.size / 2, { lineBreak: false });
  }
  doc.restore();
}
