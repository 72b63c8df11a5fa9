/**
 * npm run bench:ui — prints figures; not a timed test.
 * 1. From starting the browser harness (core service included) to the start screen being
 *    interactive in Chromium: the scripts listed and one of them chosen by a click that the
 *    screen reflects (goal < 1 s). The browser is launched beforehand; each run has a fresh
 *    harness (fresh journal) and a fresh browser context. Also printed: the harness's own start.
 * 2. The renderer bundle as shipped: renderer/dist JS and CSS, gzipped (goal < 400 KB).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium, VIEWPORT } from "../e2e/support/browser.ts";
import { startHarness } from "../harness/harness-server.ts";
import { ensureRendererBuild, RENDERER_DIST } from "../harness/renderer-build.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const START_GOAL_MS = 1000;
const BUNDLE_GOAL_BYTES = 400 * 1024;

await ensureRendererBuild((line) => console.log(line));

// --- 1. harness start → interactive start screen -------------------------------------------
const browser = await launchChromium();
const times: number[] = [];
const harnessTimes: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const t0 = performance.now();
    const harness = await startHarness();
    harnessTimes.push(performance.now() - t0);
    const page = await context.newPage();
    await page.goto(harness.url);
    const firstScript = page.getByRole("radio", { name: /^Root CA key generation/ });
    // check() clicks and then waits until the radio reports itself checked.
    await firstScript.check();
    times.push(performance.now() - t0);
    await context.close();
    await harness.close();
  }
} finally {
  await browser.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const harnessMedian = [...harnessTimes].sort((a, b) => a - b)[Math.floor(harnessTimes.length / 2)]!;

// --- 2. bundle size ---------------------------------------------------------------------------
const assets = path.join(RENDERER_DIST, "assets");
const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
const sizes = files.map((f) => {
  const bytes = readFileSync(path.join(assets, f));
  return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const gzipTotal = sizes.reduce((sum, s) => sum + s.gzip, 0);

const verdict = (ok: boolean) => (ok ? "within goal" : "OVER GOAL");
console.log(`
UI bench (${RUNS} runs)
  harness start → start screen interactive: median ${median.toFixed(0)} ms, first ${times[0]!.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms (goal < ${START_GOAL_MS} ms: ${verdict(median < START_GOAL_MS)})
    of which the harness and core starting: median ${harnessMedian.toFixed(0)} ms
  renderer bundle, gzipped: ${(gzipTotal / 1024).toFixed(1)} KB (goal < ${BUNDLE_GOAL_BYTES / 1024} KB: ${verdict(gzipTotal < BUNDLE_GOAL_BYTES)})
${sizes.map((s) => `    ${s.file}: ${(s.raw / 1024).toFixed(1)} KB raw, ${(s.gzip / 1024).toFixed(1)} KB gzipped`).join("\n")}
`);
