#!/usr/bin/env node
// The `ceremony` command: starts the compiled CLI in dist/cli (npm run build; scripts/setup.sh
// builds it too). A build older than the sources would silently run old code, so it refuses
// one; `npm run ceremony:dev -- ARGS` runs the sources through tsx instead.
import { isCliBuildStale } from "../scripts/cli-build-freshness.mjs";

const stale = isCliBuildStale();
if (stale !== undefined) {
  process.stderr.write(`ceremony: the compiled CLI in dist/cli ${stale}; run \`npm run build\`\n`);
  process.exit(2);
}
// Stack traces of an unexpected error point into src/, not into the bundle.
process.setSourceMapsEnabled(true);
await import("../dist/cli/ceremony.mjs");
