/**
 * npm run bench:cli — prints figures; not a timed test.
 * Start-up of the compiled `ceremony` command, as a ratio to `node -e 0` measured in the same
 * run (goal ≤ 3×): `ceremony --help`, and `ceremony verify BUNDLE` on a root-CA bundle that a
 * rehearsal writes first. The three commands take turns, so a busy machine slows each alike;
 * medians of BENCH_RUNS (default 11) runs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
// @ts-expect-error -- a JavaScript build script without type declarations
import { buildCli, isCliBuildStale } from "../../scripts/build-cli.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const GOAL = 3;
const ROOT = path.resolve(import.meta.dirname, "../..");
const CEREMONY = path.join(ROOT, "bin/ceremony.js");

if ((isCliBuildStale as () => string | undefined)() !== undefined) await (buildCli as () => Promise<unknown>)();

const work = mkdtempSync(path.join(tmpdir(), "bench-cli-"));
try {
  const params = path.join(work, "params.yaml");
  writeFileSync(params, 'parameters:\n  subject: "CN=Bench Root CA, O=Ceremony Workstation Bench, C=US"\n');
  const bundle = path.join(work, "bundle");
  execFileSync(process.execPath, [CEREMONY, "rehearse", path.join(ROOT, "ceremony-scripts/root-ca.yaml"), "--params", params, "--out", bundle], { stdio: "ignore" });

  const commands = {
    "node -e 0": ["-e", "0"],
    "ceremony --help": [CEREMONY, "--help"],
    // Anchored (its own signer.pub.pem as the expected key) so that a verified bundle exits 0.
    "ceremony verify BUNDLE": [CEREMONY, "verify", bundle, "--signer", path.join(bundle, "signer.pub.pem")],
  } as const;
  const times = new Map<string, number[]>(Object.keys(commands).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of Object.entries(commands)) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr.toString()}`);
      times.get(name)!.push(ms);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = median(times.get("node -e 0")!);
  console.log(`CLI start-up, median of ${RUNS} runs (goal ≤ ${GOAL}× node -e 0):`);
  for (const [name, xs] of times) {
    const ratio = median(xs) / floor;
    const verdict = name === "node -e 0" ? "" : ratio <= GOAL ? "  ok" : "  over the goal";
    console.log(`  ${name.padEnd(24)} ${median(xs).toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}×${verdict}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
