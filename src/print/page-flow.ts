import { SAFE } from "./page-geometry.ts";
import type { Pdf } from "./pdf-document.ts";
import { drawRehearsalMarks } from "./rehearsal-mark.ts";
import { drawLine, lineHeight, truncateToWidth, type Type } from "./text-fit.ts";

const RUNNING_HEAD: Type = { font: "Helvetica-Bold", size: 9 };
const FOOTER: Type = { font: "Helvetica", size: 8 };
const FOOTER_HEIGHT = 24;

export interface PageFlowOptions {
  /** Printed in the black band on every page when set. */
  rehearsalLabel?: string;
  /** Small line at the top of every page after the first, so a loose page says what it belongs to. */
  runningHead: string;
  /** Left part of every page's footer; "page p of P" is added on the right. */
  footer: string;
  /** Lines printed above the footer on every page (hashes that bind a loose page to its ceremony). */
  footerLines?: readonly string[];
}

const FOOTER_LINE: Type = { font: "Courier", size: 7.5 };

/**
 * A cursor down the safe area of a multi-page document. Content asks for room with `ensure`; when
 * a block would cross the bottom, it starts on a new page, which gets the rehearsal marks and the
 * running head first. `finish` numbers the pages once their count is known.
 */
export class PageFlow {
  y: number = SAFE.top;
  private pageCount = 0;

  constructor(
    private readonly doc: Pdf,
    private readonly options: PageFlowOptions,
  ) {}

  /** Lowest y content may reach; the footer lives below it. */
  get bottom(): number {
    return SAFE.bottom - FOOTER_HEIGHT - (this.options.footerLines?.length ?? 0) * lineHeight(FOOTER_LINE);
  }

  newPage(): void {
    this.doc.addPage();
    this.pageCount += 1;
    this.y = SAFE.top;
    if (this.options.rehearsalLabel !== undefined) {
      this.y += drawRehearsalMarks(this.doc, this.options.rehearsalLabel) + 10;
    }
    if (this.pageCount > 1) {
      drawLine(this.doc, RUNNING_HEAD, truncateToWidth(this.doc, RUNNING_HEAD, this.options.runningHead, SAFE.width), SAFE.left, this.y);
      this.y += RUNNING_HEAD.size + 4;
      this.doc.moveTo(SAFE.left, this.y).lineTo(SAFE.right, this.y).lineWidth(0.5).stroke("black");
      this.y += 10;
    }
  }

  /** Makes sure `height` points fit below the cursor; returns true when that took a new page. */
  ensure(height: number): boolean {
    if (this.pageCount > 0 && this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  /** Room left on the current page. */
  get remaining(): number {
    return this.bottom - this.y;
  }

  finish(): void {
    const range = this.doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      this.doc.switchToPage(range.start + i);
      const y = SAFE.bottom - FOOTER.size;
      const lines = this.options.footerLines ?? [];
      lines.forEach((line, j) => {
        const lineY = y - 7 - (lines.length - j) * lineHeight(FOOTER_LINE);
        drawLine(this.doc, FOOTER_LINE, truncateToWidth(this.doc, FOOTER_LINE, line, SAFE.width), SAFE.left, lineY);
      });
      this.doc.moveTo(SAFE.left, y - 5).lineTo(SAFE.right, y - 5).lineWidth(0.5).stroke("black");
      drawLine(this.doc, FOOTER, truncateToWidth(this.doc, FOOTER, this.options.footer, SAFE.width - 90), SAFE.left, y);
      drawLine(this.doc, FOOTER, `page ${i + 1} of ${range.count}`, SAFE.right - 80, y, { width: 80, align: "right" });
    }
  }
}
