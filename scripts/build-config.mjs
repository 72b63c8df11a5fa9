// The one esbuild configuration the app is built with: the `ceremony` CLI (scripts/build-cli.mjs),
// the Electron main process and preload (scripts/build-electron.mjs), and the child processes the
// fault and crash tests start "as the app ships". All of them bundle src/ the same way and put
// the HSM worker (src/hsm runs PKCS#11 in a worker thread) next to the bundle that starts it.
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Loaded from node_modules at run time: the native addons, and pdfkit, which reads its font
 * metrics from files next to its own sources and so cannot be moved into a bundle.
 */
export const MAIN_EXTERNALS = ["electron", "pkcs11js", "better-sqlite3", "pdfkit"];

/** Bundled CommonJS dependencies still call require(), which an ES module has to create for itself. */
export const ESM_REQUIRE_BANNER = 'import { createRequire as __ceremonyCreateRequire } from "node:module"; const require = __ceremonyCreateRequire(import.meta.url);';

/** @type {import("esbuild").BuildOptions} */
export const NODE_BUILD = {
  absWorkingDir: projectRoot,
  // Its "paths" entry maps "ceremony-core-service" to src/api/service.ts, or to the stub.
  tsconfig: "tsconfig.json",
  bundle: true,
  platform: "node",
  // package.json "engines": the CLI runs on Node 20; Electron's Node is newer.
  target: "node20",
};

const HSM_WORKER = { source: "src/hsm/worker.ts", boot: "src/hsm/worker-boot.mjs" };

/**
 * Writes worker.js and worker-boot.mjs into `outDir`, where src/hsm/hsm-client.ts looks for
 * them (next to the module that starts the worker). Returns the files written (none when the
 * worker does not exist) and the source files they were built from.
 * @param {string} outDir
 * @param {import("esbuild").BuildOptions} [options]
 */
export async function buildHsmWorker(outDir, options = {}) {
  if (!existsSync(path.join(projectRoot, HSM_WORKER.source))) return { files: [], inputs: [] };
  const result = await build({
    ...NODE_BUILD,
    entryPoints: [HSM_WORKER.source],
    outfile: path.join(outDir, "worker.js"),
    // The worker is ES module code (package.json "type": "module").
    format: "esm",
    external: MAIN_EXTERNALS,
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    ...options,
  });
  copyFileSync(path.join(projectRoot, HSM_WORKER.boot), path.join(outDir, "worker-boot.mjs"));
  return { files: ["worker.js", "worker-boot.mjs"], inputs: [...Object.keys(result.metafile.inputs), HSM_WORKER.boot] };
}
