/**
 * The preflight's report as text for a terminal: a table of need / steps / what the token offers /
 * verdict, then for each refusal what to do. Long cells wrap inside their column.
 */
import { wrapWords } from "../common/index.ts";
import type { PreflightReport, PreflightRow } from "./preflight.ts";

// 34 + 6 + 44 + 10 and three gaps of 2: the terminal's 100 columns (src/common/terminal-text.ts).
const COLUMNS: Array<{ title: string; width: number; cell: (r: PreflightRow) => string }> = [
  { title: "NEEDED", width: 34, cell: (r) => r.need },
  { title: "STEPS", width: 6, cell: (r) => r.steps },
  { title: "TOKEN OFFERS", width: 44, cell: (r) => r.offered },
  { title: "VERDICT", width: 10, cell: (r) => r.verdict.toUpperCase() },
];

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length; ) {
      const room = line ? width - line.length - 1 : width;
      if (w.length <= room) {
        line = line ? `${line} ${w}` : w;
        w = "";
      } else if (line) {
        lines.push(line);
        line = "";
      } else {
        lines.push(w.slice(0, width));
        w = w.slice(width);
      }
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

export function formatPreflightTable(report: PreflightReport, scriptName: string): string {
  const t = report.profile.token;
  const out: string[] = [
    ...wrapWords(
      `Preflight of ${scriptName} on token "${t.label}" (serial ${t.serial}, ${t.manufacturer} ${t.model}, firmware ${t.firmware}): ` +
      `${report.profile.mechanisms.length} mechanisms, ${report.profile.tests.length} known-answer tests${report.profile.loggedIn ? " (logged in)" : " (no PIN)"}, ${report.elapsedMs} ms`,
    ),
    "",
    COLUMNS.map((c) => c.title.padEnd(c.width)).join("  ").trimEnd(),
  ];
  for (const row of report.rows) {
    const cells = COLUMNS.map((c) => wrap(c.cell(row), c.width));
    const height = Math.max(...cells.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(cells.map((c, j) => (c[i] ?? "").padEnd(COLUMNS[j]!.width)).join("  ").trimEnd());
  }
  const notes = report.rows.filter((r) => r.verdict !== "ok");
  if (notes.length) {
    out.push("");
    for (const r of notes) out.push(...wrapWords(`${r.verdict === "refused" ? "REFUSED" : "UNVERIFIED"}: ${r.need} — ${r.advice}`, "", "  "));
  }
  out.push("");
  out.push(
    ...wrapWords(
      report.ok
        ? `The token meets every need of ${scriptName}.`
        : `The token cannot meet ${report.rows.filter((r) => r.verdict === "refused").length} need(s) of ${scriptName}; the ceremony cannot run on it.`,
    ),
  );
  return out.join("\n");
}
