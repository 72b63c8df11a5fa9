/**
 * Rules read off the source of electron/: things that must never be written there, whatever
 * the unit tests of each function say. Each rule is also run against a known-bad line, so a
 * pattern that has stopped matching anything fails here instead of passing silently.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ELECTRON_DIR = path.resolve(import.meta.dirname, "../../../electron");
const sources = readdirSync(ELECTRON_DIR, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => ({ file, text: readFileSync(path.join(ELECTRON_DIR, file), "utf8") }));

const FORBIDDEN: Array<{ rule: string; pattern: RegExp; example: string }> = [
  { rule: "shell.openExternal", pattern: /openExternal\s*\(/, example: "shell.openExternal(url)" },
  { rule: "the shell module", pattern: /\bshell\b[^\n]*from\s+["']electron["']|\{[^}]*\bshell\b[^}]*\}\s*=\s*require\(["']electron["']\)/, example: 'import { app, shell } from "electron";' },
  { rule: "Node in the renderer", pattern: /nodeIntegration\w*\s*:\s*true/, example: "nodeIntegrationInSubFrames: true" },
  { rule: "no context isolation", pattern: /contextIsolation\s*:\s*false/, example: "contextIsolation: false" },
  { rule: "no sandbox", pattern: /sandbox\s*:\s*false/, example: "sandbox: false" },
  { rule: "no web security", pattern: /webSecurity\s*:\s*false/, example: "webSecurity:false" },
  { rule: "insecure content", pattern: /allowRunningInsecureContent\s*:\s*true/, example: "allowRunningInsecureContent: true" },
  { rule: "experimental features", pattern: /experimentalFeatures\s*:\s*true/, example: "experimentalFeatures: true" },
  { rule: "Blink features", pattern: /enableBlinkFeatures\s*:\s*["'`]/, example: 'enableBlinkFeatures: "CSSVariables"' },
  { rule: "webview", pattern: /webviewTag\s*:\s*true/, example: "webviewTag: true" },
  { rule: "scheme privileges beyond standard and secure", pattern: /\b(bypassCSP|corsEnabled|supportFetchAPI|allowServiceWorkers|stream)\s*:\s*true/, example: "bypassCSP: true" },
  { rule: "file:// loading", pattern: /\.loadFile\s*\(|registerFileProtocol|interceptFileProtocol/, example: "win.loadFile('index.html')" },
  { rule: "allowing a window.open", pattern: /action\s*:\s*["']allow["']/, example: 'return { action: "allow" }' },
  { rule: "clearing a permission handler", pattern: /set\w*(Permission|Device)\w*Handler\s*\(\s*null/, example: "ses.setPermissionCheckHandler(null)" },
  { rule: "weakening Chromium switches", pattern: /appendSwitch\s*\(\s*["'](no-sandbox|disable-web-security|remote-debugging-port|ignore-certificate-errors)/, example: 'app.commandLine.appendSwitch("no-sandbox")' },
  { rule: "exposing ipcRenderer", pattern: /exposeInMainWorld\s*\([^)]*\bipcRenderer\s*\)/, example: 'contextBridge.exposeInMainWorld("ipc", ipcRenderer)' },
];

describe("electron/ source rules", () => {
  it("finds the source files", () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(["main.ts", "preload.ts", "security.ts", "ipc.ts", "app-protocol.ts"]));
  });

  it.each(FORBIDDEN)("never uses $rule", ({ pattern, example }) => {
    expect(example).toMatch(pattern);
    const offenders = sources.filter(({ text }) => pattern.test(text)).map(({ file }) => file);
    expect(offenders).toEqual([]);
  });

  it("creates windows in one place, always with secureWebPreferences", () => {
    const creators = sources.filter(({ text }) => /new BrowserWindow\s*\(/.test(text)).map(({ file }) => file);
    expect(creators).toEqual(["windows.ts"]);
    for (const { text } of sources) {
      for (const match of text.matchAll(/webPreferences\s*:\s*([^\n,]*)/g)) expect(match[1]).toMatch(/^secureWebPreferences\(/);
    }
  });

  it("exposes window.ceremony once, from the preload", () => {
    const exposures = sources.flatMap(({ file, text }) => [...text.matchAll(/exposeInMainWorld\(\s*["'](\w+)["']/g)].map((m) => `${file}:${m[1]}`));
    expect(exposures).toEqual(["preload.ts:ceremony"]);
  });
});
