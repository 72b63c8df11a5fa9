/**
 * `ceremony finish --journal DB --out DIR [--ceremony ID] [--module PATH] [--token LABEL]`: writes
 * the bundle of a ceremony whose steps are all done (or that was aborted) from its journal, when
 * `run` could not write it (a full disk, a pulled USB stick). The transcript is rebuilt from the
 * journal and signed again by the token's transcript-signing key; nothing is added after the
 * journal's terminal event. Signed artifacts are never only in memory: they are in the journal.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { finishCeremony } from "../ceremony/finish.ts";
import { checkOutputDir } from "../ceremony/output-dir.ts";
import { CeremonyRunner } from "../ceremony/runner.ts";
import { CeremonyError } from "../errors.ts";
import { formatFingerprint, labelledLines } from "../common/index.ts";
import { HsmClient, SOFTHSM2_MODULE } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import type { CliIo } from "./io.ts";
import { DEFAULT_JOURNAL } from "./keys-command.ts";
import type { Prompter } from "./prompt.ts";
import { tokenThenPin } from "./run-questions.ts";

export interface FinishArgs {
  journal?: string;
  out?: string;
  ceremony?: string;
  module?: string;
  moduleArgs?: string;
  token?: string;
  serial?: string;
}

const FINISHABLE = new Set(["ready-to-finish", "completed", "aborted"]);

export async function finishCommand(io: CliIo, args: FinishArgs, prompt: () => Prompter): Promise<number> {
  if (!args.out) {
    io.err("usage: ceremony finish --journal DB --out DIR [--ceremony ID] [--module PATH [--module-args STRING]] [--token LABEL] [--serial S]");
    return 2;
  }
  await checkOutputDir(args.out);
  const journalPath = resolve(args.journal ?? DEFAULT_JOURNAL);
  if (!existsSync(journalPath)) throw new CeremonyError("JOURNAL_MISSING", `No journal at ${journalPath}. Give the ceremony's journal with --journal DB.`);
  const journal = Journal.open(journalPath);
  try {
    // The latest ceremony unless one is named; the phase check below says when it cannot be finished.
    const id = args.ceremony ?? journal.ceremonies().at(-1);
    if (!id || !journal.ceremonies().includes(id)) {
      throw new CeremonyError("CEREMONY_NOT_FOUND", args.ceremony ? `The journal holds no ceremony ${args.ceremony}.` : `The journal ${journalPath} holds no ceremony.`);
    }
    const started = journal.events(id)[0]!.body as { token?: { label?: string; serial?: string | null } };
    const label = args.token ?? started.token?.label;
    if (!label) throw new CeremonyError("TOKEN_REQUIRED", "Give the token that signs the transcript with --token LABEL.");
    const runner = CeremonyRunner.resume(id, {
      journal,
      credentials: journal.credentials,
      openHsm: () => HsmClient.open({ modulePath: args.module ?? SOFTHSM2_MODULE, ...(args.moduleArgs !== undefined ? { moduleArgs: args.moduleArgs } : {}) }),
      token: { label, ...((args.serial ?? started.token?.serial) ? { serial: (args.serial ?? started.token?.serial)! } : {}) },
      cards: { description: "none (finishing only)", deliver: () => Promise.reject(new CeremonyError("CARDS_NOT_HERE", "Finishing prints no cards.")) },
      rehearsal: false,
    });
    if (!FINISHABLE.has(runner.state().phase)) {
      throw new CeremonyError("CEREMONY_NOT_FINISHED", `Ceremony ${id} is at "${runner.state().phase}": resume it with ceremony run, then finish.`);
    }
    io.out(`Writing the bundle of ${id} (${runner.script.definition.title}, ${runner.state().phase}) from ${journalPath}.`);
    const p = prompt();
    try {
      const hsmPin = await tokenThenPin(io, p, runner, "HSM PIN (to sign the transcript):");
      const result = await finishCeremony(runner, { outDir: resolve(args.out), hsmPin });
      io.out(`${result.status.toUpperCase()}. Bundle ${result.bundleDir} written and verified.`);
      for (const line of labelledLines("", `Journal checkpoint: ${result.checkpoint.eventCount} events, head`, formatFingerprint(result.checkpoint.head))) io.out(line);
      for (const line of labelledLines("", "Transcript-signing key", formatFingerprint(result.signerSpkiSha256))) io.out(line);
      return result.status === "completed" ? 0 : 1;
    } finally {
      p.close();
      await runner.close();
    }
  } finally {
    journal.close();
  }
}
