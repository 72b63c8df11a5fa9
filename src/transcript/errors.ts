import { CeremonyError } from "../errors.ts";

/** The output folder already holds files; bundles are never written over anything. */
export class BundleExistsError extends CeremonyError {
  constructor(dir: string) {
    super("BUNDLE_EXISTS", `The folder ${dir} already contains files. A bundle is never written over anything: choose an empty folder.`);
  }
}

/** A file path for the bundle that an auditor's machine could misread or that could escape the bundle. */
export class BundlePathError extends CeremonyError {
  readonly path: string;
  constructor(path: string, problem: string) {
    super("BUNDLE_PATH_INVALID", `Bundle file path ${JSON.stringify(path)} ${problem}.`);
    this.path = path;
  }
}

/** The transcript would not pass verification, so it is not built (and never signed). */
export class TranscriptBuildError extends CeremonyError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      "TRANSCRIPT_INVALID",
      `The transcript cannot be built: ${problems.join("; ")}. Nothing was signed; check the journal of this ceremony.`,
    );
    this.problems = problems;
  }
}

/** The key offered for transcript signing is not an ECDSA P-256 key, or its signature does not verify. */
export class TranscriptSignerError extends CeremonyError {
  constructor(message: string) {
    super("TRANSCRIPT_SIGNER_INVALID", message);
  }
}

/** writeBundle was handed contents that do not belong together (an envelope over other bytes, a duplicate path). */
export class BundleContentsError extends CeremonyError {
  constructor(message: string) {
    super("BUNDLE_CONTENTS_INVALID", message);
  }
}

/** The bundle could not be written (disk full, media removed, read-only); nothing was left at the target. */
export class BundleWriteError extends CeremonyError {
  constructor(dir: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const why =
      code === "ENOSPC"
        ? "the disk is full"
        : code === "ENOENT"
          ? "the folder disappeared while the bundle was written (was the media removed?)"
          : code === "EROFS" || code === "EACCES" || code === "EPERM"
            ? "the folder cannot be written (read-only media?)"
            : code === "EIO"
              ? "the media reported an input/output error"
              : `${(cause as Error)?.message ?? String(cause)}`;
    super(
      "BUNDLE_WRITE_FAILED",
      `The bundle could not be written to ${dir}: ${why}. Nothing was left there. Fix this or choose another folder, then write the bundle again.`,
      { cause },
    );
  }
}
