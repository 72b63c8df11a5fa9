/**
 * manifest.json: {"files": {path: sha256hex}} for every file of the bundle but itself, as
 * canonical JSON (so paths are sorted and it is one line the OpenSSL recipe can turn into
 * `sha256sum -c` input). It is not signed: files named by transcript outputs are also covered by
 * their hashes inside the signed transcript; the manifest adds completeness (nothing missing,
 * nothing extra) and covers files written after signing, such as the printed sheets.
 */
import { createHash } from "node:crypto";
import { canonicalJsonBytes } from "../journal/canonical-json.ts";
import { MANIFEST_FILE, bundlePathProblem } from "./bundle-paths.ts";

export interface Manifest {
  files: Record<string, string>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function buildManifest(files: ReadonlyMap<string, Uint8Array>): Manifest {
  const entries = [...files.keys()].filter((p) => p !== MANIFEST_FILE).sort();
  return { files: Object.fromEntries(entries.map((p) => [p, sha256Hex(files.get(p) as Uint8Array)])) };
}

export function manifestBytes(manifest: Manifest): Buffer {
  return canonicalJsonBytes(manifest, "manifest");
}

/** Parses manifest.json; returns a sentence saying what is wrong instead when it is malformed. */
export function parseManifest(bytes: Uint8Array): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch {
    return "manifest.json is not valid JSON";
  }
  const files = (value as { files?: unknown } | null)?.files;
  if (value === null || typeof value !== "object" || Object.keys(value).length !== 1 || files === null || typeof files !== "object" || Array.isArray(files)) {
    return 'manifest.json must be {"files": {path: sha256}}';
  }
  for (const [path, hash] of Object.entries(files as Record<string, unknown>)) {
    const problem = bundlePathProblem(path);
    if (problem !== null) return `manifest.json lists ${JSON.stringify(path)}, which ${problem}`;
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return `manifest.json gives ${path} a hash that is not 64 lowercase hex digits`;
  }
  return value as Manifest;
}
