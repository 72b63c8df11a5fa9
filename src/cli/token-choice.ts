/**
 * How a command names its token: `--token LABEL [--serial S]`, or `--token-uri URI` (RFC 7512),
 * whose `module-path` may also give the module when --module is absent.
 */
import { CeremonyError } from "../errors.ts";
import { parseTokenUri } from "../hsm/pkcs11-uri.ts";
import type { TokenSelector } from "../hsm/types.ts";

export interface TokenChoiceArgs {
  module?: string | undefined;
  token?: string | undefined;
  serial?: string | undefined;
  tokenUri?: string | undefined;
}

/** The selector and module path, or null when no token was named at all. */
export function tokenChoice(args: TokenChoiceArgs): { selector: TokenSelector; modulePath: string | undefined } | null {
  if (args.tokenUri !== undefined) {
    if (args.token !== undefined || args.serial !== undefined) {
      throw new CeremonyError("TOKEN_CHOICE_TWICE", "Name the token either with --token-uri or with --token/--serial, not both.");
    }
    const { modulePath, ...selector } = parseTokenUri(args.tokenUri);
    if (args.module !== undefined && modulePath !== undefined && args.module !== modulePath) {
      throw new CeremonyError("TOKEN_CHOICE_MODULE", `--module ${args.module} and the URI's module-path ${modulePath} differ; give one of them.`);
    }
    return { selector, modulePath: args.module ?? modulePath };
  }
  if (args.token === undefined) return null;
  return { selector: { label: args.token, ...(args.serial !== undefined ? { serial: args.serial } : {}) }, modulePath: args.module };
}
