/**
 * Runs the real esbuild step into a temporary folder and reads what it wrote: the sandboxed
 * preload can require nothing but "electron", and main requires only Node built-ins and the
 * modules that electron-builder ships in node_modules.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { softhsm2Config } from "../../../src/hsm/index.ts";

interface BuildScript {
  buildElectron(options: { outDir: string; logLevel: string; mainEntry?: string }): Promise<{ outDir: string; outputs: string[]; hasCore: boolean }>;
  MAIN_EXTERNALS: string[];
}

const SCRIPT = path.resolve(import.meta.dirname, "../../../scripts/build-electron.mjs");

let script: BuildScript;
let outDir: string;
let outputs: string[];

function requiredModules(file: string): string[] {
  const code = readFileSync(path.join(outDir, file), "utf8");
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] as string))].sort();
}

beforeAll(async () => {
  script = (await import(pathToFileURL(SCRIPT).href)) as BuildScript;
  outDir = mkdtempSync(path.join(tmpdir(), "build-electron-"));
  ({ outputs } = await script.buildElectron({ outDir, logLevel: "error" }));
}, 600_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("scripts/build-electron.mjs", () => {
  it("writes main.cjs and preload.cjs", () => {
    expect(outputs).toEqual(expect.arrayContaining(["main.cjs", "preload.cjs"]));
  });

  it("bundles the preload into one file whose only require is electron", () => {
    expect(requiredModules("preload.cjs")).toEqual(["electron"]);
  });

  it("leaves main only Node built-ins and the shipped external modules to require", () => {
    const allowed = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...script.MAIN_EXTERNALS]);
    expect(requiredModules("main.cjs").filter((name) => !allowed.has(name))).toEqual([]);
  });

  it("leaves no import.meta in the CommonJS main bundle", () => {
    expect(readFileSync(path.join(outDir, "main.cjs"), "utf8")).not.toMatch(/import\.meta|import_meta/);
  });

  it("gives src/ code import.meta.url, dirname and filename of the bundle", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "import-meta-"));
    try {
      const entry = path.join(dir, "entry.ts");
      writeFileSync(entry, "export const where = [import.meta.url, import.meta.dirname, import.meta.filename];\n");
      await script.buildElectron({ outDir: dir, logLevel: "silent", mainEntry: entry });
      const bundle = path.join(dir, "main.cjs");
      const { where } = createRequire(import.meta.url)(bundle) as { where: string[] };
      expect(where).toEqual([pathToFileURL(bundle).href, dir, bundle]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails the build on any other use of import.meta, which CommonJS would leave undefined", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "import-meta-"));
    try {
      const entry = path.join(dir, "entry.ts");
      writeFileSync(entry, "export const resolve = import.meta.resolve;\n");
      await expect(script.buildElectron({ outDir: dir, logLevel: "silent", mainEntry: entry })).rejects.toThrow(/import\.meta is used/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const SOFTHSM2 = "/usr/lib/softhsm/libsofthsm2.so";
const HSM_WORKER = path.resolve(import.meta.dirname, "../../../src/hsm/worker.ts");

/**
 * src/hsm runs PKCS#11 in a worker that it finds next to itself through import.meta.url. In the
 * bundle that is main.cjs, so this bundles src/hsm with main's options and opens SoftHSM2 through
 * it. The folder sits under out/ so that the project's package.json ("type": "module") applies
 * to worker.js, as it does inside app.asar.
 */
describe.skipIf(!existsSync(SOFTHSM2) || !existsSync(HSM_WORKER))("the HSM worker, bundled", () => {
  let probeDir: string;

  beforeAll(async () => {
    const projectOut = path.resolve(import.meta.dirname, "../../../out");
    probeDir = mkdtempSync(path.join(projectOut, "hsm-probe-"));
    const entry = path.join(probeDir, "entry.ts");
    writeFileSync(entry, `export { HsmClient } from ${JSON.stringify(path.resolve(import.meta.dirname, "../../../src/hsm/index.ts"))};\n`);
    await script.buildElectron({ outDir: probeDir, logLevel: "error", mainEntry: entry });
  }, 600_000);

  afterAll(() => rmSync(probeDir, { recursive: true, force: true }));

  it("starts from the bundle and loads the PKCS#11 module", async () => {
    const { HsmClient } = createRequire(import.meta.url)(path.join(probeDir, "main.cjs")) as {
      HsmClient: { open(options: { modulePath: string; env: Record<string, string> }): Promise<{ modulePath: string; close(): Promise<void> }> };
    };
    // A SoftHSM2 configuration of its own, named as the app names one: the module reads the
    // variable from the process environment, which another test in this process may have set.
    const tokens = path.join(probeDir, "tokens");
    mkdirSync(tokens);
    const conf = path.join(probeDir, "softhsm2.conf");
    writeFileSync(conf, softhsm2Config(tokens));
    const client = await HsmClient.open({ modulePath: SOFTHSM2, env: { SOFTHSM2_CONF: conf } });
    expect(client.modulePath).toBe(SOFTHSM2);
    await client.close();
  });
});
