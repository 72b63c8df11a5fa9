/**
 * Bundle layout (docs/architecture.md "Bundle layout") and the rules for file paths inside a bundle. Paths
 * are deliberately plain — letters, digits, ".", "_", "-", separated by "/" — so that a path means
 * the same file on every auditor's system (no "..", no absolute paths, no "\" that Windows reads
 * as a separator) and so the manifest can be checked with sha256sum in the OpenSSL recipe.
 */
import { BundlePathError } from "./errors.ts";

export const TRANSCRIPT_FILE = "transcript.json";
export const ENVELOPE_FILE = "transcript.dsse.json";
export const SIGNER_FILE = "signer.pub.pem";
export const MANIFEST_FILE = "manifest.json";
export const RESERVED_FILES = [TRANSCRIPT_FILE, ENVELOPE_FILE, SIGNER_FILE, MANIFEST_FILE] as const;

/** Folders for the other files: certs/<label>.pem, crl/<label>.crl, csr/, escrow/, sheets/, print/. */
export const BUNDLE_FOLDERS = ["certs", "crl", "csr", "escrow", "sheets", "print"] as const;

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_PATH_LENGTH = 240;

/** What is wrong with `path` as a bundle-relative path, or null. */
export function bundlePathProblem(path: unknown): string | null {
  if (typeof path !== "string" || path.length === 0) return "is empty";
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.includes("\\")) return 'contains a backslash; bundle paths separate folders with "/"';
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is absolute; bundle paths are relative to the bundle folder";
  for (const segment of path.split("/")) {
    if (segment === "..") return 'contains ".."';
    if (segment === "" || segment === ".") return "has an empty or '.' folder name";
    if (!SEGMENT.test(segment)) return `has the name "${segment}"; use letters, digits, ".", "_" and "-", not starting with "."`;
  }
  return null;
}

/**
 * Checks a path for a file other than the four fixed ones: it must be valid and inside one of
 * BUNDLE_FOLDERS. Throws BundlePathError.
 */
export function assertArtifactPath(path: string): void {
  const problem = bundlePathProblem(path);
  if (problem !== null) throw new BundlePathError(path, problem);
  const [folder, ...rest] = path.split("/");
  if (rest.length === 0 || !(BUNDLE_FOLDERS as readonly string[]).includes(folder as string)) {
    throw new BundlePathError(path, `is not inside one of the bundle folders ${BUNDLE_FOLDERS.map((f) => `${f}/`).join(", ")}`);
  }
}
