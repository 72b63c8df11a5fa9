/**
 * The child processes of the fault suite run the app's code bundled exactly as the packaged app
 * bundles it (scripts/build-electron.mjs: main bundle plus the HSM worker as plain JavaScript).
 * A TypeScript worker under tsx takes ~160 ms to start; the bundled one ~40 ms, and the fault
 * matrix starts over a thousand of them.
 */
import { resolve } from "node:path";

const BUILD = resolve(import.meta.dirname, "../../../test-results/faults/build");

export const FAULT_BUNDLES = {
  crash: { entry: "test/faults/support/crash-entry.ts", outDir: resolve(BUILD, "crash") },
  hsmShard: { entry: "test/faults/support/hsm-fault-shard.ts", outDir: resolve(BUILD, "hsm-shard") },
} as const;

export function bundleMain(name: keyof typeof FAULT_BUNDLES): string {
  return resolve(FAULT_BUNDLES[name].outDir, "main.cjs");
}

export async function buildFaultBundles(): Promise<void> {
  // @ts-expect-error -- a JavaScript build script without type declarations
  const { buildElectron } = (await import("../../../scripts/build-electron.mjs")) as {
    buildElectron(options: { outDir: string; mainEntry: string; logLevel?: string }): Promise<unknown>;
  };
  for (const bundle of Object.values(FAULT_BUNDLES)) await buildElectron({ outDir: bundle.outDir, mainEntry: bundle.entry, logLevel: "error" });
}
