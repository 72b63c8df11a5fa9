/**
 * The bundle's folder is checked before anyone signs in (docs/architecture.md, "One ceremony, as
 * data flows"): a ceremony must not run through every step, sign with the HSM and consume a CRL
 * number, and only then find that its output has nowhere to go.
 */
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CeremonyError } from "../errors.ts";

export class OutputDirError extends CeremonyError {}

/**
 * Absent (its nearest existing parent writable) or an empty, writable folder; else a sentence why
 * not, ending with what to do: give `option` (the CLI's `--out`) another folder, or, on a screen
 * (`option` null), choose one.
 */
export async function checkOutputDir(dir: string, option: string | null = "--out"): Promise<void> {
  const target = resolve(dir);
  const give = (what: string): string => (option ? `Give ${option} ${what}` : `Choose ${what}`);
  const info = await stat(target).catch(() => null);
  if (info && !info.isDirectory()) {
    throw new OutputDirError("OUT_NOT_A_FOLDER", `${target} is a file, not a folder. ${give("a new or empty folder for the bundle")}.`);
  }
  if (info) {
    const entries = await readdir(target);
    if (entries.length > 0) {
      throw new OutputDirError(
        "OUT_NOT_EMPTY",
        `${target} already holds ${entries.length} ${entries.length === 1 ? "entry" : "entries"} (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}); a bundle is never written over anything. ${give("a new or empty folder")}.`,
      );
    }
  }
  // The folder, or the nearest folder above it that exists, must let us create what follows.
  let probe = target;
  if (!info) {
    for (;;) {
      const up = dirname(probe);
      if (up === probe) break;
      probe = up;
      const s = await stat(probe).catch(() => null);
      if (s && !s.isDirectory()) throw new OutputDirError("OUT_NOT_A_FOLDER", `${probe} is a file, so ${target} cannot be created. ${give("another folder")}.`);
      if (s) break;
    }
  }
  try {
    await access(probe, constants.W_OK | constants.X_OK);
  } catch {
    throw new OutputDirError("OUT_NOT_WRITABLE", `${probe} cannot be written by this user, so the bundle could not be saved in ${target}. ${give("a folder you can write to")}.`);
  }
}
