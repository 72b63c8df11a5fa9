/**
 * The figures of `npm run test:faults`: each fault class records one row (faults tried, how many
 * the app survived, and anything lost), and the global teardown prints them as one table.
 * Rows go through files because test files run in their own processes.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const RESULTS = resolve(import.meta.dirname, "../../../test-results/faults");
export const FAULT_TABLE_FILE = resolve(RESULTS, "fault-table.md");

/**
 * This run's folder (rows, child-process bundles), keyed by the vitest main process: the global
 * setup runs in it and every test worker is its child. Two runs in one checkout stay apart.
 */
export function faultRunDir(inGlobalSetup = false): string {
  return resolve(RESULTS, "runs", String(inGlobalSetup ? process.pid : process.ppid));
}

export interface FaultRow {
  /** e.g. "crash: SIGKILL after a journal write (root CA)". */
  faultClass: string;
  tried: number;
  survived: number;
  /** What was lost, one entry per case that lost something; empty when nothing was. */
  lost: string[];
  /** How the cases were chosen, in a few words. */
  coverage: string;
}

export function recordFaultRow(row: FaultRow): void {
  const rows = join(faultRunDir(), "rows");
  mkdirSync(rows, { recursive: true });
  const name = row.faultClass.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  writeFileSync(join(rows, `${name}.json`), `${JSON.stringify(row, null, 2)}\n`);
}

/** The rows this run recorded; called from the global setup. */
export function readFaultRows(): FaultRow[] {
  const rows = join(faultRunDir(true), "rows");
  let names: string[] = [];
  try {
    names = readdirSync(rows).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(rows, n), "utf8")) as FaultRow);
}

/** Removes this run's folder; called from the global setup. */
export function removeFaultRun(): void {
  rmSync(faultRunDir(true), { recursive: true, force: true });
}

/** A Markdown table, readable as plain text in a terminal too. */
export function faultTable(rows: readonly FaultRow[]): string {
  const header = ["fault class", "faults tried", "survived", "anything lost", "coverage"];
  const body = rows.map((r) => [r.faultClass, String(r.tried), String(r.survived), r.lost.length === 0 ? "nothing" : `${r.lost.length}: ${r.lost.slice(0, 3).join("; ")}${r.lost.length > 3 ? " …" : ""}`, r.coverage]);
  const total = rows.reduce((t, r) => ({ tried: t.tried + r.tried, survived: t.survived + r.survived, lost: t.lost + r.lost.length }), { tried: 0, survived: 0, lost: 0 });
  body.push(["total", String(total.tried), String(total.survived), total.lost === 0 ? "nothing" : String(total.lost), ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

export function writeFaultTable(text: string): void {
  mkdirSync(resolve(FAULT_TABLE_FILE, ".."), { recursive: true });
  writeFileSync(FAULT_TABLE_FILE, `${text}\n`);
}
