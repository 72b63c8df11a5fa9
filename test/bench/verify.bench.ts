/**
 * Archive audit figures. Run: npm run bench:verify  (or BENCH_DEMO_DIR=demo-out/… to reuse a demo)
 *
 * Makes 1,000 demo-size bundles (copies of the ten bundles `ceremony demo` writes, round robin),
 * then times, in the same run over the same files:
 *   1. `ceremony verify` as an auditor runs it on the archive folder (one process, every check,
 *      --json so nothing is printed per bundle to a terminal),
 *   2. the verify library in this process (verifyArchive with the script re-check),
 *   3. `sha256sum` over every file of every bundle — the floor: reading and hashing the bytes once.
 * Prints the ratios. Goal: (1) within 10× of (3). Figures, not a pass/fail test.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { scriptRecheck } from "../../src/ceremony/script-recheck.ts";
import { verifyArchive } from "../../src/transcript/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BUNDLES = Number(process.env.BENCH_BUNDLES ?? 1000);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "cw-bench-verify-"));
  try {
    let demo = process.env.BENCH_DEMO_DIR;
    if (!demo) {
      demo = join(work, "demo");
      console.log("running ceremony demo for the genuine bundles…");
      const r = spawnSync(process.execPath, [join(ROOT, "bin/ceremony.js"), "demo", "--out", demo], { cwd: ROOT, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`ceremony demo failed: ${r.stderr}`);
    }
    const originals = readdirSync(demo).filter((n) => /^\d\d-/.test(n)).sort();
    const archive = join(work, "archive");
    for (let i = 0; i < BUNDLES; i++) {
      const name = originals[i % originals.length] as string;
      cpSync(join(demo, name), join(archive, `${String(i).padStart(4, "0")}-${name.slice(3)}`), { recursive: true });
    }
    const files = filesUnder(archive);
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    console.log(`${BUNDLES} bundles, ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);

    // Warm the page cache so every contender reads from memory.
    spawnSync("bash", ["-c", 'find "$1" -type f -print0 | xargs -0 cat > /dev/null', "bash", archive]);

    let start = process.hrtime.bigint();
    const sums = spawnSync("bash", ["-c", 'find "$1" -type f -print0 | xargs -0 sha256sum > /dev/null', "bash", archive]);
    const shaMs = ms(start);
    if (sums.status !== 0) throw new Error("sha256sum failed");

    start = process.hrtime.bigint();
    const cli = spawnSync(process.execPath, [join(ROOT, "bin/ceremony.js"), "verify", archive, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const cliMs = ms(start);
    const cliReport = JSON.parse(cli.stdout) as { summary: { total: number; verified: number; failed: number } };

    start = process.hrtime.bigint();
    const report = await verifyArchive([archive], { extraChecks: [scriptRecheck] });
    const libMs = ms(start);

    if (cliReport.summary.failed > 0 || report.summary.failed > 0 || report.summary.total !== BUNDLES) {
      throw new Error(`expected ${BUNDLES} verified bundles: CLI ${JSON.stringify(cliReport.summary)}, library ${JSON.stringify(report.summary)}`);
    }
    console.log(`sha256sum over every file:            ${shaMs.toFixed(0)} ms`);
    console.log(`ceremony verify ARCHIVE (process):   ${cliMs.toFixed(0)} ms  = ${(cliMs / shaMs).toFixed(1)}× sha256sum  (${(cliMs / BUNDLES).toFixed(2)} ms per bundle)`);
    console.log(`verifyArchive (library, in process): ${libMs.toFixed(0)} ms  = ${(libMs / shaMs).toFixed(1)}× sha256sum  (${(libMs / BUNDLES).toFixed(2)} ms per bundle)`);
    console.log(`goal: ceremony verify within 10× of sha256sum — ${cliMs / shaMs <= 10 ? "met" : "NOT met"}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
