/**
 * Text for a terminal of 100 columns (the ceremony laptop's console at a readable font). Lines
 * are broken only at spaces, so a hex group ("3F9A") or a PGP word is never split: a fingerprint
 * that does not fit continues on the next line at a group boundary.
 */

/** The widest line the CLI prints. */
export const TERMINAL_WIDTH = 100;

/**
 * Words into lines of at most `width` columns: the first line starts with `first`, the others
 * with `rest`. A single word longer than a line (a long path) stays whole on its own line: a
 * path cut in two cannot be copied.
 */
export function wrapWords(text: string, first = "", rest = first, width = TERMINAL_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  // A break goes only where one space stands between words: a run of spaces inside a value
  // ("IBM SW   TPM", a token's padded manufacturer) stays as it is.
  for (const word of text.trim().split(/(?<=\S) (?=\S)/)) {
    const candidate = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && columns(candidate) > width) {
      lines.push(line);
      line = `${rest}${word}`;
    } else line = candidate;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * One printed line as it fits the terminal: unchanged when it fits, else wrapped at spaces, the
 * continuation lines indented two more than the line itself.
 */
export function fitLine(line: string, width = TERMINAL_WIDTH): string[] {
  if (columns(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  return wrapWords(line.slice(indent.length), indent, `${indent}  `, width);
}

/** Every line of `text` (which may hold newlines) fitted to the terminal. */
export function fitText(text: string, width = TERMINAL_WIDTH): string[] {
  return text.split("\n").flatMap((l) => fitLine(l, width));
}

/**
 * "Label: value" when it fits on one line; otherwise the label on its line and the value on the
 * next, indented, so a fingerprint starts at the left of its own line rather than half-way along.
 */
export function labelledLines(indent: string, label: string, value: string, width = TERMINAL_WIDTH): string[] {
  const one = `${indent}${label}: ${value}`;
  if (columns(one) <= width) return [one];
  return [`${indent}${label}:`, ...wrapWords(value, `${indent}    `, `${indent}    `, width)];
}

/** Columns a string takes on a terminal: one per code point (the CLI prints no wide characters). */
export function columns(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
