/**
 * A tpm2-pkcs11 token on a software TPM, all private to one test run: swtpm on a free loopback
 * port with its state in a temp folder, a private session dbus-daemon, tpm2-abrmd on that bus, and
 * a tpm2_ptool store holding one token. Every daemon is stopped by its PID in cleanup().
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freeLoopbackPortPair, portAccepts, startDaemon, stopDaemon, waitFor, type Daemon } from "./daemon.ts";

const run = promisify(execFile);

export const TPM2_PKCS11_MODULE = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";
export const TPM2_TOKEN_LABEL = "ceremony-tpm";
/** tpm2-pkcs11 gives every token this serial (a known fact the tests assert). */
export const TPM2_SERIAL = "0000000000000000";

export interface Tpm2TokenEnvironment {
  dir: string;
  modulePath: string;
  /** What the module reads at C_Initialize: the bus, the TCTI and the store. */
  env: Record<string, string>;
  tokens: Array<{ label: string; serial: string; userPin: string; soPin: string }>;
  cleanup(): Promise<void>;
}

/** Why this machine cannot run the TPM stack, or null when it can. */
export async function tpm2Unavailable(): Promise<string | null> {
  for (const tool of ["swtpm", "dbus-daemon", "tpm2-abrmd", "tpm2_ptool", "dbus-send"]) {
    try {
      await run("sh", ["-c", `command -v ${tool}`]);
    } catch {
      return `${tool} is not installed (scripts/setup.sh installs swtpm, dbus, tpm2-abrmd, libtpm2-pkcs11-tools)`;
    }
  }
  return null;
}

export async function createTpm2Token(options: { userPin?: string; soPin?: string } = {}): Promise<Tpm2TokenEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), "ceremony-tpm2-"));
  const daemons: Daemon[] = [];
  const cleanup = async (): Promise<void> => {
    for (const d of daemons.reverse()) await stopDaemon(d);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(join(dir, "state"));
    await mkdir(join(dir, "store"));
    // The swtpm TCTI talks to the command port and to the control channel on the next port.
    const port = await freeLoopbackPortPair();
    const ctrl = port + 1;
    const swtpm = startDaemon("swtpm", "swtpm", [
      "socket",
      "--tpm2",
      "--tpmstate", `dir=${join(dir, "state")}`,
      "--server", `type=tcp,port=${port},bindaddr=127.0.0.1`,
      "--ctrl", `type=tcp,port=${ctrl},bindaddr=127.0.0.1`,
      "--flags", "not-need-init,startup-clear",
    ]);
    daemons.push(swtpm);
    await waitFor(`swtpm listening on 127.0.0.1:${port} (${swtpm.output()})`, () => portAccepts(port));

    const dbus = startDaemon("dbus-daemon", "dbus-daemon", ["--session", "--nofork", "--print-address=1", `--address=unix:path=${join(dir, "bus")}`]);
    daemons.push(dbus);
    await waitFor("the private dbus-daemon printing its address", async () => dbus.output().includes("unix:path="));
    const busAddress = dbus.output().split("\n")[0]!.trim();
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: busAddress };

    const root = process.getuid?.() === 0 ? ["--allow-root"] : [];
    const abrmd = startDaemon("tpm2-abrmd", "tpm2-abrmd", [...root, "--session", `--tcti=swtpm:host=127.0.0.1,port=${port}`], env);
    daemons.push(abrmd);
    await waitFor(`tpm2-abrmd on the private bus (${abrmd.output()})`, async () => {
      if (abrmd.child.exitCode !== null) throw new Error(`tpm2-abrmd exited: ${abrmd.output()}`);
      try {
        const { stdout } = await run(
          "dbus-send",
          ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:com.intel.tss2.Tabrmd"],
          { env },
        );
        return stdout.includes("boolean true");
      } catch {
        return false;
      }
    });

    const store = join(dir, "store");
    const moduleEnv = { DBUS_SESSION_BUS_ADDRESS: busAddress, TPM2_PKCS11_TCTI: "tabrmd:bus_type=session", TPM2TOOLS_TCTI: "tabrmd:bus_type=session", TPM2_PKCS11_STORE: store };
    const userPin = options.userPin ?? "tpm-user-1234";
    const soPin = options.soPin ?? "tpm-so-5678";
    await run("tpm2_ptool", ["init", "--path", store], { env: { ...env, ...moduleEnv } });
    await run("tpm2_ptool", ["addtoken", "--pid=1", `--sopin=${soPin}`, `--userpin=${userPin}`, `--label=${TPM2_TOKEN_LABEL}`, "--path", store], { env: { ...env, ...moduleEnv } });
    return { dir, modulePath: TPM2_PKCS11_MODULE, env: moduleEnv, tokens: [{ label: TPM2_TOKEN_LABEL, serial: TPM2_SERIAL, userPin, soPin }], cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
