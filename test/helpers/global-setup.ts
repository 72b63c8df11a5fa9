/**
 * Global set-up of the unit + integration run (vitest.config.ts): tests that start the `ceremony`
 * command start the compiled CLI (bin/ceremony.js → dist/cli), so it is built here when missing
 * or older than its sources; and the crash driver (test/helpers/crash-driver.ts) is bundled as the
 * app ships (scripts/build-electron.mjs), as the fault suite bundles its children: a child
 * process then starts in tens of milliseconds instead of seconds under tsx, also on a busy machine.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The bundled crash driver's start script: `node <crashDriver> ARGS…`. */
    crashDriver: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject): Promise<() => void> {
  // @ts-expect-error -- a JavaScript build script without type declarations
  const cli = (await import("../../scripts/build-cli.mjs")) as { buildCli(o: { logLevel: string }): Promise<unknown>; isCliBuildStale(): string | undefined };
  const stale = cli.isCliBuildStale();
  if (stale !== undefined) {
    process.stdout.write(`global setup: the compiled CLI ${stale}; building it\n`);
    await cli.buildCli({ logLevel: "error" });
  }
  // @ts-expect-error -- a JavaScript build script without type declarations
  const electron = (await import("../../scripts/build-electron.mjs")) as { buildElectron(o: { outDir: string; mainEntry: string; logLevel: string }): Promise<unknown> };
  // Inside the project, so that package.json ("type": "module") applies to the bundled HSM worker.
  const outDir = join(ROOT, "test-results", "bundles", String(process.pid));
  mkdirSync(outDir, { recursive: true });
  await electron.buildElectron({ outDir, mainEntry: "test/helpers/crash-driver.ts", logLevel: "error" });
  // Started through start.cjs, which runs main.cjs with V8's code cache (code-cache-start.cjs).
  copyFileSync(join(import.meta.dirname, "code-cache-start.cjs"), join(outDir, "start.cjs"));
  project.provide("crashDriver", join(outDir, "start.cjs"));
  return () => rmSync(outDir, { recursive: true, force: true });
}
