/**
 * The `ceremony` command (docs/architecture.md, "CLI"). Each verb is one small function; this file only
 * parses arguments and turns errors into a sentence and an exit code. Each verb's module is
 * imported when that verb runs, so `ceremony --help` or `ceremony verify` loads only what it
 * uses (start-up time: npm run bench:cli).
 */
import { parseArgs } from "node:util";
import { CeremonyError } from "../errors.ts";
import { fittedIo, processIo, type CliIo } from "./io.ts";
import type { Prompter } from "./prompt.ts";

// Within the terminal's 100 columns: each verb's synopsis, then what it does.
const USAGE = `usage:
  ceremony tokens [--module PATH] [--module-args STRING]
      slots and tokens: label, serial, model, flags
  ceremony validate SCRIPT [--params FILE]
      full validation, no HSM touched; prints the values the ceremony will run with
  ceremony print-script SCRIPT --params FILE --out PDF [--rehearsal]
      the paper script for witnesses, before the ceremony
  ceremony preflight SCRIPT [--params FILE] [--module PATH [--module-args STRING]]
                     (--token LABEL [--serial S] | --token-uri URI) [--login]
      can this token do everything the script needs? exit 1 when not
  ceremony run SCRIPT [--params FILE] [--module PATH [--module-args STRING]]
               (--token LABEL [--serial S] | --token-uri URI) --out DIR
               [--journal DB] [--save-cards DIR]
      a real ceremony in this terminal; --out must be absent or empty (checked before sign-in)
  ceremony finish --journal DB --out DIR [--ceremony ID] [--module PATH [--module-args STRING]]
                  [--token LABEL]
      write a finished (or aborted) ceremony's bundle from its journal
  ceremony rehearse SCRIPT [--params FILE] --out DIR [--journal DB] [--share FILE...] [--csr FILE]
      the same on a throwaway SoftHSM2 token, scripted participants
  ceremony demo --out DIR
      full tour on throwaway tokens, then verify
  ceremony verify PATH... [--signer PEM|FINGERPRINT|WORDS]... [--json]
      bundles or folders of them; exit 0 only when every check passes and the signer is
      anchored (3 not anchored, 4 aborted, 5 both, 1 failed)
  ceremony shares inspect FILE... | -
      decode and check shares (from files or standard input) without combining
  ceremony recover --bundle DIR [--key LABEL] [--later-bundle DIR]... --share FILE... --rehearsal
                   [--out DIR]
  ceremony recover --bundle DIR [--key LABEL] [--later-bundle DIR]... --module PATH
                   [--module-args STRING] (--token LABEL | --token-uri URI) --out DIR
      a recovery drill into a throwaway token, or the witnessed recovery ceremony; a card set a
      re-escrow revoked (this journal's inventory, or a --later-bundle) is refused first
  ceremony keys [--journal DB] [--full-ids]
      key inventory with rotation status; keys of aborted ceremonies flagged
  ceremony report PATH... --out DIR [--signer PEM|FINGERPRINT|WORDS]... [--at DATE]
      policy evidence (seed policies, PCI-DSS 3.7) as PDF and JSON; only verified bundles count
      (1 a requirement not evidenced, 3 not anchored)`;

/**
 * The verbs of a ceremony session, read in the room at the laptop's console: every line they
 * print, errors included, fits 100 columns (broken at spaces, never inside a hex group). The
 * other verbs print one-line errors and their own layouts (validate wraps its listing itself).
 */
const CEREMONY_VERBS = new Set(["run", "rehearse", "recover", "finish"]);

type Handler = (io: CliIo, positionals: string[], values: Record<string, string | string[] | boolean | undefined>) => Promise<number>;

const OPTIONS = {
  module: { type: "string" },
  "module-args": { type: "string" },
  "token-uri": { type: "string" },
  login: { type: "boolean" },
  params: { type: "string" },
  token: { type: "string" },
  serial: { type: "string" },
  out: { type: "string" },
  journal: { type: "string" },
  signer: { type: "string", multiple: true },
  json: { type: "boolean" },
  bundle: { type: "string" },
  ceremony: { type: "string" },
  key: { type: "string" },
  share: { type: "string", multiple: true },
  "later-bundle": { type: "string", multiple: true },
  csr: { type: "string" },
  "save-cards": { type: "string" },
  rehearsal: { type: "boolean" },
  "full-ids": { type: "boolean" },
  at: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** For the verbs that ask questions at the terminal: loaded with them, not at every start. */
async function terminalPrompterFactory(): Promise<() => Prompter> {
  const { terminalPrompter } = await import("./prompt.ts");
  return () => terminalPrompter();
}

const commands: Record<string, Handler> = {
  tokens: async (io, _p, v) => (await import("./tokens-command.ts")).tokensCommand(io, { module: v.module as string | undefined, moduleArgs: v["module-args"] as string | undefined }),
  preflight: async (io, p, v) =>
    (await import("./preflight-command.ts")).preflightCommand(
      io,
      {
        script: p[0],
        params: v.params as string | undefined,
        module: v.module as string | undefined,
        moduleArgs: v["module-args"] as string | undefined,
        token: v.token as string | undefined,
        serial: v.serial as string | undefined,
        tokenUri: v["token-uri"] as string | undefined,
        login: v.login === true,
      },
      await terminalPrompterFactory(),
    ),
  validate: async (io, p, v) => (await import("./validate-command.ts")).validateCommand(io, p[0], v.params as string | undefined),
  demo: async (io, _p, v) => (await import("./demo-command.ts")).demoCommand(io, v.out as string | undefined),
  keys: async (io, _p, v) => (await import("./keys-command.ts")).keysCommand(io, v.journal as string | undefined, { fullIds: v["full-ids"] === true }),
  verify: async (io, p, v) => (await import("./verify-command.ts")).verifyCommand(io, p, { signers: v.signer as string[] | undefined, json: v.json === true }),
  report: async (io, p, v) =>
    (await import("./report-command.ts")).reportCommand(io, p, { out: v.out as string | undefined, signers: v.signer as string[] | undefined, at: v.at as string | undefined }),
  shares: async (io, p) => (await import("./shares-command.ts")).sharesCommand(io, p),
  run: async (io, p, v) =>
    (await import("./run-command.ts")).runCommand(
      io,
      {
        script: p[0],
        params: v.params as string | undefined,
        module: v.module as string | undefined,
        moduleArgs: v["module-args"] as string | undefined,
        token: v.token as string | undefined,
        serial: v.serial as string | undefined,
        tokenUri: v["token-uri"] as string | undefined,
        out: v.out as string | undefined,
        journal: v.journal as string | undefined,
        saveCards: v["save-cards"] as string | undefined,
      },
      (await import("./prompt.ts")).terminalPrompter(),
    ),
  recover: async (io, _p, v) => {
    const { RECOVER_OPTIONS } = await import("./recover-command.ts");
    const unused = Object.keys(v).filter((k) => !RECOVER_OPTIONS.has(k) && k !== "help");
    if (unused.length) {
      io.err(`ceremony recover does not use ${unused.map((k) => `--${k}`).join(", ")}; it takes --bundle, --key, --later-bundle, --share, --rehearsal, --module, --module-args, --token, --serial, --out and --journal.`);
      return 2;
    }
    return (await import("./recover-command.ts")).recoverCommand(io, {
      bundle: v.bundle as string | undefined,
      shares: v.share as string[] | undefined,
      rehearsal: v.rehearsal === true,
      module: v.module as string | undefined,
      moduleArgs: v["module-args"] as string | undefined,
      token: v.token as string | undefined,
      serial: v.serial as string | undefined,
      tokenUri: v["token-uri"] as string | undefined,
      out: v.out as string | undefined,
      journal: v.journal as string | undefined,
      keyLabel: v.key as string | undefined,
      laterBundles: v["later-bundle"] as string[] | undefined,
    });
  },
  "print-script": async (io, p, v) =>
    (await import("./print-script-command.ts")).printScriptCommand(io, { script: p[0], params: v.params as string | undefined, out: v.out as string | undefined, rehearsal: v.rehearsal === true }),
  finish: async (io, _p, v) =>
    (await import("./finish-command.ts")).finishCommand(
      io,
      {
        journal: v.journal as string | undefined,
        out: v.out as string | undefined,
        ceremony: v.ceremony as string | undefined,
        module: v.module as string | undefined,
        moduleArgs: v["module-args"] as string | undefined,
        token: v.token as string | undefined,
        serial: v.serial as string | undefined,
      },
      await terminalPrompterFactory(),
    ),
  rehearse: async (io, p, v) =>
    (await import("./rehearse-command.ts")).rehearseCommand(io, {
      script: p[0],
      params: v.params as string | undefined,
      out: v.out as string | undefined,
      journal: v.journal as string | undefined,
      shares: v.share as string[] | undefined,
      csr: v.csr as string | undefined,
    }),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.err(`ceremony: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [verb, ...rest] = parsed.positionals;
  if (!verb || parsed.values.help) {
    io.out(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  const handler = commands[verb];
  if (!handler) {
    io.err(`ceremony: unknown command "${verb}"\n${USAGE}`);
    return 2;
  }
  if (CEREMONY_VERBS.has(verb)) io = fittedIo(io);
  try {
    return await handler(io, rest, parsed.values);
  } catch (e) {
    if (e instanceof CeremonyError) {
      io.err(`ceremony ${verb}: ${e.message} [${e.code}]`);
      return 1;
    }
    // A stack trace helps nobody in the room; it is shown only when asked for (CEREMONY_DEBUG=1).
    const detail = process.env.CEREMONY_DEBUG === "1" ? ((e as Error).stack ?? String(e)) : ((e as Error).message ?? String(e)).split("\n")[0];
    io.err(`ceremony ${verb}: unexpected error: ${detail}. This is a bug: please report it with the command you ran (CEREMONY_DEBUG=1 shows the details).`);
    return 70;
  }
}
