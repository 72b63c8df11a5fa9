/**
 * The `ceremony` executable: what `npm run build` bundles into dist/cli/ceremony.mjs. bin/ceremony.js
 * imports it (while it checks that the build is fresh) and then calls start(); `npm run
 * ceremony:dev -- ARGS` runs this file from source with tsx, and it starts itself.
 */
import { pathToFileURL } from "node:url";
import { main } from "./main.ts";

export async function start(): Promise<void> {
  // Output piped into `head` and closed early is not an error of the ceremony.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}

// Run directly (tsx src/cli/bin.ts), not imported by bin/ceremony.js.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await start();
