/**
 * ============================================================================================
 * SECURITY — the block reviewers read. Every hardening rule of the main process lives here, in
 * app-protocol.ts (what app:// serves) and in ipc.ts (who may call the core, what crosses back).
 * ============================================================================================
 *
 * The renderer is treated as untrusted: it shows text and collects clicks, and everything it may
 * do goes through window.ceremony. So each window is sandboxed without Node, may not navigate,
 * open windows, attach webviews, download, reach any network or device, or be granted any
 * permission (Electron security checklist; docs/architecture.md "Security invariants").
 *
 * Functions take the few Electron members they touch as structural types, so the unit tests hand
 * in small fakes and run without an Electron binary.
 */
import type { CustomScheme, WebPreferences } from "electron";
import { APP_SCHEME_PRIVILEGES } from "./app-protocol.ts";
import { APP_HOST, APP_SCHEME } from "./app-url.ts";

/** Every BrowserWindow gets exactly these; never spread or override them elsewhere. */
export function secureWebPreferences(preloadPath: string, isPackaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: undefined,
    webviewTag: false,
    plugins: false,
    spellcheck: false,
    // A packaged build is what runs in the ceremony room; there the page cannot be inspected.
    devTools: !isPackaged,
    safeDialogs: true,
    navigateOnDragDrop: false,
  };
}

/** The Electron Event of navigation, attach and chooser events: all we do with it is refuse. */
export interface Preventable {
  preventDefault(): void;
}

export interface GuardedContents {
  on(event: "will-navigate", listener: (event: Preventable) => void): unknown;
  on(event: "will-frame-navigate", listener: (event: Preventable) => void): unknown;
  on(event: "will-redirect", listener: (event: Preventable) => void): unknown;
  on(event: "will-attach-webview", listener: (event: Preventable) => void): unknown;
  on(
    event: "select-bluetooth-device",
    listener: (event: Preventable, devices: unknown, callback: (deviceId: string) => void) => void,
  ): unknown;
  setWindowOpenHandler(handler: () => { action: "deny" }): void;
}

/**
 * Applied to every webContents the app ever creates (main.ts wires it to "web-contents-created",
 * so windows, devtools and anything Chromium creates later are covered alike). The page is one
 * document whose routes are hash changes, which are in-page and fire none of these events.
 */
export function hardenWebContents(contents: GuardedContents): void {
  const refuse = (event: Preventable): void => event.preventDefault();
  contents.on("will-navigate", refuse);
  contents.on("will-frame-navigate", refuse);
  contents.on("will-redirect", refuse);
  contents.on("will-attach-webview", refuse);
  // Without preventDefault Chromium picks the first Bluetooth device on its own.
  contents.on("select-bluetooth-device", (event, _devices, callback) => {
    event.preventDefault();
    callback("");
  });
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
}

export interface RequestDetails {
  url: string;
  resourceType: string;
}

export interface GuardedSession {
  setSpellCheckerEnabled(enable: boolean): void;
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  on(event: "select-hid-device", listener: (event: Preventable, details: unknown, callback: (deviceId?: string | null) => void) => void): unknown;
  on(event: "select-usb-device", listener: (event: Preventable, details: unknown, callback: (deviceId?: string) => void) => void): unknown;
  on(event: "select-serial-port", listener: (event: Preventable, ports: unknown, webContents: unknown, callback: (portId: string) => void) => void): unknown;
  on(event: "will-download", listener: (event: Preventable) => void): unknown;
  readonly webRequest: {
    onBeforeRequest(listener: (details: RequestDetails, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

/**
 * Session-wide rules, set before the first window loads. The HSM is a USB device: WebUSB, WebHID
 * or Web Serial access from the page would bypass PKCS#11 and its PIN, so device access is
 * refused outright, as is every other permission.
 */
export function hardenSession(session: GuardedSession): void {
  // The spellchecker would fetch dictionaries from Google's CDN; no window uses it anyway.
  session.setSpellCheckerEnabled(false);
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on("select-hid-device", (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on("select-usb-device", (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on("select-serial-port", (event, _ports, _webContents, callback) => {
    event.preventDefault();
    callback("");
  });
  // Files leave the app only through the core (exclusive create, in the bundle folder).
  session.on("will-download", (event) => event.preventDefault());
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: shouldCancelRequest(details) }));
}

/**
 * The request filter: an allowlist, so every scheme not named here (http, https, ws, wss, ftp,
 * file, blob, chrome-extension, …) is cancelled. data: is allowed for images only, matching the
 * CSP's img-src; devtools: only matters where devTools is on, i.e. unpackaged builds.
 */
export function shouldCancelRequest(details: RequestDetails): boolean {
  let url: URL;
  try {
    url = new URL(details.url);
  } catch {
    return true;
  }
  switch (url.protocol) {
    case `${APP_SCHEME}:`:
      return url.host !== APP_HOST || url.username !== "" || url.password !== "";
    case "devtools:":
      return false;
    case "data:":
      return details.resourceType !== "image";
    default:
      return true;
  }
}

export interface GuardedApp {
  enableSandbox(): void;
  on(event: "web-contents-created", listener: (event: unknown, contents: GuardedContents) => void): unknown;
}

/**
 * Must run before the app's "ready" event: both the sandbox switch and scheme privileges are
 * fixed at startup. Hardware acceleration stays on: the GPU process is sandboxed, reaches no
 * network, and the witness view needs smooth large text on a projector.
 */
export function hardenAppBeforeReady(
  app: GuardedApp,
  protocol: { registerSchemesAsPrivileged(schemes: CustomScheme[]): void },
): void {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.on("web-contents-created", (_event, contents) => hardenWebContents(contents));
}

/**
 * Chromium switches that would undo the rules above: a debugging port hands the page and
 * window.ceremony to any local process, and --no-sandbox or --disable-web-security lift the
 * renderer's walls. The fuses (scripts/after-pack-fuses.cjs) cover Node's own --inspect flags;
 * these are Chromium's, which no fuse covers, so a packaged build refuses to start with them.
 */
export const WEAKENING_SWITCHES = [
  "remote-debugging-port",
  "remote-debugging-pipe",
  "no-sandbox",
  "disable-web-security",
  "disable-site-isolation-trials",
  "allow-running-insecure-content",
  "js-flags",
] as const;

export function weakeningSwitchesPresent(commandLine: { hasSwitch(name: string): boolean }): string[] {
  return WEAKENING_SWITCHES.filter((name) => commandLine.hasSwitch(name));
}
