import { hexGroupList } from "../common/index.ts";
import type { Pdf } from "./pdf-document.ts";
import { TextMeasure, type Type } from "./text-fit.ts";

/**
 * Hex in groups of four, split into lines of equal length that fit `width` ("8 + 8" groups for a
 * SHA-256, not "11 + 5"), so a reader keeps their place when reading across.
 */
export function hexLines(doc: Pdf, type: Type, hex: string, width: number): string[] {
  return balancedLines(doc, type, hexGroupList(hex), width);
}

/** Space-separated items in equal lines no wider than `width`. */
export function balancedLines(doc: Pdf, type: Type, items: readonly string[], width: number): string[] {
  if (items.length === 0) return [];
  const measure = new TextMeasure(doc, type);
  // joinedUnits[k]: the width of the first k items joined by spaces, grown an item at a time.
  const joinedUnits = [0];
  let joined = "";
  items.forEach((item, i) => {
    const itemUnits = measure.unitsOf(item);
    joinedUnits.push(i === 0 ? itemUnits : measure.spaced(joined, joinedUnits[i] ?? 0, item, itemUnits));
    joined = i === 0 ? item : `${joined} ${item}`;
  });
  let perLine = items.length;
  while (perLine > 1 && !measure.fits(joinedUnits[perLine] ?? 0, width)) perLine -= 1;
  // For monospace hex the first line is as wide as any other; words need every line checked.
  const lineCount = Math.ceil(items.length / perLine);
  const even = Math.ceil(items.length / lineCount);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += even) lines.push(items.slice(i, i + even).join(" "));
  return lines.every((line) => measure.fits(measure.unitsOf(line), width)) ? lines : greedyLines(measure, items, width);
}

function greedyLines(measure: TextMeasure, items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let lineUnits = 0;
  for (const item of items) {
    const itemUnits = measure.unitsOf(item);
    const candidateUnits = line === "" ? itemUnits : measure.spaced(line, lineUnits, item, itemUnits);
    if (line !== "" && !measure.fits(candidateUnits, width)) {
      lines.push(line);
      line = item;
      lineUnits = itemUnits;
    } else {
      line = line === "" ? item : `${line} ${item}`;
      lineUnits = candidateUnits;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
