/**
 * Global set-up of the E2E run (vitest.e2e.config.ts): the renderer is built once, here, when it
 * is missing or older than its sources. The files then run side by side, and each one's own
 * `ensureRendererBuild()` finds the build fresh instead of two files building it at once.
 */
import { ensureRendererBuild } from "../../harness/renderer-build.ts";

export default async function setup(): Promise<void> {
  await ensureRendererBuild((line) => process.stdout.write(`global setup: ${line}\n`));
}
