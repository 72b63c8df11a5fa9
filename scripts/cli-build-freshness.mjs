// Whether dist/cli still matches the sources. Kept apart from scripts/build-cli.mjs so that
// bin/ceremony.js can ask at every start without loading esbuild: one stat call per source file,
// which bin/ceremony.js runs in the background (cliBuildStaleness) while the CLI loads.
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI_DIR = path.join(projectRoot, "dist/cli");
/** Written last by the build: the project files it was built from, relative to the project. */
export const INPUTS = "build-inputs.json";

/**
 * Why the build in `outDir` cannot be trusted to run the current sources ("is not built", or "is
 * older than" the first source file changed after it), or undefined when it is up to date. A source file that
 * does not exist (an installed copy without src/) does not make it stale.
 */
export function isCliBuildStale(outDir = CLI_DIR) {
  let built;
  let inputs;
  try {
    built = statSync(path.join(outDir, INPUTS)).mtimeMs;
    inputs = JSON.parse(readFileSync(path.join(outDir, INPUTS), "utf8"));
  } catch {
    return "is not built";
  }
  for (const file of inputs) {
    try {
      if (statSync(path.join(projectRoot, file)).mtimeMs > built) return `is older than ${file}`;
    } catch {
      // Not there: nothing newer to run.
    }
  }
  return undefined;
}


/** isCliBuildStale, with every stat call in flight at once (libuv's threads), for bin/ceremony.js. */
export async function cliBuildStaleness(outDir = CLI_DIR) {
  let built;
  let inputs;
  try {
    [built, inputs] = await Promise.all([stat(path.join(outDir, INPUTS)).then((s) => s.mtimeMs), readFile(path.join(outDir, INPUTS), "utf8").then(JSON.parse)]);
  } catch {
    return "is not built";
  }
  const times = await Promise.all(inputs.map((file) => stat(path.join(projectRoot, file)).then((s) => s.mtimeMs, () => 0)));
  const newer = inputs.find((_, i) => times[i] > built);
  return newer === undefined ? undefined : `is older than ${newer}`;
}
