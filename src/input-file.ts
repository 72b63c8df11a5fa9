/**
 * Reading a file a person named on the command line or in a bundle, safely: the file is opened
 * without following a FIFO's writer (O_NONBLOCK) and checked through its own descriptor — a
 * regular file, not larger than the caller allows — before a single byte is read. So a FIFO never
 * hangs us, /dev/zero is never read for half a gigabyte, a folder is named as a folder, and there
 * is no window between the check and the read.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";
import { CeremonyError, type ErrorCode } from "./errors.ts";

export type InputFileProblem = "missing" | "directory" | "not-regular" | "too-large" | "unreadable";

const CODES: Readonly<Record<InputFileProblem, ErrorCode>> = {
  missing: "INPUT_FILE_MISSING",
  directory: "INPUT_FILE_DIRECTORY",
  "not-regular": "INPUT_FILE_NOT_REGULAR",
  "too-large": "INPUT_FILE_TOO_LARGE",
  unreadable: "INPUT_FILE_UNREADABLE",
};

/** A file that cannot be used as input; the message names it and says what to do. */
export class InputFileError extends CeremonyError {
  readonly path: string;
  readonly problem: InputFileProblem;
  constructor(path: string, problem: InputFileProblem, message: string) {
    super(CODES[problem], message);
    this.path = path;
    this.problem = problem;
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

/** The InputFileError for a failed open of `path`. */
function openError(path: string, what: string, e: unknown): InputFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new InputFileError(path, "missing", `${path} does not exist (${what}). Check the path.`);
  if (code === "EISDIR") return new InputFileError(path, "directory", `${path} is a folder, not a file (${what}). Give the file inside it.`);
  if (code === "EACCES" || code === "EPERM") return new InputFileError(path, "unreadable", `${path} cannot be read: permission denied (${what}). Check its permissions.`);
  return new InputFileError(path, "unreadable", `${path} cannot be opened (${code ?? (e as Error).message}) (${what}).`);
}

/** Refuses what the open descriptor shows is not a regular file of at most `maxBytes`. */
function checkStat(path: string, what: string, stat: Stats, maxBytes: number): void {
  if (stat.isDirectory()) throw new InputFileError(path, "directory", `${path} is a folder, not a file (${what}). Give the file inside it.`);
  if (!stat.isFile()) {
    const kind = stat.isFIFO() ? "a pipe (FIFO)" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : stat.isSocket() ? "a socket" : "not a regular file";
    throw new InputFileError(path, "not-regular", `${path} is ${kind}, not a regular file (${what}). Copy the content into a file and give that.`);
  }
  if (stat.size > maxBytes) {
    throw new InputFileError(path, "too-large", `${path} is ${sizeText(stat.size)}, more than the ${sizeText(maxBytes)} ${what} can be. Check that this is the right file.`);
  }
}

/** The InputFileError for a failure after the open. */
function readError(path: string, what: string, e: unknown): InputFileError {
  if (e instanceof InputFileError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return new InputFileError(path, "directory", `${path} is a folder, not a file (${what}). Give the file inside it.`);
  return new InputFileError(path, "unreadable", `${path} cannot be read (${code ?? (e as Error).message}) (${what}).`);
}

function grewError(path: string, what: string, maxBytes: number): InputFileError {
  return new InputFileError(path, "too-large", `${path} grew past ${sizeText(maxBytes)} while it was read (${what}).`);
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` long. `what` says what the file is
 * for ("the expected signer key"), so the message can say it. Throws InputFileError.
 */
export async function readInputFile(path: string, what: string, maxBytes: number): Promise<Buffer> {
  if (path === "") throw new InputFileError(path, "missing", `No file was given for ${what}: the name is empty. Give the path of the file.`);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw openError(path, what, e);
  }
  try {
    checkStat(path, what, await handle.stat(), maxBytes);
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) throw grewError(path, what, maxBytes);
    return bytes;
  } catch (e) {
    throw readError(path, what, e);
  } finally {
    await handle.close();
  }
}

/**
 * readInputFile without a round trip to the thread pool per system call: for many small files
 * read one after another (the files of a bundle, where the async reads' waiting was half of
 * verify's time). Same checks, same errors.
 */
export function readInputFileSync(path: string, what: string, maxBytes: number): Buffer {
  if (path === "") throw new InputFileError(path, "missing", `No file was given for ${what}: the name is empty. Give the path of the file.`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw openError(path, what, e);
  }
  try {
    checkStat(path, what, fstatSync(fd), maxBytes);
    const bytes = readFileSync(fd);
    if (bytes.length > maxBytes) throw grewError(path, what, maxBytes);
    return bytes;
  } catch (e) {
    throw readError(path, what, e);
  } finally {
    closeSync(fd);
  }
}
