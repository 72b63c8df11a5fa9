import { fontUnits, unitsToPoints, type FontName, type FontUnits } from "./font-metrics.ts";
import type { Pdf } from "./pdf-document.ts";
import { winAnsi } from "./win-ansi.ts";

/** A built-in font and size. */
export interface Type {
  font: FontName;
  size: number;
}

export function setType(doc: Pdf, type: Type): Pdf {
  return doc.font(type.font).fontSize(type.size);
}

/**
 * Widths of text in one type on one document, equal to doc.widthOfString (font-metrics.ts). Kept
 * in whole units, so a line can grow by a word, or shrink by a character, without measuring it
 * again from its start.
 */
export class TextMeasure {
  private readonly units: FontUnits;

  constructor(
    private readonly doc: Pdf,
    readonly type: Type,
  ) {
    // Selecting the font here, as measuring always has, keeps pdfkit's font numbering (F1, F2…) in
    // the order of first use, so a document comes out the same bytes.
    setType(doc, type);
    this.units = fontUnits(type.font);
  }

  unitsOf(text: string): number {
    return this.units.units(this.doc, this.type.size, text);
  }

  /** Units of `left + right` from the units of each. */
  joined(left: string, leftUnits: number, right: string, rightUnits: number): number {
    return this.units.joined(this.doc, this.type.size, left, leftUnits, right, rightUnits);
  }

  /** Units of `${left} ${right}` from the units of each: words joined into a line. */
  spaced(left: string, leftUnits: number, right: string, rightUnits: number): number {
    let units = leftUnits + this.units.advance(this.doc, this.type.size, SPACE) + rightUnits;
    if (left.length > 0) units += this.kern(left.charCodeAt(left.length - 1), SPACE);
    if (right.length > 0) units += this.kern(SPACE, right.charCodeAt(0));
    return units;
  }

  /** Kerning between two characters (UTF-16 code units), in units. */
  kern(left: number, right: number): number {
    return this.units.kern(this.doc, this.type.size, left, right);
  }

  fits(units: number, width: number): boolean {
    return unitsToPoints(units, this.type.size) <= width;
  }

  /**
   * Units of every prefix of `text`: prefixes[k] is the width of text.slice(0, k). One pass, so a
   * search for the longest part that fits costs no more than measuring the text once.
   */
  prefixUnits(text: string): number[] {
    const prefixes = [0];
    let sum = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      sum += this.units.advance(this.doc, this.type.size, code);
      if (i > 0) sum += this.units.kern(this.doc, this.type.size, text.charCodeAt(i - 1), code);
      prefixes.push(sum);
    }
    return prefixes;
  }

  width(text: string): number {
    return unitsToPoints(this.unitsOf(text), this.type.size);
  }
}

export function widthOf(doc: Pdf, type: Type, text: string): number {
  return new TextMeasure(doc, type).width(text);
}

/** One line at (x, y) that never wraps and never starts a page; `text` is made WinAnsi-safe. */
export function drawLine(
  doc: Pdf,
  type: Type,
  text: string,
  x: number,
  y: number,
  options: { width?: number; align?: "center" | "right"; color?: string } = {},
): void {
  setType(doc, type).fillColor(options.color ?? "black");
  const safe = winAnsi(text);
  // Aligned here, where pdfkit would align it: as pdfkit does (centre: half the width less half
  // the text's; right: the width less the text's without trailing spaces), but without giving
  // pdfkit a width, which sends every line through its line wrapper and line-break tables.
  let left = x;
  if (options.align !== undefined && options.width !== undefined) {
    const measure = new TextMeasure(doc, type);
    left = options.align === "center" ? x + options.width / 2 - measure.width(safe) / 2 : x + options.width - measure.width(safe.replace(/\s+$/, ""));
  }
  doc.text(safe, left, y, { lineBreak: false });
}

/** The largest size from `max` down to `min` (whole points) at which `text` fits `width`; `min` if none does. */
export function fitSize(doc: Pdf, font: FontName, text: string, width: number, max: number, min: number): number {
  // Units do not depend on the size: measure once, scale per size.
  const units = new TextMeasure(doc, { font, size: max }).unitsOf(winAnsi(text));
  for (let size = max; size > min; size -= 1) {
    if (unitsToPoints(units, size) <= width) return size;
  }
  return min;
}

/** `text` cut to `width`, ending in "…" when cut. */
export function truncateToWidth(doc: Pdf, type: Type, text: string, width: number): string {
  const safe = winAnsi(text);
  const measure = new TextMeasure(doc, type);
  if (measure.fits(measure.unitsOf(safe), width)) return safe;
  const prefixes = measure.prefixUnits(safe);
  // The longest cut whose text, trailing spaces trimmed, fits with "…" after it.
  const ellipsis = measure.unitsOf("…");
  let cut = safe.length;
  while (cut > 0) {
    const end = trimmedEnd(safe, cut);
    const units = end === 0 ? ellipsis : (prefixes[end] ?? 0) + measure.kern(safe.charCodeAt(end - 1), ELLIPSIS) + ellipsis;
    if (measure.fits(units, width)) break;
    cut -= 1;
  }
  return `${safe.slice(0, trimmedEnd(safe, cut))}…`;
}

/** The length of text.slice(0, end).trimEnd(). */
function trimmedEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && WHITESPACE.test(text.charAt(e - 1))) e -= 1;
  return e;
}

/** What String.prototype.trimEnd removes: \s is the same WhiteSpace and LineTerminator set. */
const WHITESPACE = /\s/;
const SPACE = 0x20;
const ELLIPSIS = 0x2026;

/**
 * `text` broken into lines no wider than `width`, at spaces where possible and inside a word only
 * when the word alone is too wide. With `maxLines`, the last kept line ends in "…" if text remains.
 */
export function wrapToWidth(doc: Pdf, type: Type, text: string, width: number, maxLines = Infinity): string[] {
  const measure = new TextMeasure(doc, type);
  const lines: string[] = [];
  let line = "";
  let lineUnits = 0;
  for (const word of winAnsi(text).split(/\s+/).filter((w) => w.length > 0)) {
    const wordUnits = measure.unitsOf(word);
    const candidateUnits = line === "" ? wordUnits : measure.spaced(line, lineUnits, word, wordUnits);
    if (measure.fits(candidateUnits, width)) {
      line = line === "" ? word : `${line} ${word}`;
      lineUnits = candidateUnits;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    lineUnits = wordUnits;
    while (!measure.fits(lineUnits, width)) {
      const prefixes = measure.prefixUnits(line);
      let cut = line.length - 1;
      while (cut > 1 && !measure.fits(prefixes[cut] ?? 0, width)) cut -= 1;
      // An over-long word breaks after its last hyphen that fits, as a person would hyphenate: a
      // ceremony ID reads "master-key-20261201-" then "588a9b", never "…-588a" then "9b".
      const hyphen = line.lastIndexOf("-", cut - 1);
      if (hyphen > 0) cut = hyphen + 1;
      // A single character wider than the column still goes on a line of its own.
      cut = Math.max(cut, 1);
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
      lineUnits = measure.unitsOf(line);
    }
  }
  if (line !== "") lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept.length - 1;
  kept[last] = truncateToWidth(doc, type, `${kept[last] ?? ""} ${lines[maxLines] ?? ""}`, width);
  if (!kept[last]?.endsWith("…")) kept[last] = truncateToWidth(doc, type, `${kept[last] ?? ""}…`, width);
  return kept;
}

/** Line height used throughout: 1.25 × size keeps large type readable without wasting paper. */
export function lineHeight(type: Type): number {
  return type.size * 1.25;
}
