/**
 * `ceremony report PATH… --out DIR [--signer PEM|FINGERPRINT|WORDS]… [--at DATE]`: the policy
 * evidence report (docs/evidence-report.md) as evidence-report.pdf and evidence-report.json in
 * DIR, and a summary on the terminal. Every bundle is verified first; only verified bundles
 * are evidence.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { formatFingerprintPrefix, formatUtc } from "../common/index.ts";
import { CeremonyError } from "../errors.ts";
import { type EvidenceReport, NoBundlesError, STATUS_WORDS, buildEvidenceReport } from "../evidence/index.ts";
import { renderEvidenceReport } from "../print/index.ts";
import type { CliIo } from "./io.ts";
import { resolveAnchor } from "./verify-command.ts";

const USAGE = "ceremony report PATH... --out DIR [--signer PEM|FINGERPRINT|WORDS]... [--at DATE]";
export const REPORT_FILES = { json: "evidence-report.json", pdf: "evidence-report.pdf" } as const;

export interface ReportCommandOptions {
  out?: string;
  signers?: string[];
  at?: string;
  /** The report's own time; tests fix it. */
  now?: Date;
}

/** "2027-12-31" (midnight UTC) or a full ISO-8601 time; null when it is neither. */
export function parseAsOf(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) return null;
  const d = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(d.getTime()) ? null : d;
}

export async function reportCommand(io: CliIo, paths: string[], options: ReportCommandOptions = {}): Promise<number> {
  if (paths.length === 0) {
    io.err(`ceremony report: give one or more bundle folders, or folders that hold them: ${USAGE}`);
    return 2;
  }
  if (!options.out) {
    io.err(`ceremony report: give a folder for the PDF and JSON with --out DIR: ${USAGE}`);
    return 2;
  }
  let asOf: Date | undefined;
  if (options.at !== undefined) {
    const parsed = parseAsOf(options.at);
    if (!parsed) {
      io.err(`ceremony report: --at ${JSON.stringify(options.at)} is not a date; give it as 2027-12-31 or 2027-12-31T09:30:00Z.`);
      return 2;
    }
    asOf = parsed;
  }
  const anchors: string[] = [];
  try {
    for (const value of options.signers ?? []) anchors.push(await resolveAnchor(value));
  } catch (e) {
    if (!(e instanceof CeremonyError)) throw e;
    io.err(`ceremony report: ${e.message} [${e.code}]`);
    return 2;
  }
  const out = resolve(options.out);
  const json = join(out, REPORT_FILES.json);
  const pdf = join(out, REPORT_FILES.pdf);
  const problem = await outputProblem(out, [json, pdf]);
  if (problem) {
    io.err(`ceremony report: ${problem}`);
    return 2;
  }
  let report: EvidenceReport;
  try {
    report = await buildEvidenceReport(paths, { anchors, extraChecks: [scriptRecheck], ...(asOf ? { asOf } : {}), ...(options.now ? { now: options.now } : {}) });
  } catch (e) {
    if (!(e instanceof NoBundlesError)) throw e;
    io.err(`ceremony report: ${e.message} [${e.code}]`);
    return 2;
  }
  await mkdir(out, { recursive: true });
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`, { flag: "wx" });
  await writeFile(pdf, await renderEvidenceReport(report), { flag: "wx" });
  printSummary(io, report);
  io.out(`Written: ${pdf}`);
  io.out(`         ${json}`);
  return report.exitStatus;
}

/** A report is never written over another: the folder may exist, the two files may not. */
async function outputProblem(out: string, files: readonly string[]): Promise<string | null> {
  const info = await stat(out).catch(() => null);
  if (info && !info.isDirectory()) return `${out} is a file, not a folder. Give --out a folder for the report.`;
  for (const file of files) {
    if (await stat(file).catch(() => null)) return `${file} already exists; a report is never written over another. Give --out another folder.`;
  }
  return null;
}

function printSummary(io: CliIo, report: EvidenceReport): void {
  io.out(`Policy evidence as of ${formatUtc(report.asOf)} from ${report.bundles.length} bundle${report.bundles.length === 1 ? "" : "s"}:`);
  for (const b of report.bundles) {
    const state = b.use === "evidence" ? (b.anchored ? "verified, anchored" : "verified, NOT anchored") : b.use === "not-verified" ? "NOT VERIFIED, excluded" : "verified but signer is not an anchor, excluded";
    const first = b.failures[0];
    io.out(`  ${state.padEnd(24)} ${b.path}${b.ceremonyId ? ` (${b.ceremonyId})` : ""}${b.signerSpkiSha256 ? ` signer ${formatFingerprintPrefix(b.signerSpkiSha256)}` : ""}${first ? ` — [${first.code}] ${first.message}` : ""}`);
  }
  for (const r of report.requirements) {
    io.out(`${STATUS_WORDS[r.status].padEnd(13)} ${r.title}`);
    for (const f of r.findings) io.out(`              ${f.kind}: ${f.text}`);
  }
  for (const p of report.pciDss) io.out(`PCI-DSS ${p.id.padEnd(6)} ${STATUS_WORDS[p.status].padEnd(13)} ${p.pciTitle}`);
  for (const note of report.notes.slice(0, 2)) io.out(`Note: ${note}`);
}
