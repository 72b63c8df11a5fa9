/**
 * The child processes of the fault suite run the app's code bundled exactly as the packaged app
 * bundles it (scripts/build-electron.mjs: main bundle plus the HSM worker as plain JavaScript).
 * A TypeScript worker under tsx takes ~160 ms to start; the bundled one ~40 ms, and the fault
 * matrix starts over a thousand of them.
 */
import { copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { faultRunDir } from "./fault-table.ts";

const BUNDLES = {
  crash: "test/faults/support/crash-entry.ts",
  hsmShard: "test/faults/support/hsm-fault-shard.ts",
} as const;

/**
 * What starts a child process, in this run's folder: start.cjs (code-cache-start.cjs), which runs
 * the bundle main.cjs next to it with V8's code cache.
 */
export function bundleMain(name: keyof typeof BUNDLES, inGlobalSetup = false): string {
  return resolve(faultRunDir(inGlobalSetup), "build", name, "start.cjs");
}

export async function buildFaultBundles(): Promise<void> {
  // @ts-expect-error -- a JavaScript build script without type declarations
  const { buildElectron } = (await import("../../../scripts/build-electron.mjs")) as {
    buildElectron(options: { outDir: string; mainEntry: string; logLevel?: string }): Promise<unknown>;
  };
  for (const [name, entry] of Object.entries(BUNDLES)) {
    const outDir = dirname(bundleMain(name as keyof typeof BUNDLES, true));
    await buildElectron({ outDir, mainEntry: entry, logLevel: "error" });
    copyFileSync(join(import.meta.dirname, "../../helpers/code-cache-start.cjs"), join(outDir, "start.cjs"));
  }
}
