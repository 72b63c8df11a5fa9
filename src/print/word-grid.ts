import type { Pdf } from "./pdf-document.ts";
import { drawLine, widthOf, type Type } from "./text-fit.ts";

/** How the numbered words of a share are laid out: large monospace, numbered, column by column. */
export interface WordGridPlan {
  columns: number;
  word: Type;
  number: Type;
  numberWidth: number;
  columnWidth: number;
  rowHeight: number;
}

const NUMBER_GAP = 7;
const CELL_PADDING = 8;

/**
 * Picks columns and type size (at most `maxSize`) for `words` in `width`: three columns up to 36 words, four beyond
 * (so long encodings stay on one card), then fewer columns or smaller type only when a word is too
 * long for its cell. Words are never cut: a truncated share word is a lost share.
 */
export function planWordGrid(doc: Pdf, words: readonly string[], width: number, maxSize = 15): WordGridPlan {
  const number: Type = { font: "Courier", size: 11 };
  const numberWidth = widthOf(doc, number, `${words.length}.`);
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), "");
  for (let size = maxSize; size >= 9; size -= 1) {
    const word: Type = { font: "Courier-Bold", size };
    const needed = CELL_PADDING * 2 + numberWidth + NUMBER_GAP + widthOf(doc, word, longest);
    for (let columns = words.length <= 36 ? 3 : 4; columns >= 1; columns -= 1) {
      if (needed <= width / columns) {
        return { columns, word, number, numberWidth, columnWidth: width / columns, rowHeight: size * 1.3 };
      }
    }
  }
  // MAX_WORD_LENGTH (share-card-input.ts) keeps every word within one 9 pt column of the safe area.
  throw new Error(`internal invariant broken: a ${longest.length}-character word does not fit ${width} pt`);
}

/**
 * Draws words[from .. from + rows*columns) column-major (1-10 down the first column, 11-20 down the
 * second), as holders read them back. A frame and thin rules between rows guide the eye across
 * without a grey fill. Returns the height drawn.
 */
export function drawWordGrid(
  doc: Pdf,
  plan: WordGridPlan,
  words: readonly string[],
  from: number,
  rows: number,
  x: number,
  y: number,
): number {
  const height = rows * plan.rowHeight;
  const width = plan.columns * plan.columnWidth;
  doc.save().lineWidth(0.4).strokeColor("black");
  for (let r = 1; r < rows; r++) doc.moveTo(x, y + r * plan.rowHeight).lineTo(x + width, y + r * plan.rowHeight);
  doc.stroke();
  doc.lineWidth(1);
  for (let c = 1; c < plan.columns; c++) doc.moveTo(x + c * plan.columnWidth, y).lineTo(x + c * plan.columnWidth, y + height);
  doc.rect(x, y, width, height).stroke();
  doc.restore();

  for (let c = 0; c < plan.columns; c++) {
    for (let r = 0; r < rows; r++) {
      const i = from + c * rows + r;
      const word = words[i];
      if (word === undefined) continue;
      const cellX = x + c * plan.columnWidth + CELL_PADDING;
      const baseline = y + r * plan.rowHeight + (plan.rowHeight - plan.word.size) / 2;
      drawLine(doc, plan.number, `${i + 1}.`, cellX, baseline + (plan.word.size - plan.number.size) * 0.75, {
        width: plan.numberWidth,
        align: "right",
      });
      drawLine(doc, plan.word, word, cellX + plan.numberWidth + NUMBER_GAP, baseline);
    }
  }
  return height;
}
