import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAppUrl, serveAppRequest, servedAppFile } from "../../../electron/app-protocol.ts";
import { CONTENT_SECURITY_POLICY } from "../../../electron/csp.ts";

const ROOT = "/opt/ceremony/renderer/dist";

describe("resolveAppUrl", () => {
  it.each([
    ["app://ceremony/", "index.html", "text/html; charset=utf-8"],
    ["app://ceremony/index.html", "index.html", "text/html; charset=utf-8"],
    ["app://ceremony/assets/index-B3x_9aQ.js", "assets/index-B3x_9aQ.js", "text/javascript; charset=utf-8"],
    ["app://ceremony/assets/index-D1c.css", "assets/index-D1c.css", "text/css; charset=utf-8"],
    ["app://ceremony/icons/hsm.svg", "icons/hsm.svg", "image/svg+xml"],
    ["app://ceremony/logo.PNG", "logo.PNG", "image/png"],
    ["app://ceremony/index.html#/witness", "index.html", "text/html; charset=utf-8"],
    // The query never selects a file, whatever it contains.
    ["app://ceremony/index.html?../../etc/passwd", "index.html", "text/html; charset=utf-8"],
    ["app://ceremony/index.html?file=%2e%2e%2fetc%2fpasswd", "index.html", "text/html; charset=utf-8"],
  ])("serves %s from %s", (url, relative, mime) => {
    expect(resolveAppUrl(url, ROOT)).toEqual({ path: path.join(ROOT, relative), mime });
  });

  it.each([
    // dot segments, plain and percent-encoded in every mix
    "app://ceremony/../etc/passwd",
    "app://ceremony/../index.html",
    "app://ceremony/%2e%2e/index.html",
    "app://ceremony/.%2E/index.html",
    "app://ceremony/../../../../etc/passwd",
    "app://ceremony/assets/../index.html",
    "app://ceremony/./index.html",
    "app://ceremony/%2e%2e/etc/passwd",
    "app://ceremony/%2E%2E/%2e%2e/etc/passwd",
    "app://ceremony/.%2e/etc/passwd",
    "app://ceremony/%2e./etc/passwd",
    "app://ceremony/assets/%2e%2e/index.html",
    // encoded separators, NUL and backslashes
    "app://ceremony/..%2fetc%2fpasswd",
    "app://ceremony/assets%2f..%2f..%2fetc%2fpasswd",
    "app://ceremony/%2fetc%2fpasswd",
    "app://ceremony/..%5c..%5cetc%5cpasswd",
    "app://ceremony/assets\\..\\..\\etc\\passwd",
    "app://ceremony/index.html%00.png",
    "app://ceremony/%252e%252e/etc/passwd",
    // absolute paths and drive letters smuggled into the path
    "app://ceremony//etc/passwd.html",
    "app://ceremony/C:/Windows/win.ini",
    // hidden files, directories and unknown types
    "app://ceremony/.env",
    "app://ceremony/assets/",
    "app://ceremony/assets",
    "app://ceremony/index.html/",
    "app://ceremony/main.cjs",
    "app://ceremony/font.woff2",
    "app://ceremony/bundle.js.map",
    // hosts, ports, user info and other schemes
    "app://Ceremony/index.html",
    "app://evil/index.html",
    "app://ceremony.evil/index.html",
    "app://ceremony:8080/index.html",
    "app://user:pass@ceremony/index.html",
    "app:///etc/passwd",
    "app:/index.html",
    "app://ceremony",
    "file:///etc/passwd",
    "https://ceremony/index.html",
    "",
    "not a url",
  ])("refuses %j", (url) => {
    expect(resolveAppUrl(url, ROOT)).toEqual({ status: 404 });
  });

  it("refuses a URL longer than any our page requests", () => {
    expect(resolveAppUrl(`app://ceremony/${"a".repeat(3000)}.js`, ROOT)).toEqual({ status: 404 });
  });
});

describe("serving files from a real build folder", () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), "app-protocol-"));
    root = path.join(base, "dist");
    mkdirSync(path.join(root, "assets"), { recursive: true });
    writeFileSync(path.join(root, "index.html"), "<!doctype html><title>Ceremony</title>");
    writeFileSync(path.join(root, "assets", "app.js"), "console.log('ok')");
    writeFileSync(path.join(base, "secret.js"), "the escrow key");
    mkdirSync(path.join(root, "folder.js"));
    symlinkSync(path.join(base, "secret.js"), path.join(root, "assets", "escape.js"));
    symlinkSync(path.join(root, "assets", "app.js"), path.join(root, "alias.js"));
    symlinkSync(base, path.join(root, "up"));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("serves a file with its type, the CSP and no sniffing", async () => {
    const response = serveAppRequest({ method: "GET", url: "app://ceremony/assets/app.js" }, root);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe("console.log('ok')");
  });

  it("serves index.html for the bare origin", async () => {
    const response = serveAppRequest({ method: "GET", url: "app://ceremony/" }, root);
    expect(await response.text()).toContain("<title>Ceremony</title>");
  });

  it("refuses a symlink that leads out of the build folder", () => {
    expect(servedAppFile("app://ceremony/assets/escape.js", root)).toEqual({ status: 404 });
    expect(servedAppFile("app://ceremony/up/secret.js", root)).toEqual({ status: 404 });
    expect(serveAppRequest({ method: "GET", url: "app://ceremony/up/secret.js" }, root).status).toBe(404);
  });

  it("follows a symlink that stays inside it", () => {
    expect(servedAppFile("app://ceremony/alias.js", root)).toEqual({ path: path.join(root, "assets", "app.js"), mime: "text/javascript; charset=utf-8" });
  });

  it("answers 404 for a missing file or a folder", () => {
    expect(serveAppRequest({ method: "GET", url: "app://ceremony/missing.js" }, root).status).toBe(404);
    expect(serveAppRequest({ method: "GET", url: "app://ceremony/folder.js" }, root).status).toBe(404);
  });

  it("answers 404 when the build folder itself is missing", () => {
    expect(serveAppRequest({ method: "GET", url: "app://ceremony/index.html" }, path.join(base, "nowhere")).status).toBe(404);
  });

  it("accepts only GET", () => {
    expect(serveAppRequest({ method: "POST", url: "app://ceremony/index.html" }, root).status).toBe(405);
  });
});
