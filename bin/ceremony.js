#!/usr/bin/env node
// The `ceremony` command: starts the compiled CLI in dist/cli (npm run build; scripts/setup.sh
// builds it too). A build older than the sources would silently run old code, so it refuses
// one; `npm run ceremony:dev -- ARGS` runs the sources through tsx instead.
//
// Start-up is what people wait for at every command (issue 16): the freshness check's stat calls
// run on libuv's threads while the main thread loads the CLI's modules, and the command starts
// only once both are done. Source maps (3 MB to read and index at every start) are turned on only
// where a stack trace is shown at all: CEREMONY_DEBUG=1 (src/cli/main.ts).
import { cliBuildStaleness } from "../scripts/cli-build-freshness.mjs";

const debug = process.env.CEREMONY_DEBUG === "1";
if (debug) process.setSourceMapsEnabled(true);
const staleness = cliBuildStaleness();
const loaded = import("../dist/cli/ceremony.mjs").then(
  (cli) => ({ cli }),
  (error) => ({ error }),
);
const stale = await staleness;
if (stale !== undefined) {
  process.stderr.write(`ceremony: the compiled CLI in dist/cli ${stale}; run \`npm run build\`\n`);
  process.exit(2);
}
const { cli, error } = await loaded;
if (error !== undefined) throw error;
await cli.start();
