import { SAFE } from "./page-geometry.ts";
import type { PageFlow } from "./page-flow.ts";
import type { Pdf } from "./pdf-document.ts";
import { drawLine, lineHeight, truncateToWidth, wrapToWidth, type Type } from "./text-fit.ts";

export interface TableColumn {
  header: string;
  /** Share of the table width; the columns' shares are normalised to the full safe width. */
  weight: number;
  type?: Type;
  /** Lines a cell may wrap onto before it is cut with "…". */
  maxLines?: number;
}

const HEADER: Type = { font: "Helvetica-Bold", size: 8.5 };
const CELL: Type = { font: "Helvetica", size: 9.5 };
const PAD = 4;

/**
 * A ruled table across the safe width that breaks across pages, repeating its header on each new
 * page. Rules only, no shading, so it photocopies cleanly. A row never splits across pages.
 */
export function drawTable(doc: Pdf, flow: PageFlow, columns: readonly TableColumn[], rows: ReadonlyArray<readonly string[]>): void {
  const total = columns.reduce((sum, c) => sum + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * SAFE.width);
  const headerHeight = lineHeight(HEADER) + PAD;

  const drawHeader = (): void => {
    let x = SAFE.left;
    columns.forEach((c, i) => {
      drawLine(doc, HEADER, truncateToWidth(doc, HEADER, c.header.toUpperCase(), (widths[i] ?? 0) - 2 * PAD), x + PAD, flow.y);
      x += widths[i] ?? 0;
    });
    flow.y += headerHeight;
    doc.moveTo(SAFE.left, flow.y - 2).lineTo(SAFE.right, flow.y - 2).lineWidth(1.2).stroke("black");
  };

  const cellLines = rows.map((row) =>
    columns.map((c, i) => wrapToWidth(doc, c.type ?? CELL, row[i] ?? "", (widths[i] ?? 0) - 2 * PAD, c.maxLines ?? 3)),
  );
  const rowHeights = cellLines.map((cells) =>
    Math.max(...cells.map((lines, i) => Math.max(1, lines.length) * lineHeight(columns[i]?.type ?? CELL))) + 2 * PAD,
  );

  flow.ensure(headerHeight + (rowHeights[0] ?? 0));
  drawHeader();
  cellLines.forEach((cells, r) => {
    const height = rowHeights[r] ?? 0;
    if (flow.ensure(height)) drawHeader();
    let x = SAFE.left;
    cells.forEach((lines, i) => {
      const type = columns[i]?.type ?? CELL;
      lines.forEach((line, l) => drawLine(doc, type, line, x + PAD, flow.y + PAD + l * lineHeight(type)));
      x += widths[i] ?? 0;
    });
    flow.y += height;
    doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(0.5).stroke("black");
  });
}
