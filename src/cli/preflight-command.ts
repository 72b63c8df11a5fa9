/**
 * `ceremony preflight SCRIPT [--params FILE] --module PATH (--token LABEL [--serial S] |
 * --token-uri URI) [--module-args STRING] [--login]`: checks, before anybody signs in, that the
 * token can do everything the script needs, and prints the table (src/ceremony/preflight.ts).
 * Exit 0 when every need is met, 1 when the token refuses one.
 *
 * Without --login only what the token does without a PIN is tested (mechanism list and info, and
 * known-answer tests on public session objects). With --login the PIN is asked once, the tests run
 * with the ceremony's exact (private) templates, and the token is logged out before this returns:
 * the PIN is never kept for a later login (docs/hsm-support.md, "The PIN and the preflight").
 */
import { basename } from "node:path";
import { loadScriptFile } from "../ceremony/load-script.ts";
import { preflightOnModule } from "../ceremony/preflight-session.ts";
import { formatPreflightTable } from "../ceremony/preflight-table.ts";
import { SOFTHSM2_MODULE } from "../hsm/index.ts";
import type { CliIo } from "./io.ts";
import type { Prompter } from "./prompt.ts";
import { tokenChoice, type TokenChoiceArgs } from "./token-choice.ts";

export const PREFLIGHT_USAGE =
  "usage: ceremony preflight SCRIPT [--params FILE] --module PATH (--token LABEL [--serial S] | --token-uri URI) [--module-args STRING] [--login]";

export interface PreflightArgs extends TokenChoiceArgs {
  script?: string | undefined;
  params?: string | undefined;
  moduleArgs?: string | undefined;
  login?: boolean;
}

/** The prompter is made only for --login: without it nothing is read from the terminal. */
export async function preflightCommand(io: CliIo, args: PreflightArgs, prompter: () => Prompter): Promise<number> {
  const choice = tokenChoice(args);
  if (!args.script || !choice) {
    io.err(PREFLIGHT_USAGE);
    return 2;
  }
  const { script } = await loadScriptFile(args.script, args.params);
  const prompt = args.login ? prompter() : null;
  try {
    const report = await preflightOnModule(
      { modulePath: choice.modulePath ?? SOFTHSM2_MODULE, moduleArgs: args.moduleArgs },
      choice.selector,
      script,
      prompt
        ? (t) => {
            // The serial first: a PIN typed into the wrong token is a PIN tried there.
            io.out(`Token "${t.label}": serial ${t.serial} (${t.manufacturer} ${t.model}, firmware ${t.firmware}).`);
            return prompt.secret("HSM user PIN for the preflight's tests (logged out afterwards):");
          }
        : undefined,
    );
    io.out(formatPreflightTable(report, basename(args.script)));
    return report.ok ? 0 : 1;
  } finally {
    prompt?.close();
  }
}
