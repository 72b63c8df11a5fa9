"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS main script: it stands in for `node main.cjs` */
/**
 * `node start.cjs ARGS…` runs main.cjs, the bundle next to this file, as `node main.cjs ARGS…`
 * would, with V8's code cache: the first process to finish writes the bytecode of every function
 * it ran to main.cjs.v8-cache, and later processes start from it instead of compiling the 2 MB
 * bundle again, function by function, as each is first called. The fault matrix starts a thousand
 * processes of the same bundle; compiling was more than half of a resumed case's CPU (a master-key
 * case resumed at event 5: 0.72 s of CPU without the cache, 0.28 s with it). The code is the same
 * bundle, compiled the same way: V8 refuses a cache made from other source or by another V8 and
 * compiles afresh. Copied next to each fault bundle by test/faults/support/bundles.ts, and next to
 * the crash driver bundle by test/helpers/global-setup.ts.
 */
const { existsSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const file = path.join(__dirname, "main.cjs");
const cacheFile = `${file}.v8-cache`;
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });

// main.cjs as the main module, as `node main.cjs` would load it.
const main = new Module(file, null);
main.filename = file;
main.paths = Module._nodeModulePaths(__dirname);
process.mainModule = main;
const mainRequire = (id) => main.require(id);
mainRequire.resolve = (request, options) => Module._resolveFilename(request, main, false, options);
mainRequire.main = main;
mainRequire.cache = Module._cache;

if (cachedData === undefined || script.cachedDataRejected) {
  // At exit every function the run called has been compiled: the cache holds them all. Written
  // aside and renamed, so a process starting meanwhile reads a whole cache or none.
  process.once("exit", () => {
    const temp = `${cacheFile}.${process.pid}`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  });
}
script.runInThisContext().call(main.exports, main.exports, mainRequire, main, file, __dirname);
