/**
 * readInputFileSync (the bundle reader) refuses exactly what readInputFile refuses, with the same
 * message, and reads the same bytes: missing files, folders, FIFOs (without hanging), devices
 * (before reading), files over the limit, and files at the limit.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { InputFileError, readInputFile, readInputFileSync } from "../../../src/input-file.ts";

const dir = mkdtempSync(join(tmpdir(), "input-file-"));
writeFileSync(join(dir, "ten"), "0123456789");
writeFileSync(join(dir, "empty"), "");
mkdirSync(join(dir, "folder"));
execFileSync("mkfifo", [join(dir, "fifo")]);

async function both(path: string, max: number): Promise<[unknown, unknown]> {
  const a = await readInputFile(path, "a test file", max).then((b) => b.toString("latin1"), (e: unknown) => e);
  let b: unknown;
  try {
    b = readInputFileSync(path, "a test file", max).toString("latin1");
  } catch (e) {
    b = e;
  }
  return [a, b];
}

test.each([
  ["a file under the limit", "ten", 100, null],
  ["a file at the limit", "ten", 10, null],
  ["an empty file", "empty", 10, null],
  ["a file over the limit", "ten", 9, "too-large"],
  ["a missing file", "nothing-here", 10, "missing"],
  ["a folder", "folder", 10, "directory"],
  ["a FIFO (no writer: it must not hang)", "fifo", 10, "not-regular"],
  ["a device", "/dev/zero", 10, "not-regular"],
  ["an empty name", "", 10, "missing"],
])("%s: the same bytes or the same refusal", async (_name, file, max, problem) => {
  const path = file === "" || file.startsWith("/") ? file : join(dir, file);
  const [a, b] = await both(path, max);
  if (problem === null) {
    expect(typeof a).toBe("string");
    expect(b).toBe(a);
  } else {
    expect(a).toBeInstanceOf(InputFileError);
    expect(b).toBeInstanceOf(InputFileError);
    expect((b as InputFileError).problem).toBe(problem);
    expect((b as InputFileError).message).toBe((a as InputFileError).message);
  }
});
