import type { Pdf } from "./pdf-document.ts";

/** The built-in PDF fonts the documents use. */
export type FontName = "Helvetica" | "Helvetica-Bold" | "Helvetica-Oblique" | "Courier" | "Courier-Bold";

/**
 * Text widths as pdfkit measures them in its standard fonts, but cheap to ask for again and again.
 *
 * pdfkit's width of a string is a sum of whole numbers — per character, the glyph's advance plus
 * the kerning with the next glyph, in 1/1000 em from the font's AFM metrics — scaled by the size
 * at the end. Fitting text measures the same words over and over (each candidate line, each cut of
 * a long name), and pdfkit pays a string concatenation and a dictionary lookup per character pair
 * every time. Here each font's advances and kerning pairs are learnt once per process, from pdfkit
 * itself (one character alone, then a pair), and widths are kept in whole units, so sums are exact
 * and `unitsToPoints` scales them the way doc.widthOfString does: every width equals pdfkit's to
 * the last bit, and no fitting decision, hence no printed page, changes.
 */
export class FontUnits {
  private readonly advances = new Map<number, number>();
  /** Keyed by left * 0x10000 + right (UTF-16 code units, as pdfkit reads strings). */
  private readonly kerning = new Map<number, number>();

  constructor(readonly font: FontName) {}

  /** Width of `text` in 1/1000 em, kerning included. `doc` has this font selected at `size`, and keeps it. */
  units(doc: Pdf, size: number, text: string): number {
    let sum = 0;
    let previous = -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      sum += this.advance(doc, size, code);
      if (previous >= 0) sum += this.kern(doc, size, previous, code);
      previous = code;
    }
    return sum;
  }

  /** Units of `left + right`, given the units of each: adds the kerning across the join. */
  joined(doc: Pdf, size: number, left: string, leftUnits: number, right: string, rightUnits: number): number {
    if (left.length === 0 || right.length === 0) return leftUnits + rightUnits;
    return leftUnits + this.kern(doc, size, left.charCodeAt(left.length - 1), right.charCodeAt(0)) + rightUnits;
  }

  advance(doc: Pdf, size: number, code: number): number {
    let units = this.advances.get(code);
    if (units === undefined) {
      units = this.learn(doc, size, String.fromCharCode(code));
      this.advances.set(code, units);
    }
    return units;
  }

  kern(doc: Pdf, size: number, left: number, right: number): number {
    const key = left * 0x10000 + right;
    let units = this.kerning.get(key);
    if (units === undefined) {
      units = this.learn(doc, size, String.fromCharCode(left, right)) - this.advance(doc, size, left) - this.advance(doc, size, right);
      this.kerning.set(key, units);
    }
    return units;
  }

  /** pdfkit's width of `text` at 1000 pt is its width in units, exactly (whole numbers times 1). */
  private learn(doc: Pdf, size: number, text: string): number {
    const units = doc.font(this.font).fontSize(1000).widthOfString(text);
    doc.fontSize(size);
    if (!Number.isInteger(units)) throw new Error(`internal invariant broken: ${this.font} gave a fractional width (${units}) at 1000 pt`);
    return units;
  }
}

const FONTS = new Map<FontName, FontUnits>();

export function fontUnits(font: FontName): FontUnits {
  let units = FONTS.get(font);
  if (units === undefined) {
    units = new FontUnits(font);
    FONTS.set(font, units);
  }
  return units;
}

/**
 * Units at `size` in points, computed as pdfkit computes doc.widthOfString (scale by size/1000,
 * then by a horizontal scaling of 100 %), so that comparisons with a width give the same answer.
 */
export function unitsToPoints(units: number, size: number): number {
  return ((units * (size / 1000)) * 100) / 100;
}
