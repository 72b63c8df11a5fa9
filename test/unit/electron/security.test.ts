import { describe, expect, it } from "vitest";
import {
  hardenAppBeforeReady,
  hardenSession,
  hardenWebContents,
  secureWebPreferences,
  shouldCancelRequest,
  weakeningSwitchesPresent,
} from "../../../electron/security.ts";
import { FakeEmitter, FakeEvent, FakeSession, FakeWebContents } from "./fakes.ts";

describe("secureWebPreferences", () => {
  it("isolates, sandboxes and strips Node from every window", () => {
    expect(secureWebPreferences("/app/out/preload.cjs", true)).toEqual({
      preload: "/app/out/preload.cjs",
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
      devTools: false,
      safeDialogs: true,
      navigateOnDragDrop: false,
    });
  });

  it("allows developer tools only in an unpackaged build", () => {
    expect(secureWebPreferences("p", true).devTools).toBe(false);
    expect(secureWebPreferences("p", false).devTools).toBe(true);
  });

  it("names no Blink feature to enable", () => {
    const preferences = secureWebPreferences("p", true);
    expect(Object.hasOwn(preferences, "enableBlinkFeatures")).toBe(true);
    expect(preferences.enableBlinkFeatures).toBeUndefined();
  });
});

describe("hardenWebContents", () => {
  const hardened = (): FakeWebContents => {
    const contents = new FakeWebContents();
    hardenWebContents(contents);
    return contents;
  };

  it.each(["will-navigate", "will-frame-navigate", "will-redirect", "will-attach-webview"])("prevents %s", (eventName) => {
    const contents = hardened();
    const event = new FakeEvent();
    contents.emit(eventName, event, "https://example.org/");
    expect(event.prevented).toBe(true);
  });

  it("denies every window.open", () => {
    expect(hardened().windowOpenHandler?.()).toEqual({ action: "deny" });
  });

  it("cancels the Bluetooth chooser instead of letting Chromium pick a device", () => {
    const contents = hardened();
    const event = new FakeEvent();
    const chosen: string[] = [];
    contents.emit("select-bluetooth-device", event, [{ deviceId: "aa:bb" }], (id: string) => chosen.push(id));
    expect(event.prevented).toBe(true);
    expect(chosen).toEqual([""]);
  });
});

describe("hardenSession", () => {
  const hardened = (): FakeSession => {
    const session = new FakeSession();
    hardenSession(session);
    return session;
  };

  it.each(["media", "geolocation", "notifications", "openExternal", "clipboard-read", "fullscreen", "unknown"])(
    "refuses the %s permission request",
    (permission) => {
      const answers: boolean[] = [];
      hardened().permissionRequest?.({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
    },
  );

  it("answers every permission check and device check with no", () => {
    const session = hardened();
    expect(session.permissionCheck?.()).toBe(false);
    expect(session.devicePermission?.()).toBe(false);
  });

  it("cancels the HID, USB and serial choosers, so the page never reaches the HSM's USB device", () => {
    const session = hardened();
    const hid = new FakeEvent();
    const usb = new FakeEvent();
    const serial = new FakeEvent();
    const picks: unknown[] = [];
    session.emit("select-hid-device", hid, { deviceList: [{ deviceId: "hsm" }] }, (id?: string | null) => picks.push(id));
    session.emit("select-usb-device", usb, { deviceList: [{ deviceId: "hsm" }] }, (id?: string) => picks.push(id));
    session.emit("select-serial-port", serial, [{ portId: "ttyUSB0" }], {}, (id: string) => picks.push(id));
    expect([hid.prevented, usb.prevented, serial.prevented]).toEqual([true, true, true]);
    expect(picks).toEqual([null, undefined, ""]);
  });

  it("turns the spellchecker off, so no dictionary is ever downloaded", () => {
    expect(hardened().spellCheckerEnabled).toBe(false);
  });

  it("prevents downloads", () => {
    const session = hardened();
    const event = new FakeEvent();
    session.emit("will-download", event, {}, {});
    expect(event.prevented).toBe(true);
  });

  it("routes every request through the request filter", () => {
    const session = hardened();
    const decisions: boolean[] = [];
    session.beforeRequest?.({ url: "https://example.org/", resourceType: "xhr" }, (r) => decisions.push(r.cancel));
    session.beforeRequest?.({ url: "app://ceremony/index.html", resourceType: "mainFrame" }, (r) => decisions.push(r.cancel));
    expect(decisions).toEqual([true, false]);
  });
});

describe("shouldCancelRequest", () => {
  it.each([
    ["http://example.org/", "xhr"],
    ["https://example.org/", "script"],
    ["ws://127.0.0.1:8080/", "webSocket"],
    ["wss://example.org/socket", "webSocket"],
    ["ftp://example.org/file", "other"],
    ["file:///etc/passwd", "mainFrame"],
    ["blob:app://ceremony/6a1c", "image"],
    ["chrome-extension://abc/script.js", "script"],
    ["data:text/html,<script>alert(1)</script>", "subFrame"],
    ["data:text/javascript,alert(1)", "script"],
    ["app://evil/index.html", "mainFrame"],
    ["app://user@ceremony/index.html", "script"],
    ["not a url", "other"],
  ])("cancels %s (%s)", (url, resourceType) => {
    expect(shouldCancelRequest({ url, resourceType })).toBe(true);
  });

  it.each([
    ["app://ceremony/index.html", "mainFrame"],
    ["app://ceremony/assets/index-3f2a.js", "script"],
    ["data:image/png;base64,iVBORw0KGgo=", "image"],
    ["devtools://devtools/bundled/inspector.html", "mainFrame"],
  ])("lets %s (%s) through", (url, resourceType) => {
    expect(shouldCancelRequest({ url, resourceType })).toBe(false);
  });
});

describe("hardenAppBeforeReady", () => {
  it("enables the sandbox, registers app:// as standard and secure only, and hardens every new webContents", () => {
    const calls: string[] = [];
    const app = new (class extends FakeEmitter {
      enableSandbox(): void {
        calls.push("enableSandbox");
      }
    })();
    const registered: unknown[] = [];
    hardenAppBeforeReady(app, { registerSchemesAsPrivileged: (schemes) => registered.push(...schemes) });

    expect(calls).toEqual(["enableSandbox"]);
    expect(registered).toEqual([{ scheme: "app", privileges: { standard: true, secure: true } }]);

    const contents = new FakeWebContents();
    app.emit("web-contents-created", {}, contents);
    const navigation = new FakeEvent();
    contents.emit("will-navigate", navigation, "https://example.org/");
    expect(navigation.prevented).toBe(true);
    expect(contents.windowOpenHandler?.()).toEqual({ action: "deny" });
  });
});

describe("weakeningSwitchesPresent", () => {
  const commandLine = (...switches: string[]) => ({ hasSwitch: (name: string) => switches.includes(name) });

  it("names each switch that would undo the hardening", () => {
    expect(weakeningSwitchesPresent(commandLine("remote-debugging-port", "no-sandbox", "lang"))).toEqual(["remote-debugging-port", "no-sandbox"]);
  });

  it("finds nothing on an ordinary start", () => {
    expect(weakeningSwitchesPresent(commandLine("lang", "ozone-platform"))).toEqual([]);
  });
});
