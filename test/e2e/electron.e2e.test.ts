/**
 * The packaged-app view of the security rules: launches the real Electron binary on out/main.cjs
 * and checks, from inside the page and from main, what the unit tests check function by function.
 *
 * Electron's npm package downloads its binary at install time, which offline machines cannot do;
 * there this file is skipped and says why. Needs renderer/dist (the renderer build) and, on a
 * headless Linux machine, a display (e.g. `xvfb-run npx vitest run --config vitest.e2e.config.ts`).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { _electron, type ElectronApplication, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PROJECT = path.resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);

/** Where require("electron") points, or where it would point once the binary is downloaded. */
function electronBinary(): { path: string; exists: boolean } {
  try {
    const binary = require("electron") as unknown as string;
    return { path: binary, exists: existsSync(binary) };
  } catch {
    // The package throws when its install script never fetched the binary (no path.txt).
    return { path: path.join(path.dirname(require.resolve("electron/package.json")), "dist", "electron"), exists: false };
  }
}

const electron = electronBinary();
if (!electron.exists) {
  console.log(`Electron E2E skipped: no Electron binary at ${electron.path} (offline machine; the npm package's binary download cannot run here)`);
}

describe.skipIf(!electron.exists)("Ceremony Workstation in Electron", () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(path.join(PROJECT, "renderer/dist/index.html"))) {
      throw new Error("renderer/dist/index.html is missing: build the renderer before running the Electron E2E");
    }
    const { buildElectron } = (await import(pathToFileURL(path.join(PROJECT, "scripts/build-electron.mjs")).href)) as {
      buildElectron(): Promise<unknown>;
    };
    await buildElectron();
    app = await _electron.launch({ executablePath: electron.path, args: [path.join(PROJECT, "out/main.cjs")], cwd: PROJECT });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("loads the start screen from app://ceremony", async () => {
    expect(page.url()).toBe("app://ceremony/index.html");
    await page.waitForFunction(() => document.body.innerText.trim().length > 0);
    await expect(page.getByRole("heading").first().isVisible()).resolves.toBe(true);
  });

  it("gives the page window.ceremony and no Node", async () => {
    const globals = await page.evaluate(() => ({
      ceremony: typeof (window as unknown as { ceremony?: unknown }).ceremony,
      onProgress: typeof (window as unknown as { ceremony?: { onProgress?: unknown } }).ceremony?.onProgress,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      module: typeof (globalThis as { module?: unknown }).module,
    }));
    expect(globals).toEqual({ ceremony: "object", onProgress: "function", require: "undefined", process: "undefined", module: "undefined" });
  });

  it("refuses network requests and new windows from the page", async () => {
    const outcome = await page.evaluate(async () => {
      const fetched = await fetch("https://example.org/").then(
        () => "fetched",
        () => "refused",
      );
      return { fetched, opened: window.open("https://example.org/") === null ? "refused" : "opened" };
    });
    expect(outcome).toEqual({ fetched: "refused", opened: "refused" });
  });

  it("stays on app://ceremony when the page tries to navigate away", async () => {
    // Wait on main's own answer to the attempt (its will-navigate event, refused by
    // hardenWebContents before this listener runs), not on the clock.
    await app.evaluate(({ webContents }) => {
      const contents = webContents.getAllWebContents()[0]!;
      (globalThis as { navigationRefused?: Promise<boolean> }).navigationRefused = new Promise<boolean>((resolve) => {
        contents.once("will-navigate", (event) => resolve(event.defaultPrevented));
      });
    });
    await page.evaluate(() => {
      window.location.href = "https://example.org/";
    });
    await expect(app.evaluate(() => (globalThis as { navigationRefused?: Promise<boolean> }).navigationRefused)).resolves.toBe(true);
    expect(page.url()).toMatch(/^app:\/\/ceremony\/index\.html/);
  });

  it("answers through the contract, refusing a request the schema does not allow", async () => {
    type Call = (request: unknown) => Promise<{ ok: boolean; error?: Record<string, unknown> }>;
    const [valid, invalid] = await page.evaluate(async () => {
      const info = (window as unknown as { ceremony: Record<string, Call> }).ceremony["app:info"] as Call;
      return [await info({}), await info({ unexpected: true })];
    });
    expect(valid.ok).toBe(true);
    expect(invalid).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", advice: "stop" } });
    expect(Object.keys(invalid.error ?? {})).toEqual(["name", "code", "message", "advice", "adviceText"]);
  });
});
