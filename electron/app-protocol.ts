/**
 * SECURITY BOUNDARY — the app:// protocol (read with security.ts).
 *
 * The renderer is served from app://ceremony/ and from nowhere else. This module decides which
 * bytes a URL maps to: only regular files inside the renderer build folder, reached by a path
 * made of plain names, with a MIME type from a fixed table. Anything else is a 404.
 */
import { realpathSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { CustomScheme } from "electron";
import { APP_ORIGIN, APP_SCHEME } from "./app-url.ts";
import { CONTENT_SECURITY_POLICY } from "./csp.ts";

/**
 * standard: relative URLs, a real origin for CSP 'self' and storage. secure: treated like https,
 * so the page is a secure context. Nothing else: no fetch/CORS/service-worker/CSP bypass.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true },
};

export type AppFile = { path: string; mime: string };
export type NotFound = { status: 404 };
const NOT_FOUND: NotFound = { status: 404 };

/**
 * What a build of the renderer contains. Fonts are left out on purpose: the CSP (font-src falls
 * back to default-src 'none') would refuse them anyway, so the renderer must use system fonts.
 */
const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
};

const MAX_URL_LENGTH = 2048;
/** A plain file or folder name. No leading dot, so neither "..", "." nor hidden files. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Maps a request URL to a file under rootDir, or 404. Pure: touches no file system, so the
 * traversal table in the tests runs anywhere. servedAppFile() adds the symlink check.
 */
export function resolveAppUrl(url: string, rootDir: string): AppFile | NotFound {
  if (url.length > MAX_URL_LENGTH || !url.startsWith(`${APP_ORIGIN}/`)) return NOT_FOUND;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return NOT_FOUND;
  }
  // The URL parser folds "..", "%2e%2e" and friends into a clean path. Our own page never asks
  // for such a URL, so one that needed folding is refused, not served from where it folds to.
  // The query and fragment never select a file.
  const rawPath = url.slice(APP_ORIGIN.length).split(/[?#]/, 1)[0];
  if (rawPath !== parsed.pathname) return NOT_FOUND;

  const segments = (rawPath === "/" ? "/index.html" : rawPath).slice(1).split("/");
  // Also refuses every percent-encoding ("%2f", "%00", "%5c"), backslashes, drive letters and
  // empty segments ("//etc"), because none of those is a plain name.
  if (!segments.every((segment) => PLAIN_NAME.test(segment))) return NOT_FOUND;

  const mime = MIME_TYPES[path.extname(segments[segments.length - 1] ?? "").toLowerCase()];
  if (mime === undefined) return NOT_FOUND;

  const root = path.resolve(rootDir);
  const filePath = path.join(root, ...segments);
  if (!isInside(filePath, root)) return NOT_FOUND;
  return { path: filePath, mime };
}

/**
 * The file a URL may be answered with, after following symlinks: a link inside the build folder
 * that points outside it is refused like any other path outside it.
 */
export function servedAppFile(url: string, rootDir: string): AppFile | NotFound {
  const resolved = resolveAppUrl(url, rootDir);
  if ("status" in resolved) return resolved;
  try {
    const realRoot = realpathSync(rootDir);
    const realFile = realpathSync(resolved.path);
    if (!isInside(realFile, realRoot) || !statSync(realFile).isFile()) return NOT_FOUND;
    return { path: realFile, mime: resolved.mime };
  } catch {
    return NOT_FOUND;
  }
}

/** The protocol.handle() handler: every response carries the CSP; nothing is sniffed. */
export function serveAppRequest(request: { method: string; url: string }, rootDir: string): Response {
  if (request.method !== "GET") return new Response(null, { status: 405 });
  const file = servedAppFile(request.url, rootDir);
  if ("status" in file) return new Response(null, { status: 404 });
  return new Response(readFileSync(file.path), {
    status: 200,
    headers: {
      "Content-Type": file.mime,
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

function isInside(candidate: string, root: string): boolean {
  return candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
