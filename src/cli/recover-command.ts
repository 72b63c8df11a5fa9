/**
 * `ceremony recover --bundle DIR --share FILE... --rehearsal`: recovers the escrowed KEK of a
 * master-key bundle from k cards into a fresh throwaway token (a recovery drill).
 * `ceremony recover --bundle DIR --module PATH [--module-args STRING] --token LABEL --out DIR`: the real recovery, run
 * as the witnessed key-recovery ceremony in the terminal, where each holder types their own card
 * in private (share files on disk are refused outside a drill).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CeremonyError } from "../errors.ts";
import type { CliIo } from "./io.ts";
import { terminalPrompter } from "./prompt.ts";
import { rehearseCommand } from "./rehearse-command.ts";
import { runCommand } from "./run-command.ts";

const SCRIPT = resolve(import.meta.dirname, "../../ceremony-scripts/key-recovery.yaml");

export interface RecoverArgs {
  bundle?: string;
  shares?: string[];
  rehearsal?: boolean;
  module?: string;
  moduleArgs?: string | undefined;
  token?: string;
  serial?: string;
  out?: string;
  journal?: string;
  keyLabel?: string;
}

export async function recoverCommand(io: CliIo, args: RecoverArgs): Promise<number> {
  if (!args.bundle) {
    io.err("usage: ceremony recover --bundle DIR (--share FILE... --rehearsal | --module PATH [--module-args STRING] --token LABEL) [--out DIR]");
    return 2;
  }
  const dir = await mkdtemp(join(tmpdir(), "recover-"));
  const params = join(dir, "params.yaml");
  await writeFile(params, `parameters:\n  bundle: ${JSON.stringify(resolve(args.bundle))}\n${args.keyLabel ? `  keyLabel: ${JSON.stringify(args.keyLabel)}\n` : ""}`);
  const out = args.out ?? join(dir, "bundle");
  if (args.rehearsal) {
    if (!args.shares?.length) throw new CeremonyError("SHARES_MISSING", "A recovery drill needs the cards: --share FILE for each of k cards (words or QR text).");
    return rehearseCommand(io, { script: SCRIPT, params, out, shares: args.shares, ...(args.journal ? { journal: args.journal } : {}) });
  }
  if (args.shares?.length) {
    throw new CeremonyError(
      "SHARES_FROM_FILES",
      "In a real recovery each holder types or scans their own card in private; share files are accepted only in a drill (--rehearsal).",
    );
  }
  return runCommand(
    io,
    { script: SCRIPT, params, out, ...(args.module ? { module: args.module } : {}), ...(args.moduleArgs !== undefined ? { moduleArgs: args.moduleArgs } : {}), ...(args.token ? { token: args.token } : {}), ...(args.serial ? { serial: args.serial } : {}), ...(args.journal ? { journal: args.journal } : {}) },
    terminalPrompter(),
  );
}
