/**
 * `ceremony rehearse SCRIPT [--params FILE] --out DIR [--journal DB] [--share FILE...]`: the whole
 * script on a throwaway SoftHSM2 token with scripted participants (from the params file, or a
 * default cast). Real tokens are never touched: the module sees only the rehearsal's own config.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadScriptFile } from "../ceremony/load-script.ts";
import { checkOutputDir } from "../ceremony/output-dir.ts";
import { rehearsalCast, rehearseScript } from "../ceremony/rehearsal.ts";
import { formatHex } from "../common/index.ts";
import { CeremonyError } from "../errors.ts";
import { createRehearsalEnvironment } from "../hsm/index.ts";
import { Journal } from "../journal/index.ts";
import type { CliIo } from "./io.ts";

export interface RehearseArgs {
  script?: string;
  params?: string;
  out?: string;
  journal?: string;
  shares?: string[];
  csr?: string;
}

export async function rehearseCommand(io: CliIo, args: RehearseArgs): Promise<number> {
  if (!args.script || !args.out) {
    io.err("usage: ceremony rehearse SCRIPT [--params FILE] --out DIR [--journal DB] [--share FILE...]");
    return 2;
  }
  // A ScriptValidationError reaches main(), which prints every problem with its YAML path.
  const loaded = await loadScriptFile(args.script, args.params);
  const { script, params } = loaded;
  // Checked before the rehearsal token is made and the first key generated.
  await checkOutputDir(args.out);
  const holdersNeeded = Math.max(script.roleMinimums["share-holder"], Number(script.parameters.cardCount ?? 0), args.shares?.length ?? 0);
  const cast =
    params.participants?.map((p, i) => ({ ...p, attestationPin: p.attestationPin ?? `rehearsal-attest-${i + 1}` })) ?? rehearsalCast(holdersNeeded);
  const cardTexts = new Map<string, string>();
  const holders = cast.filter((p) => p.role === "share-holder");
  for (const [i, file] of (args.shares ?? []).entries()) {
    const holder = holders[i];
    if (!holder) throw new CeremonyError("TOO_MANY_SHARES", `${args.shares!.length} shares given, but only ${holders.length} share holders take part.`);
    cardTexts.set(holder.name, (await readFile(file, "utf8")).trim());
  }
  const env = await createRehearsalEnvironment([{ label: `rehearsal-${script.definition.id}`.slice(0, 32) }]);
  const journalPath = args.journal ?? join(env.dir, "journal.db");
  const journal = Journal.open(journalPath);
  try {
    const result = await rehearseScript({
      script,
      env,
      tokenLabel: env.tokens[0]!.label,
      journal,
      outDir: resolve(args.out),
      participants: cast,
      cardTexts,
      ...(args.csr ? { file: async () => ({ name: args.csr!, bytes: await readFile(args.csr!) }) } : {}),
      log: (l) => io.out(l),
    });
    io.out(`\n${result.status.toUpperCase()}: bundle ${result.bundleDir} verified; journal head ${formatHex(result.checkpoint.head.slice(0, 8))} after ${result.checkpoint.eventCount} events.`);
    if (existsSync(join(result.bundleDir, "print"))) io.out(`REHEARSAL cards are in ${join(result.bundleDir, "print")}.`);
    return 0;
  } finally {
    journal.close();
    await env.cleanup();
  }
}
