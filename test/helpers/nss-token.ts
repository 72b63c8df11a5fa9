/**
 * Throwaway NSS softokn tokens for tests: a fresh NSS database (cert9.db/key4.db) in its own temp
 * folder, with a user PIN set by certutil. NSS softokn is a second complete PKCS#11
 * implementation; it is loaded with an init string (`--module-args`) naming the database.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const NSS_SOFTOKN_MODULE = "/usr/lib/x86_64-linux-gnu/libsoftokn3.so";
/** The label NSS gives its database token (C_GetTokenInfo pads it with spaces; we trim). */
export const NSS_TOKEN_LABEL = "NSS Certificate DB";
export const NSS_USER_PIN = "nss-user-pin-1234";

export interface NssTokenEnvironment {
  dir: string;
  modulePath: string;
  moduleArgs: string;
  tokens: Array<{ label: string; serial: string; userPin: string; soPin: string }>;
  cleanup(): Promise<void>;
}

/** The init string NSS softokn needs: the database folder, no prefixes, read-write. */
export function nssModuleArgs(dbDir: string): string {
  return `configdir='sql:${dbDir}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`;
}

/** Creates a fresh NSS database with a user PIN in a new temp folder. */
export async function createNssToken(options: { parentDir?: string; userPin?: string } = {}): Promise<NssTokenEnvironment> {
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "ceremony-nss-"));
  const userPin = options.userPin ?? NSS_USER_PIN;
  const pinFile = join(dir, "pin.txt");
  try {
    await writeFile(pinFile, `${userPin}\n`, { mode: 0o600 });
    await run("certutil", ["-N", "-d", `sql:${dir}`, "-f", pinFile]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("certutil is not installed. Run scripts/setup.sh (it installs the Debian package libnss3-tools).");
    }
    throw e;
  } finally {
    await rm(pinFile, { force: true });
  }
  return {
    dir,
    modulePath: NSS_SOFTOKN_MODULE,
    moduleArgs: nssModuleArgs(dir),
    // NSS has no SO PIN to speak of (an empty one); every NSS database token has serial 0000000000000000.
    tokens: [{ label: NSS_TOKEN_LABEL, serial: "0000000000000000", userPin, soPin: "" }],
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
