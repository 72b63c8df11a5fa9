/**
 * Throwaway SoftHSM2 tokens for tests, rehearsals and the demo: a private configuration file and
 * token directory in a temp folder, so a rehearsal can never see or touch a real token.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HsmError } from "./errors.ts";
import { SOFTHSM2_MODULE } from "./hsm-client.ts";

const run = promisify(execFile);

export interface RehearsalTokenSpec {
  label: string;
  /** Rehearsal PINs are not secrets; they are fixed so that scripted participants can type them. */
  userPin: string;
  soPin: string;
}

/**
 * Any throwaway token a rehearsal or test ceremony can run on: SoftHSM2 (below) or another
 * module, e.g. NSS softokn with its init string (test/helpers/nss-token.ts).
 */
export interface TokenEnvironment {
  dir: string;
  modulePath: string;
  /** The module's init string (`--module-args`), where it needs one. */
  moduleArgs?: string;
  /** Process environment the module reads at C_Initialize. */
  env: Record<string, string>;
  tokens: Array<{ label: string; serial: string; userPin: string }>;
}

export interface RehearsalEnvironment {
  dir: string;
  modulePath: string;
  env: { SOFTHSM2_CONF: string };
  tokens: Array<RehearsalTokenSpec & { serial: string }>;
  /** Removes the configuration and every token in it. */
  cleanup(): Promise<void>;
}

export const DEFAULT_REHEARSAL_PINS = { userPin: "rehearsal-user-1234", soPin: "rehearsal-so-5678" } as const;

/** A SoftHSM2 configuration (the file SOFTHSM2_CONF names) keeping its tokens as files in `tokenDir`. */
export function softhsm2Config(tokenDir: string): string {
  return `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`;
}

/** Creates a SoftHSM2 configuration in a fresh temp folder and initialises the given tokens. */
export async function createRehearsalEnvironment(
  tokens: Array<Partial<RehearsalTokenSpec> & { label: string }>,
  options: { parentDir?: string } = {},
): Promise<RehearsalEnvironment> {
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "ceremony-rehearsal-"));
  const tokenDir = join(dir, "tokens");
  await mkdir(tokenDir, { mode: 0o700 });
  const conf = join(dir, "softhsm2.conf");
  await writeFile(conf, softhsm2Config(tokenDir), {
    mode: 0o600,
  });
  const env = { SOFTHSM2_CONF: conf };
  const created: RehearsalEnvironment["tokens"] = [];
  try {
    for (const t of tokens) {
      const spec = { ...DEFAULT_REHEARSAL_PINS, ...t };
      const { stdout } = await run(
        "softhsm2-util",
        ["--init-token", "--free", "--label", spec.label, "--so-pin", spec.soPin, "--pin", spec.userPin],
        { env: { ...process.env, ...env } },
      );
      created.push({ ...spec, serial: await serialOf(spec.label, env) });
      void stdout;
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new HsmError(
      "REHEARSAL_TOKEN_FAILED",
      missing
        ? "softhsm2-util is not installed. Run scripts/setup.sh (it installs the Debian package softhsm2)."
        : `Could not create a rehearsal token: ${(e as Error).message}`,
    );
  }
  return {
    dir,
    modulePath: SOFTHSM2_MODULE,
    env,
    tokens: created,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function serialOf(label: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run("softhsm2-util", ["--show-slots"], { env: { ...process.env, ...env } });
  // softhsm2-util prints one block per slot: "Label:", then "Serial number:".
  const blocks = stdout.split(/\nSlot /);
  for (const block of blocks) {
    const l = /Label:\s*(.*)/.exec(block)?.[1]?.trim();
    const s = /Serial number:\s*(\S+)/.exec(block)?.[1];
    if (l === label && s) return s;
  }
  throw new Error(`token ${label} not found after initialisation`);
}
