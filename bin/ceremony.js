#!/usr/bin/env node
// The `ceremony` command. Runs the TypeScript sources through tsx, so the CLI needs no build step.
import { register } from "tsx/esm/api";

// Output piped into `head` and closed early is not an error of the ceremony.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
