/**
 * Writes a signed transcript bundle (docs/architecture.md "Bundle layout"). Nothing is ever overwritten:
 * every file is created exclusively and fsynced, all of it inside a fresh sibling folder
 * DIR.partial-<random>, which is renamed to DIR only when complete. A crash leaves either no
 * bundle at DIR or a whole one — at worst a stray .partial folder next to it.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CeremonyError } from "../errors.ts";
import { ENVELOPE_FILE, MANIFEST_FILE, SIGNER_FILE, TRANSCRIPT_FILE, assertArtifactPath } from "./bundle-paths.ts";
import { type DsseEnvelope, envelopeBytes, spkiPem } from "./dsse.ts";
import { BundleContentsError, BundleExistsError, BundleWriteError } from "./errors.ts";
import { buildManifest, manifestBytes } from "./manifest.ts";
import { checkEnvelope } from "./verify-envelope.ts";

export interface BundleFile {
  /** Bundle-relative, inside one of BUNDLE_FOLDERS, e.g. certs/root-2026.pem. */
  path: string;
  bytes: Uint8Array;
}

export interface BundleContents {
  transcriptBytes: Uint8Array;
  envelope: DsseEnvelope;
  signerSpkiPem: string;
  files: BundleFile[];
}

export interface WrittenBundle {
  dir: string;
  /** path → SHA-256 hex, as written to manifest.json. */
  manifest: Record<string, string>;
}

// Share cards are printed secrets; everything else in a bundle is public.
const PRIVATE_FOLDER = "print/";

async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    const stat = await lstat(dir);
    if (!stat.isDirectory()) return false;
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch (e) {
    // Some platforms (Windows) cannot fsync a directory; the files themselves were fsynced.
    if (!["EISDIR", "EPERM", "EINVAL", "EBADF"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
  } finally {
    await handle.close();
  }
}

async function writeExclusive(root: string, path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(join(root, ...path.split("/")), "wx", path.startsWith(PRIVATE_FOLDER) ? 0o600 : 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function checkContents(contents: BundleContents, signerPem: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([
    [TRANSCRIPT_FILE, contents.transcriptBytes],
    [ENVELOPE_FILE, envelopeBytes(contents.envelope)],
    [SIGNER_FILE, Buffer.from(signerPem, "ascii")],
  ]);
  const folded = new Set<string>();
  for (const file of contents.files) {
    assertArtifactPath(file.path);
    // Two names differing only in case are one file on the auditor's Windows or macOS machine.
    const key = file.path.toLowerCase();
    if (folded.has(key)) throw new BundleContentsError(`The bundle would contain ${file.path} twice (names are compared ignoring case). Give each file its own name.`);
    folded.add(key);
    files.set(file.path, file.bytes);
  }
  for (const path of folded) {
    for (const other of folded) {
      if (other.startsWith(`${path}/`)) throw new BundleContentsError(`The bundle cannot contain both a file ${path} and a folder of that name.`);
    }
  }
  const envelopeFailures = checkEnvelope({
    envelopeBytes: files.get(ENVELOPE_FILE) as Uint8Array,
    transcriptBytes: contents.transcriptBytes,
    signerPem,
  });
  if (envelopeFailures.length > 0) {
    throw new BundleContentsError(`The envelope does not belong with this transcript and signer: ${envelopeFailures.map((f) => f.message).join("; ")}.`);
  }
  return files;
}

export async function writeBundle(dir: string, contents: BundleContents): Promise<WrittenBundle> {
  const target = resolve(dir);
  const signerPem = spkiPem(contents.signerSpkiPem);
  const files = checkContents(contents, signerPem);
  const manifest = buildManifest(files);
  files.set(MANIFEST_FILE, manifestBytes(manifest));

  if (!(await isEmptyOrAbsent(target))) throw new BundleExistsError(dir);
  const parent = dirname(target);
  const partial = join(parent, `${basename(target)}.partial-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(partial);
    const folders = new Set<string>();
    for (const [path, bytes] of files) {
      const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
      if (folder && !folders.has(folder)) {
        await mkdir(join(partial, ...folder.split("/")), { recursive: true });
        folders.add(folder);
      }
      await writeExclusive(partial, path, bytes);
    }
    for (const folder of folders) await fsyncPath(join(partial, ...folder.split("/")));
    await fsyncPath(partial);
    await moveIntoPlace(partial, target, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error instanceof CeremonyError ? error : new BundleWriteError(dir, error);
  }
  await fsyncPath(parent);
  return { dir: target, manifest: manifest.files };
}

/**
 * rename(2) replaces an empty directory and fails on a non-empty one (ENOTEMPTY/EEXIST), so a
 * folder that gained files since the check above is still never written into.
 */
async function moveIntoPlace(partial: string, target: string, shownName: string): Promise<void> {
  try {
    await rename(partial, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") throw new BundleExistsError(shownName);
    // Windows will not rename onto an existing directory: remove it if (still) empty, then retry.
    if (process.platform === "win32" && (code === "EPERM" || code === "EACCES")) {
      await rmdir(target).catch(() => undefined);
      try {
        await rename(partial, target);
        return;
      } catch {
        throw new BundleExistsError(shownName);
      }
    }
    throw e;
  }
}
