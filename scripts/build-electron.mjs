#!/usr/bin/env node
// Bundles the Electron main process and preload into out/ (usage: node scripts/build-electron.mjs).
//
// - out/main.cjs: electron/main.ts with src/ included. Native addons stay outside the bundle and
//   are loaded from node_modules at run time (electron-builder rebuilds them for Electron).
// - out/preload.cjs: electron/preload.ts in one CommonJS file. A sandboxed preload gets a
//   require() that knows only a few modules, so everything it needs, contract and zod included,
//   must be inside the file; the only require left is "electron".
// - out/worker.js + out/worker-boot.mjs: the HSM worker (src/hsm runs PKCS#11 in a worker thread
//   and finds these files next to the module that starts it, which in the bundle is main.cjs).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildHsmWorker, MAIN_EXTERNALS, NODE_BUILD, projectRoot } from "./build-config.mjs";

export { MAIN_EXTERNALS };

/**
 * `mainEntry` is electron/main.ts; a test passes another entry to bundle parts of src/ with
 * exactly the options main is bundled with.
 * @param {{ outDir?: string, logLevel?: import("esbuild").LogLevel, mainEntry?: string }} [options]
 */
export async function buildElectron({ outDir = path.join(projectRoot, "out"), logLevel = "warning", mainEntry = "electron/main.ts" } = {}) {
  mkdirSync(outDir, { recursive: true });
  const hasCore = existsSync(path.join(projectRoot, "src/api/service.ts"));
  if (!hasCore) {
    console.warn(
      "build-electron: src/api/service.ts does not exist yet; this build uses electron/service-missing.ts and cannot run ceremonies.",
    );
  }
  /** @type {import("esbuild").BuildOptions} */
  const common = { ...NODE_BUILD, target: "node22", logLevel };

  const main = await build({
    ...common,
    entryPoints: [mainEntry],
    outfile: path.join(outDir, "main.cjs"),
    format: "cjs",
    external: MAIN_EXTERNALS,
    // CommonJS has no import.meta; src/ uses it to find files next to itself, which in the
    // bundle means next to main.cjs.
    define: { "import.meta.url": "__ceremonyModuleUrl", "import.meta.dirname": "__dirname", "import.meta.filename": "__filename" },
    banner: { js: 'var __ceremonyModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    // A module loaded only when needed (pdfkit, at the first printout) is required, as CommonJS
    // loads it, rather than import()ed: the same package, and a bundle whose compiled code V8 can
    // keep in a code cache (test/helpers/code-cache-start.cjs).
    supported: { "dynamic-import": false },
  });
  // Any other import.meta member would silently be undefined at run time.
  const emptyImportMeta = main.warnings.filter((warning) => warning.id === "empty-import-meta");
  if (emptyImportMeta.length > 0) {
    const where = emptyImportMeta.map((w) => `${w.location?.file}:${w.location?.line}`).join(", ");
    throw new Error(`build-electron: import.meta is used in a way the CommonJS main bundle cannot provide (${where})`);
  }

  await build({
    ...common,
    entryPoints: ["electron/preload.ts"],
    outfile: path.join(outDir, "preload.cjs"),
    format: "cjs",
    external: ["electron"],
  });

  const worker = await buildHsmWorker(outDir, { target: common.target, logLevel });
  const outputs = ["main.cjs", "preload.cjs", ...worker.files];
  return { outDir, outputs, hasCore };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { outDir, outputs, hasCore } = await buildElectron();
  console.log(`build-electron: wrote ${outputs.join(", ")} to ${path.relative(process.cwd(), outDir) || "."}${hasCore ? "" : " (without the core)"}`);
}
