/**
 * Where the fault suite works. /dev/shm when it exists: a SIGKILL tests the death of a process,
 * not of the disk, and tmpfs spares the 2-core test machine thousands of fsyncs (the journal
 * syncs every append). Falls back to the OS temp folder.
 */
import { accessSync, constants, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function scratchRoot(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(scratchRoot(), prefix));
}
