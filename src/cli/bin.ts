/**
 * The `ceremony` executable: what `npm run build` bundles into dist/cli/ceremony.mjs, which
 * bin/ceremony.js starts. `npm run ceremony:dev -- ARGS` runs this file from source with tsx.
 */
import { main } from "./main.ts";

// Output piped into `head` and closed early is not an error of the ceremony.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
