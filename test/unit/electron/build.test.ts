/**
 * Runs the real esbuild step into a temporary folder and reads what it wrote: the sandboxed
 * preload can require nothing but "electron", and main requires only Node built-ins and the
 * modules that electron-builder ships in node_modules.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface BuildScript {
  buildElectron(options: { outDir: string; logLevel: string }): Promise<{ outDir: string; outputs: string[]; hasCore: boolean }>;
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
}, 60_000);

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
    expect(readFileSync(path.join(outDir, "main.cjs"), "utf8")).not.toMatch(/import\.meta/);
  });
});
