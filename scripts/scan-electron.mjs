#!/usr/bin/env node
// Electron security scan (npm run scan:electron): Doyensec's electronegativity over the main
// process and preload (electron/) and the renderer (renderer/src, renderer/index.html), in one
// run so that its global checks (CSP, navigation limits, permission handler) see all of them.
//
// Fails on any finding of MEDIUM severity or above. A finding that is a false positive is
// justified where it is reported, with `eng-disable CHECK_ID` in a comment on that line and the
// reason next to it. Results: test-results/electronegativity/ (SARIF, and a summary).
//
// Offline: the AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK fetches Electron's release notes from
// GitHub, which an air-gapped build cannot reach; the pinned Electron version is reviewed when
// it is upgraded instead. (The tool also tries to fetch translations; it falls back to English.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import run from "@doyensec/electronegativity";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FAIL_AT = ["MEDIUM", "HIGH"];

/** What the app ships, by the name it gets in the scan: main and preload, renderer, its page. */
export const APP_SOURCES = {
  electron: path.join(projectRoot, "electron"),
  renderer: path.join(projectRoot, "renderer", "src"),
  "index.html": path.join(projectRoot, "renderer", "index.html"),
};

/**
 * Scans `sources` (name → file or folder) as one input and writes the SARIF report and a
 * summary to `outDir`. Returns the findings, those that fail the scan, and the summary lines.
 * @param {{ sources?: Record<string, string>, outDir?: string }} [options]
 */
export async function scanElectron({ sources = APP_SOURCES, outDir = path.join(projectRoot, "test-results", "electronegativity") } = {}) {
  const electronVersion = JSON.parse(readFileSync(path.join(projectRoot, "node_modules", "electron", "package.json"), "utf8")).version;
  // The tool takes one input folder: a folder of links to exactly the sources to scan.
  const input = mkdtempSync(path.join(tmpdir(), "electronegativity-"));
  for (const [name, target] of Object.entries(sources)) symlinkSync(target, path.join(input, name));
  mkdirSync(outDir, { recursive: true });
  let result;
  try {
    result = await run({
      input,
      output: path.join(outDir, "electronegativity.sarif"),
      isSarif: true,
      isRelative: true,
      customScan: [],
      excludeFromScan: ["availablesecurityfixesglobalcheck"],
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
  } finally {
    rmSync(input, { recursive: true, force: true });
  }
  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name,
    confidence: i.confidence.name,
    where: i.file === "N/A" ? "(global)" : `${i.file}:${i.location.line}:${i.location.column}`,
    description: i.description,
  }));
  const failing = findings.filter((f) => FAIL_AT.includes(f.severity));
  const unparsed = result.errors.filter((e) => !e.tolerable);
  const lines = [
    `electronegativity: ${result.atomicChecks} atomic + ${result.globalChecks} global checks, Electron ${electronVersion}; ${result.errors.length} file(s) did not parse`,
    ...result.errors.map((e) => `  parse error: ${e.file}: ${e.message}`),
    ...(findings.length === 0 ? ["  no findings"] : findings.map((f) => `  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id} ${f.where} — ${f.description}`)),
    failing.length === 0 && unparsed.length === 0
      ? "OK: no finding of MEDIUM severity or above"
      : `FAILED: ${failing.length} finding(s) of MEDIUM severity or above, ${unparsed.length} file(s) not scanned`,
  ];
  writeFileSync(path.join(outDir, "summary.txt"), `${lines.join("\n")}\n`);
  return { findings, failing, unparsed, lines };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { failing, unparsed, lines } = await scanElectron();
  console.log(lines.join("\n"));
  process.exit(failing.length === 0 && unparsed.length === 0 ? 0 : 1);
}
