/**
 * The openCryptoki soft token (Debian opencryptoki) for tests. Its daemon pkcsslotd and the soft
 * token's state have paths fixed at build time (/var/run/pkcsslotd.*, /var/lib/opencryptoki/swtok),
 * so only one instance can run on a machine: the helper starts pkcsslotd when none runs (and then
 * stops it by its PID), and initialises the soft token (slot 3) only when it is uninitialised or
 * carries this helper's label — a token somebody else made is never touched.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "./daemon.ts";

const run = promisify(execFile);

export const OPENCRYPTOKI_MODULE = "/usr/lib/x86_64-linux-gnu/opencryptoki/libopencryptoki.so.0";
export const OCK_TOKEN_LABEL = "ceremony-ock";
const SOFT_TOKEN_SLOT = "3";
const DEFAULT_SO_PIN = "87654321";
/** openCryptoki's soft token takes PINs of 4 to 8 characters. */
export const OCK_SO_PIN = "76543210";
export const OCK_USER_PIN = "11112222";
const PID_FILE = "/var/run/pkcsslotd.pid";

export interface OpenCryptokiToken {
  modulePath: string;
  tokens: Array<{ label: string; serial: string; userPin: string; soPin: string }>;
  cleanup(): Promise<void>;
}

async function slotdPid(): Promise<number | null> {
  const text = await readFile(PID_FILE, "utf8").catch(() => "");
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function tokenInfo(): Promise<{ label: string; initialized: boolean; serial: string }> {
  const { stdout } = await run("pkcsconf", ["-t", "-c", SOFT_TOKEN_SLOT]);
  return {
    label: /Label:\s*(.*?)\s*$/m.exec(stdout)?.[1] ?? "",
    initialized: /TOKEN_INITIALIZED/.test(stdout),
    serial: /Serial Number:\s*(\S+)/.exec(stdout)?.[1] ?? "",
  };
}

/** Why this machine cannot run openCryptoki's soft token here, or null when it can. */
export async function openCryptokiUnavailable(): Promise<string | null> {
  try {
    await run("sh", ["-c", "command -v pkcsslotd && command -v pkcsconf"]);
  } catch {
    return "openCryptoki is not installed (scripts/setup.sh installs the Debian package opencryptoki)";
  }
  if (process.getuid?.() !== 0) return "pkcsslotd writes /var/run and /var/lib/opencryptoki, fixed paths only root (or the pkcs11 group set up by an administrator) may use";
  return null;
}

const SOFT_TOKEN_DIR = "/var/lib/opencryptoki/swtok";

async function startSlotd(): Promise<number> {
  await run("pkcsslotd");
  await waitFor("pkcsslotd writing its PID file", async () => (await slotdPid()) !== null);
  return (await slotdPid())!;
}

async function stopSlotd(pid: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  await waitFor("pkcsslotd exiting", async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

export async function startOpenCryptoki(): Promise<OpenCryptokiToken> {
  const running = await slotdPid();
  let startedPid = running === null ? await startSlotd() : null;
  const stop = async (): Promise<void> => {
    if (startedPid !== null) await stopSlotd(startedPid);
  };
  try {
    const before = await tokenInfo();
    if (before.initialized) {
      if (before.label !== OCK_TOKEN_LABEL) {
        throw new Error(`the openCryptoki soft token is already initialised as "${before.label}"; the tests do not reinitialise a token they did not make`);
      }
      if (startedPid === null) throw new Error(`pkcsslotd (PID ${running}) was not started by the tests; stop it to let them start afresh`);
      // Our own token from an earlier run: its files are removed with the daemon stopped, so that
      // the token starts uninitialised (pkcsconf -I on an initialised soft token leaves it unusable).
      await stopSlotd(startedPid);
      startedPid = null;
      for (const f of ["MK_SO", "MK_USER", "NVTOK.DAT"]) await rm(join(SOFT_TOKEN_DIR, f), { force: true });
      for (const f of await readdir(join(SOFT_TOKEN_DIR, "TOK_OBJ")).catch(() => [])) await rm(join(SOFT_TOKEN_DIR, "TOK_OBJ", f), { force: true });
      startedPid = await startSlotd();
    }
    // pkcsconf -I reads the new label from standard input.
    await new Promise<void>((resolve, reject) => {
      const child = execFile("pkcsconf", ["-I", "-c", SOFT_TOKEN_SLOT, "-S", DEFAULT_SO_PIN], (e) => (e ? reject(e) : resolve()));
      child.stdin?.end(`${OCK_TOKEN_LABEL}\n`);
    });
    await run("pkcsconf", ["-P", "-c", SOFT_TOKEN_SLOT, "-S", DEFAULT_SO_PIN, "-n", OCK_SO_PIN]);
    await run("pkcsconf", ["-u", "-c", SOFT_TOKEN_SLOT, "-S", OCK_SO_PIN, "-n", OCK_USER_PIN]);
    const after = await tokenInfo();
    return {
      modulePath: OPENCRYPTOKI_MODULE,
      tokens: [{ label: OCK_TOKEN_LABEL, serial: after.serial, userPin: OCK_USER_PIN, soPin: OCK_SO_PIN }],
      cleanup: stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
