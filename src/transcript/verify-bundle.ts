/**
 * `ceremony verify BUNDLE`: every check an auditor needs, each failure named. Reads the bundle
 * once into memory — every later check, and every caller that uses the result, works on those
 * bytes and never re-reads the disk — then runs the manifest, envelope, transcript, output-file,
 * coverage, artifact and caller-supplied checks; a failing check never stops the others, so one
 * run lists everything that is wrong.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { InputFileError, readInputFileSync } from "../input-file.ts";
import { ENVELOPE_FILE, MANIFEST_FILE, RESERVED_FILES, SIGNER_FILE, TRANSCRIPT_FILE, bundlePathProblem } from "./bundle-paths.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import { parseManifest, sha256Hex } from "./manifest.ts";
import type { Transcript } from "./types.ts";
import { checkArtifacts } from "./verify-artifacts.ts";
import { readSigner } from "./verify-envelope.ts";
import { verifySignedTranscript } from "./verify-signed-transcript.ts";
import { checkTranscriptBytes } from "./verify-transcript.ts";

/** No file of a bundle is ever this big (a 100,000-event transcript is about 40 MiB). */
export const MAX_BUNDLE_FILE_BYTES = 256 * 1024 * 1024;

export interface BundleCheckContext {
  dir: string;
  transcript: Transcript;
  /** Every regular file of the bundle by bundle-relative path. */
  files: ReadonlyMap<string, Buffer>;
}

/** A check added by the caller (the ceremony layer re-validates the script); its name is the failure code. */
export interface ExtraCheck {
  name: string;
  /** Returns the problems found, as sentences; none means the check passed. */
  run(context: BundleCheckContext): Promise<string[]> | string[];
}

export interface VerifyBundleOptions {
  /** PEM of the key the auditor expects to have signed (same as giving its fingerprint in `anchors`). */
  signerPem?: string;
  /** SPKI SHA-256 fingerprints (lowercase hex) of the signers the auditor trusts (`--signer`). */
  anchors?: readonly string[];
  extraChecks?: ExtraCheck[];
}

export interface BundleVerification {
  ok: boolean;
  failures: VerifyFailure[];
  /** The transcript when it could be parsed — trust it only when `ok`. */
  transcript?: Transcript;
  /** SPKI SHA-256 of signer.pub.pem, when it holds a readable key: compare it with the witness sheet. */
  signerSpkiSha256?: string;
  /** Every check passed and the signer is one of the auditor's anchors. */
  anchored: boolean;
  /** The bundle's files as they were read and checked: use these bytes, never the disk again. */
  files: ReadonlyMap<string, Buffer>;
}

interface BundleListing {
  files: Map<string, Buffer>;
  failures: VerifyFailure[];
}

/**
 * Every file of the bundle, read synchronously: a bundle is a few small files, and the thread
 * pool's round trips for each open, stat, read and close were half of verify's time.
 */
function readBundle(dir: string): BundleListing {
  const files = new Map<string, Buffer>();
  const failures: VerifyFailure[] = [];
  function walk(relative: string): void {
    const entries = readdirSync(join(dir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        try {
          files.set(path, readInputFileSync(join(dir, path), "a bundle file", MAX_BUNDLE_FILE_BYTES));
        } catch (e) {
          if (!(e instanceof InputFileError)) throw e;
          failures.push(failure("BUNDLE_FILE_NOT_REGULAR", e.message));
        }
      } else failures.push(failure("BUNDLE_FILE_NOT_REGULAR", `${path} is not a regular file (a link or device); a bundle holds only files and folders`));
    }
  }
  walk("");
  return { files, failures };
}

/** SHA-256 (hex) of a bundle file by path. */
type FileDigest = (path: string, bytes: Buffer) => string;

/**
 * A FileDigest that hashes each file once for this verification: the manifest and the signed
 * outputs name the same files, and hashing them was most of the bytes verify touches.
 */
function digestsOnce(): FileDigest {
  const digests = new Map<string, string>();
  return (path, bytes) => {
    let digest = digests.get(path);
    if (digest === undefined) {
      digest = sha256Hex(bytes);
      digests.set(path, digest);
    }
    return digest;
  };
}

function checkManifest(files: ReadonlyMap<string, Buffer>, sha256Of: FileDigest, failures: VerifyFailure[]): void {
  const bytes = files.get(MANIFEST_FILE);
  if (!bytes) return;
  const manifest = parseManifest(bytes);
  if (typeof manifest === "string") {
    failures.push(failure("MANIFEST_INVALID", manifest));
    return;
  }
  const listed = manifest.files;
  for (const [path, expected] of Object.entries(listed)) {
    const file = path === MANIFEST_FILE ? undefined : files.get(path);
    if (!file) {
      failures.push(failure("MANIFEST_FILE_MISSING", `${path} is listed in the manifest but is not in the bundle`));
      continue;
    }
    const actual = sha256Of(path, file);
    if (actual !== expected) failures.push(failure("MANIFEST_HASH_MISMATCH", `${path} does not match the manifest: its SHA-256 is ${actual}, the manifest says ${expected}`));
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST_FILE && !Object.hasOwn(listed, path)) {
      failures.push(failure("MANIFEST_EXTRA_FILE", `${path} is in the bundle but not in the manifest`));
    }
  }
}

function checkOutputs(transcript: Transcript, files: ReadonlyMap<string, Buffer>, sha256Of: FileDigest, failures: VerifyFailure[]): void {
  for (const output of transcript.outputs) {
    if (output.file === undefined) continue;
    const name = `output ${output.kind} ${output.label}`;
    const problem = bundlePathProblem(output.file);
    if (problem !== null) {
      failures.push(failure("OUTPUT_INVALID", `${name}: file ${JSON.stringify(output.file)} ${problem}`));
      continue;
    }
    const file = files.get(output.file);
    if (!file) {
      failures.push(failure("OUTPUT_FILE_MISSING", `${name}: ${output.file} is not in the bundle`));
      continue;
    }
    const actual = sha256Of(output.file, file);
    if (actual !== output.sha256) {
      failures.push(failure("OUTPUT_HASH_MISMATCH", `${name}: ${output.file} has SHA-256 ${actual}, the signed transcript says ${output.sha256}`));
    }
  }
}

/** Every file that is neither one of the four fixed files nor a signed output fails: nothing unsigned rides along. */
function checkCoverage(transcript: Transcript, files: ReadonlyMap<string, Buffer>, failures: VerifyFailure[]): void {
  const signed = new Set(transcript.outputs.flatMap((o) => (o.file === undefined ? [] : [o.file])));
  // Format v1 signed only the action outputs; its sheets and rehearsal cards were made after
  // signing and are held to the manifest alone (docs/architecture.md, Events). Any other file
  // it does not list still fails.
  const v1Unsigned = (path: string): boolean => transcript.format === "ceremony-workstation.transcript.v1" && /^(sheets|print)\//.test(path);
  for (const path of files.keys()) {
    if (!(RESERVED_FILES as readonly string[]).includes(path) && !signed.has(path) && !v1Unsigned(path)) {
      failures.push(failure("FILE_NOT_SIGNED", `${path} is in the bundle but the signed transcript does not list it: it was added or swapped in after the ceremony`));
    }
  }
}

/** The anchors as fingerprints; an anchor PEM that is not a transcript-signing key is a failure, never "no anchor". */
function anchorsOf(options: VerifyBundleOptions, failures: VerifyFailure[]): string[] {
  const anchors = [...(options.anchors ?? [])];
  if (options.signerPem !== undefined) {
    const expected = readSigner(options.signerPem, "the expected signer key", failures);
    if (expected) anchors.push(expected.keyId);
  }
  return anchors;
}

export async function verifyBundle(dir: string, options: VerifyBundleOptions = {}): Promise<BundleVerification> {
  let listing: BundleListing;
  try {
    listing = readBundle(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : code === "ENOTDIR" ? "is not a folder" : `cannot be read (${code ?? (e as Error).message})`;
    return { ok: false, anchored: false, files: new Map(), failures: [failure("BUNDLE_UNREADABLE", `the bundle folder ${dir} ${reason}`)] };
  }
  const { files, failures } = listing;
  for (const required of RESERVED_FILES) {
    if (!files.has(required)) failures.push(failure("BUNDLE_FILE_MISSING", `${required} is missing from the bundle`));
  }
  const sha256Of = digestsOnce();
  checkManifest(files, sha256Of, failures);

  const anchors = anchorsOf(options, failures);
  const transcriptBytes = files.get(TRANSCRIPT_FILE);
  const envelopeBytes = files.get(ENVELOPE_FILE);
  const signer = files.get(SIGNER_FILE);
  let transcript: Transcript | undefined;
  let signerSpkiSha256: string | undefined;
  if (transcriptBytes && envelopeBytes && signer) {
    const check = verifySignedTranscript({ transcriptBytes, envelopeBytes, signerPem: signer.toString("utf8"), anchors });
    failures.push(...check.failures);
    transcript = check.transcript;
    signerSpkiSha256 = check.signerSpkiSha256;
  } else if (transcriptBytes) {
    const check = checkTranscriptBytes(transcriptBytes);
    failures.push(...check.failures);
    transcript = check.transcript;
  }
  if (transcript) {
    checkOutputs(transcript, files, sha256Of, failures);
    checkCoverage(transcript, files, failures);
    failures.push(...checkArtifacts(transcript, files));
    for (const extra of options.extraChecks ?? []) {
      try {
        for (const message of await extra.run({ dir, transcript, files })) failures.push({ code: extra.name, message });
      } catch (e) {
        failures.push({ code: extra.name, message: `the ${extra.name} check could not run: ${(e as Error).message}` });
      }
    }
  }
  const ok = failures.length === 0;
  return { ok, failures, anchored: ok && anchors.length > 0, files, ...(transcript ? { transcript } : {}), ...(signerSpkiSha256 ? { signerSpkiSha256 } : {}) };
}
