/**
 * The app's windows: the officer's window and, on request, the witness view (a large-type
 * checklist for a projector). Both are built from secureWebPreferences and load only app://
 * URLs; the per-webContents rules come from security.ts through "web-contents-created".
 */
import { BrowserWindow, screen, type BrowserWindowConstructorOptions } from "electron";
import { START_URL, WITNESS_URL } from "./app-url.ts";
import { pickWitnessDisplay } from "./display.ts";
import type { ProgressTarget } from "./progress.ts";
import { secureWebPreferences } from "./security.ts";

const PRODUCT_NAME = "Ceremony Workstation";

export class CeremonyWindows {
  private officer: BrowserWindow | undefined;
  private witness: BrowserWindow | undefined;
  private readonly preloadPath: string;
  private readonly isPackaged: boolean;

  constructor(preloadPath: string, isPackaged: boolean) {
    this.preloadPath = preloadPath;
    this.isPackaged = isPackaged;
  }

  openOfficerWindow(onClosed: () => void): void {
    this.officer = this.create(START_URL, { title: PRODUCT_NAME, width: 1280, height: 860, minWidth: 900, minHeight: 600 });
    this.officer.on("closed", onClosed);
  }

  /** Opens the witness view on a second display, full screen, or focuses it if it is open. */
  openWitnessView(): void {
    if (this.witness !== undefined && !this.witness.isDestroyed()) {
      this.witness.focus();
      return;
    }
    const officerDisplay = this.officer === undefined ? screen.getPrimaryDisplay() : screen.getDisplayMatching(this.officer.getBounds());
    const target = pickWitnessDisplay(screen.getAllDisplays(), officerDisplay.id);
    const placement: BrowserWindowConstructorOptions = target === undefined ? { width: 1280, height: 800 } : { ...target.bounds, fullscreen: true };
    this.witness = this.create(WITNESS_URL, { title: `${PRODUCT_NAME} — witness view`, ...placement });
  }

  /** A second launch of the app brings the running one forward instead. */
  focusOfficerWindow(): void {
    if (this.officer === undefined || this.officer.isDestroyed()) return;
    if (this.officer.isMinimized()) this.officer.restore();
    this.officer.focus();
  }

  /** Whether a webContents belongs to one of these windows: the IPC sender check asks this. */
  isOurContents(webContentsId: number): boolean {
    return this.live().some((window) => window.webContents.id === webContentsId);
  }

  progressTargets(): ProgressTarget[] {
    return this.live().map((window) => window.webContents);
  }

  private live(): BrowserWindow[] {
    return [this.officer, this.witness].filter((window): window is BrowserWindow => window !== undefined && !window.isDestroyed());
  }

  private create(url: string, options: BrowserWindowConstructorOptions): BrowserWindow {
    // Electronegativity cannot see through secureWebPreferences(): it sets contextIsolation and
    // sandbox to true. A middle click (auxclick) opens nothing: hardenWebContents denies every
    // new window and navigation of every webContents (security.ts).
    const window = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
      ...options,
      show: false,
      backgroundColor: "#ffffff",
      webPreferences: secureWebPreferences(this.preloadPath, this.isPackaged),
    });
    window.once("ready-to-show", () => window.show());
    window.loadURL(url).catch((error: unknown) => console.error(`could not load ${url}`, error));
    return window;
  }
}
