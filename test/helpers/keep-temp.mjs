// Preload for `node --import` in secret scans: below $KEEP_TEMP_UNDER, fs.promises.rm moves a
// folder into $KEEP_TEMP_IN instead of deleting it, so that the temporary folders a command
// writes (rehearsal tokens, card staging, QR scans) can be scanned after it has finished.
// Everything else the command does is unchanged.
import { basename, join } from "node:path";
import { createRequire, syncBuiltinESMExports } from "node:module";

const require = createRequire(import.meta.url);
const fsp = require("node:fs/promises");
const under = process.env.KEEP_TEMP_UNDER;
const keepIn = process.env.KEEP_TEMP_IN;
const rm = fsp.rm;
let kept = 0;

if (under && keepIn) {
  fsp.rm = async (path, options) => {
    const p = String(path);
    if (!p.startsWith(`${under}/`)) return rm(path, options);
    try {
      await fsp.rename(p, join(keepIn, `${process.pid}-${kept++}-${basename(p)}`));
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  };
  // ES module imports of node:fs/promises see the replaced function too.
  syncBuiltinESMExports();
}
