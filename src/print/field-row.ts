import type { Pdf } from "./pdf-document.ts";
import { drawLine, lineHeight, truncateToWidth, wrapToWidth, type Type } from "./text-fit.ts";

const LABEL: Type = { font: "Helvetica-Bold", size: 8.5 };
const NOTE: Type = { font: "Helvetica", size: 7.5 };

/**
 * A label on the left (with an optional note under it) and one or more value lines on the right.
 * The caller breaks values into lines (hex groups, wrapped text); a line that is still too wide is
 * cut with "…" rather than run into the next column.
 */
export interface FieldRow {
  label: string;
  note?: string;
  lines: readonly string[];
  type: Type;
}

/** Row height: the taller of the label block and the value lines. */
export function measureFieldRow(doc: Pdf, row: FieldRow, labelWidth: number): number {
  return Math.max(labelBlockHeight(doc, row, labelWidth), row.lines.length * lineHeight(row.type));
}

/** Draws `row` with its top at y; returns its height (measureFieldRow). */
export function drawFieldRow(doc: Pdf, row: FieldRow, x: number, y: number, labelWidth: number, valueWidth: number): number {
  // Labels sit on the first value line's baseline, so the eye pairs them across the gap.
  const labelY = y + (row.type.size - LABEL.size) * 0.8;
  let ly = labelY;
  for (const line of wrapToWidth(doc, LABEL, row.label.toUpperCase(), labelWidth - 6, 2)) {
    drawLine(doc, LABEL, line, x, ly);
    ly += lineHeight(LABEL);
  }
  if (row.note !== undefined) {
    for (const line of wrapToWidth(doc, NOTE, row.note, labelWidth - 6, 2)) {
      drawLine(doc, NOTE, line, x, ly);
      ly += lineHeight(NOTE);
    }
  }
  row.lines.forEach((line, i) => {
    drawLine(doc, row.type, truncateToWidth(doc, row.type, line, valueWidth), x + labelWidth, y + i * lineHeight(row.type));
  });
  return measureFieldRow(doc, row, labelWidth);
}

function labelBlockHeight(doc: Pdf, row: FieldRow, labelWidth: number): number {
  const labelLines = wrapToWidth(doc, LABEL, row.label.toUpperCase(), labelWidth - 6, 2).length;
  const noteLines = row.note === undefined ? 0 : wrapToWidth(doc, NOTE, row.note, labelWidth - 6, 2).length;
  return (row.type.size - LABEL.size) * 0.8 + labelLines * lineHeight(LABEL) + noteLines * lineHeight(NOTE);
}
