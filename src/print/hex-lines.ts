import { hexGroupList } from "../common/index.ts";
import type { Pdf } from "./pdf-document.ts";
import { widthOf, type Type } from "./text-fit.ts";

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
  let perLine = items.length;
  while (perLine > 1 && widthOf(doc, type, items.slice(0, perLine).join(" ")) > width) perLine -= 1;
  // For monospace hex the first line is as wide as any other; words need every line checked.
  const lineCount = Math.ceil(items.length / perLine);
  const even = Math.ceil(items.length / lineCount);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += even) lines.push(items.slice(i, i + even).join(" "));
  return lines.every((line) => widthOf(doc, type, line) <= width) ? lines : greedyLines(doc, type, items, width);
}

function greedyLines(doc: Pdf, type: Type, items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const candidate = line === "" ? item : `${line} ${item}`;
    if (line !== "" && widthOf(doc, type, candidate) > width) {
      lines.push(line);
      line = item;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}
