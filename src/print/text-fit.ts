import type { Pdf } from "./pdf-document.ts";
import { winAnsi } from "./win-ansi.ts";

/** A built-in font and size. */
export interface Type {
  font: "Helvetica" | "Helvetica-Bold" | "Helvetica-Oblique" | "Courier" | "Courier-Bold";
  size: number;
}

export function setType(doc: Pdf, type: Type): Pdf {
  return doc.font(type.font).fontSize(type.size);
}

export function widthOf(doc: Pdf, type: Type, text: string): number {
  return setType(doc, type).widthOfString(text);
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
  // pdfkit wraps whenever it is given a width, even with lineBreak off; only alignment needs one.
  const align = options.align ?? "left";
  doc.text(winAnsi(text), x, y, align === "left" ? { lineBreak: false } : { lineBreak: false, width: options.width, align });
}

/** The largest size from `max` down to `min` (whole points) at which `text` fits `width`; `min` if none does. */
export function fitSize(doc: Pdf, font: Type["font"], text: string, width: number, max: number, min: number): number {
  for (let size = max; size > min; size -= 1) {
    if (widthOf(doc, { font, size }, winAnsi(text)) <= width) return size;
  }
  return min;
}

/** `text` cut to `width`, ending in "…" when cut. */
export function truncateToWidth(doc: Pdf, type: Type, text: string, width: number): string {
  const safe = winAnsi(text);
  if (widthOf(doc, type, safe) <= width) return safe;
  let cut = safe.length;
  while (cut > 0 && widthOf(doc, type, `${safe.slice(0, cut).trimEnd()}…`) > width) cut -= 1;
  return `${safe.slice(0, cut).trimEnd()}…`;
}

/**
 * `text` broken into lines no wider than `width`, at spaces where possible and inside a word only
 * when the word alone is too wide. With `maxLines`, the last kept line ends in "…" if text remains.
 */
export function wrapToWidth(doc: Pdf, type: Type, text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (candidate: string): boolean => widthOf(doc, type, candidate) <= width;
  for (const word of winAnsi(text).split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    while (!fits(line)) {
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut -= 1;
      // An over-long word breaks after its last hyphen that fits, as a person would hyphenate: a
      // ceremony ID reads "master-key-20261201-" then "588a9b", never "…-588a" then "9b".
      const hyphen = line.lastIndexOf("-", cut - 1);
      if (hyphen > 0) cut = hyphen + 1;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
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
