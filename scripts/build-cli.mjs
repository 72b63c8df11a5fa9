#!/usr/bin/env node
// Bundles the `ceremony` CLI into dist/cli/ (usage: node scripts/build-cli.mjs; npm run build and
// scripts/setup.sh run it), with the shared configuration of scripts/build-config.mjs:
// - ceremony.mjs, the entry (src/cli/bin.ts), plus one chunk per verb: each verb's modules load
//   only when it runs, which keeps `ceremony --help` and `ceremony verify` quick to start.
// - worker.js + worker-boot.mjs: the HSM worker, next to the chunk that starts it.
// - source maps for every file; bin/ceremony.js turns them on for stack traces.
// - build-inputs.json: the source files the build was made from, so that bin/ceremony.js and
//   the test set-up can tell a build that is older than its sources (cli-build-freshness.mjs).
// The files sit two folders deep, like src/cli/, so that `import.meta.dirname + "../../"` finds
// ceremony-scripts/ from the build as it does from the sources.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildHsmWorker, ESM_REQUIRE_BANNER, MAIN_EXTERNALS, NODE_BUILD } from "./build-config.mjs";
import { CLI_DIR, INPUTS } from "./cli-build-freshness.mjs";

export { CLI_DIR, isCliBuildStale } from "./cli-build-freshness.mjs";

/** Besides the bundled sources, these change what a build produces. */
const BUILD_FILES = ["scripts/build-cli.mjs", "scripts/build-config.mjs", "package-lock.json", "tsconfig.json", "tsconfig.base.json"];

/**
 * Builds into a fresh folder and then swaps it in, so that a CLI already running from dist/cli
 * never loads a chunk of another build.
 * @param {{ outDir?: string, logLevel?: import("esbuild").LogLevel }} [options]
 */
export async function buildCli({ outDir = CLI_DIR, logLevel = "warning" } = {}) {
  const staging = `${outDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Whitespace and syntax only: names stay as written (error names, class names in messages);
  // a smaller bundle parses faster at every start.
  const common = { ...NODE_BUILD, logLevel, sourcemap: true, metafile: true, minifyWhitespace: true, minifySyntax: true };
  const cli = await build({
    ...common,
    entryPoints: { ceremony: "src/cli/bin.ts" },
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    format: "esm",
    splitting: true,
    external: MAIN_EXTERNALS,
    banner: { js: ESM_REQUIRE_BANNER },
  });
  const worker = await buildHsmWorker(staging, common);
  const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...worker.inputs, ...BUILD_FILES])].filter((f) => !f.includes("node_modules/") && !f.startsWith("../")).sort();
  writeFileSync(path.join(staging, INPUTS), `${JSON.stringify(inputs, null, 1)}\n`);
  const old = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(staging, outDir);
  rmSync(old, { recursive: true, force: true });
  return { outDir, inputs };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { outDir, inputs } = await buildCli();
  console.log(`build-cli: built the ceremony CLI from ${inputs.length} files into ${path.relative(process.cwd(), outDir) || "."}`);
}
