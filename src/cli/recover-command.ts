/**
 * `ceremony recover --bundle DIR --share FILE... --rehearsal`: recovers the escrowed KEK of a
 * master-key bundle from k cards into a fresh throwaway token (a recovery drill).
 * `ceremony recover --bundle DIR --module PATH [--module-args STRING] --token LABEL --out DIR`: the real recovery, run
 * as the witnessed key-recovery ceremony in the terminal, where each holder types their own card
 * in private (share files on disk are refused outside a drill).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { splitFromBundle } from "../ceremony/escrow-holders.ts";
import { refuseRevokedSet } from "../ceremony/recovery-standing.ts";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { Journal } from "../journal/index.ts";
import { DEFAULT_JOURNAL } from "./keys-command.ts";
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
  tokenUri?: string | undefined;
  out?: string;
  journal?: string;
  keyLabel?: string;
  /** Bundles made after --bundle (re-escrows): a card set one of them revoked is refused. */
  laterBundles?: string[];
}

/** Options recover acts on; any other is refused rather than silently ignored. */
export const RECOVER_OPTIONS = new Set(["bundle", "share", "rehearsal", "module", "module-args", "token", "serial", "out", "journal", "key", "later-bundle"]);

export async function recoverCommand(io: CliIo, args: RecoverArgs): Promise<number> {
  if (!args.bundle) {
    io.err("usage: ceremony recover --bundle DIR [--key LABEL] (--share FILE... --rehearsal [--out DIR] | --module PATH [--module-args STRING] --token LABEL --out DIR)");
    return 2;
  }
  if (!args.rehearsal && !args.out) {
    // The bundle of a witnessed recovery is its only record: it must go where the officer chose.
    throw new CeremonyError("OUT_REQUIRED", "A witnessed recovery writes its bundle, the only record of it, to --out DIR: give a new or empty folder on the removable media.");
  }
  if (!args.rehearsal && args.shares?.length) {
    throw new CeremonyError(
      "SHARES_FROM_FILES",
      "In a real recovery each holder types or scans their own card in private; share files are accepted only in a drill (--rehearsal).",
    );
  }
  const keyLabel = await escrowedKeyLabel(resolve(args.bundle), args.keyLabel);
  // Before anything else, and before anyone types a card: a set a re-escrow revoked is refused.
  const later = (args.laterBundles ?? []).map((d) => resolve(d));
  await refuseRevokedBundle(resolve(args.bundle), keyLabel, later, args.journal);
  if (args.rehearsal) {
    // The number comes from the bundle: its split says how many cards a recovery takes.
    const split = await splitFromBundle(resolve(args.bundle), keyLabel);
    const given = args.shares?.length ?? 0;
    if (split && given < split.k) {
      throw new CeremonyError(
        "SHARES_MISSING",
        `A recovery drill of ${keyLabel} needs ${split.k} cards (its split is ${split.k} of ${split.n}); ${given === 0 ? "none was" : `only ${given} ${given === 1 ? "was" : "were"}`} given. Give --share FILE for each card (words or QR text).`,
      );
    }
    if (given === 0) throw new CeremonyError("SHARES_MISSING", "A recovery drill needs the cards: --share FILE for each card (words or QR text).");
  }
  // The parameters file exists only for this run; nothing is left in the temp folder.
  const dir = await mkdtemp(join(tmpdir(), "recover-"));
  try {
    const params = join(dir, "params.yaml");
    const laterYaml = later.length ? `  laterBundles:\n${later.map((d) => `    - ${JSON.stringify(d)}\n`).join("")}` : "";
    await writeFile(params, `parameters:\n  bundle: ${JSON.stringify(resolve(args.bundle))}\n  keyLabel: ${JSON.stringify(keyLabel)}\n${laterYaml}`);
    io.out(`Recovering ${keyLabel} from ${resolve(args.bundle)}.`);
    if (args.rehearsal) {
      const out = args.out ?? join(dir, "drill-bundle");
      const code = await rehearseCommand(io, { script: SCRIPT, params, out, shares: args.shares!, ...(args.journal ? { journal: args.journal } : {}) });
      if (!args.out) io.out("The drill's bundle was verified and discarded; give --out DIR to keep it.");
      return code;
    }
    return await runCommand(
      io,
      { script: SCRIPT, params, out: args.out!, ...(args.module ? { module: args.module } : {}), ...(args.moduleArgs !== undefined ? { moduleArgs: args.moduleArgs } : {}), ...(args.token ? { token: args.token } : {}), ...(args.serial ? { serial: args.serial } : {}), ...(args.tokenUri !== undefined ? { tokenUri: args.tokenUri } : {}), ...(args.journal ? { journal: args.journal } : {}) },
      terminalPrompter(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Refuses a bundle whose card set a re-escrow revoked: as this workstation's key inventory (the
 * journal given, or the default one when it exists) or a later bundle given records it.
 */
async function refuseRevokedBundle(bundle: string, keyLabel: string, laterBundles: readonly string[], journalPath: string | undefined): Promise<void> {
  const split = await splitFromBundle(bundle, keyLabel);
  if (!split) return; // the recovery step verifies the bundle and says what is wrong with it
  const path = resolve(journalPath ?? DEFAULT_JOURNAL);
  const journal = existsSync(path) ? Journal.open(path) : null;
  try {
    await refuseRevokedSet(split.setId, { ...(journal ? { lookup: (setId: string) => journal.escrowSet(setId) } : {}), laterBundles, extraChecks: [scriptRecheck] });
  } finally {
    journal?.close();
  }
}

/** The escrowed key's label, from the bundle's escrow/<label>.wrapped files (or the one asked for). */
async function escrowedKeyLabel(bundle: string, asked: string | undefined): Promise<string> {
  const names = await readdir(join(bundle, "escrow")).catch(async () => {
    const what = await stat(bundle).then(
      (s) => (s.isDirectory() ? null : "is not a folder"),
      () => "does not exist",
    );
    if (what) throw new CeremonyError("RECOVERY_NO_ESCROW", `${bundle} ${what}. Give the master-key ceremony's bundle folder with --bundle.`);
    throw new CeremonyError("RECOVERY_NO_ESCROW", `${bundle} has no escrow/ folder: it is not the bundle of a master-key ceremony. Give that bundle with --bundle.`);
  });
  const labels = names.filter((n) => n.endsWith(".wrapped")).map((n) => n.slice(0, -".wrapped".length));
  if (asked !== undefined) {
    if (!labels.includes(asked)) throw new CeremonyError("RECOVERY_KEY_NOT_IN_BUNDLE", `The bundle escrows ${labels.join(", ") || "no key"}, not "${asked}". Check --key.`);
    return asked;
  }
  if (labels.length === 1) return labels[0]!;
  throw new CeremonyError(
    "RECOVERY_KEY_AMBIGUOUS",
    labels.length ? `The bundle escrows ${labels.length} keys (${labels.join(", ")}); choose one with --key LABEL.` : `The bundle at ${bundle} escrows no key.`,
  );
}
