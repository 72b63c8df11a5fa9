import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/**
 * A file under `root` for a URL path, or null: only known types, never outside root (a path
 * that normalises to "..", an encoded slash or a NUL is refused, not resolved).
 */
export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const relative = path.posix.normalize(decoded).replace(/^\/+/, "");
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const file = path.join(root, relative);
  if (!file.startsWith(root + path.sep)) return null;
  const type = TYPES[path.extname(file)];
  if (!type) return null;
  try {
    return { body: await readFile(file), type };
  } catch {
    return null;
  }
}
