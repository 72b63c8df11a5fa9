/**
 * Main process: lifecycle and wiring. The rules themselves are in security.ts, app-protocol.ts
 * and ipc.ts; this file only calls them in the order Electron requires (some before "ready").
 *
 * Bundled to out/main.cjs by scripts/build-electron.mjs, so __dirname is the out/ folder, inside
 * app.asar when packaged: the preload sits next to it and the renderer build at ../renderer/dist.
 */
import path from "node:path";
import { app, dialog, ipcMain, Menu, protocol, session } from "electron";
import { contract } from "../src/api/contract.ts";
import { serveAppRequest } from "./app-protocol.ts";
import { APP_SCHEME } from "./app-url.ts";
import { registerIpcHandlers } from "./ipc.ts";
import { applicationMenuTemplate } from "./menu.ts";
import { forwardProgress } from "./progress.ts";
import { hardenAppBeforeReady, hardenSession, weakeningSwitchesPresent } from "./security.ts";
import { loadService, type CoreModule } from "./service-loader.ts";
import { CeremonyWindows } from "./windows.ts";

const RENDERER_DIR = path.join(__dirname, "..", "renderer", "dist");
const PRELOAD_PATH = path.join(__dirname, "preload.cjs");
const CEREMONY_SCRIPTS_DIR = path.join(__dirname, "..", "ceremony-scripts");

// "ceremony-core-service" is src/api/service.ts (tsconfig.json "paths"). Imported
// dynamically so that a core that fails to load is reported instead of crashing main.
const importCore = (): Promise<CoreModule> => import("ceremony-core-service");

function start(): void {
  const weakening = weakeningSwitchesPresent(app.commandLine);
  if (app.isPackaged && weakening.length > 0) {
    dialog.showErrorBox(
      "Ceremony Workstation will not start",
      `It was started with ${weakening.map((name) => `--${name}`).join(", ")}, which would weaken its protections. ` +
        "Start it again without these options. (If it needs --no-sandbox to start, install the .deb package instead of the AppImage; see docs/packaging.md.)",
    );
    app.exit(1);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  hardenAppBeforeReady(app, protocol);

  const windows = new CeremonyWindows(PRELOAD_PATH, app.isPackaged);
  app.on("second-instance", () => windows.focusOfficerWindow());
  app.on("window-all-closed", () => app.quit());

  app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, RENDERER_DIR));
    Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ isPackaged: app.isPackaged, openWitnessView: () => windows.openWitnessView() })));

    const { service, startupError } = await loadService(importCore, {
      onProgress: (event) => forwardProgress(windows.progressTargets(), event),
      dataDir: app.getPath("userData"),
      ceremonyScriptsDir: CEREMONY_SCRIPTS_DIR,
    });
    if (startupError !== undefined) {
      console.error("the core service could not start", startupError);
      dialog.showErrorBox("The core of Ceremony Workstation could not start", describe(startupError));
    }
    registerIpcHandlers(ipcMain, contract, service, (id) => windows.isOurContents(id));
    // Closing the app ends the HSM session and closes the journal cleanly (the journal survives a crash anyway).
    const closable = service as Partial<{ close(): Promise<void> }>;
    app.once("will-quit", (event) => {
      if (typeof closable.close !== "function") return;
      event.preventDefault();
      void closable.close().finally(() => app.exit(0));
    });
    windows.openOfficerWindow(() => app.quit());
  }).catch((error: unknown) => {
    console.error("startup failed", error);
    dialog.showErrorBox("Ceremony Workstation could not start", describe(error));
    app.exit(1);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

start();
