/**
 * The preflight as a session of its own: the module is loaded in a worker, the token opened, the
 * preflight run (with the user PIN only when asked for), the token logged out and the module
 * closed. The ceremony's own session is opened later, at its login step (docs/hsm-support.md,
 * "The PIN and the preflight").
 */
import { HsmClient, type HsmClientOptions } from "../hsm/hsm-client.ts";
import type { TokenInfo, TokenSelector } from "../hsm/types.ts";
import type { LoadedScript } from "./load-script.ts";
import { runPreflight, type PreflightReport } from "./preflight.ts";

export async function preflightOnModule(
  module: { modulePath: string; moduleArgs?: string | undefined; env?: Record<string, string>; mask?: HsmClientOptions["mask"] },
  selector: TokenSelector,
  script: LoadedScript,
  /** Asked with the opened token, so its serial can be shown before the PIN is typed. */
  askPin?: (token: TokenInfo) => Promise<Buffer>,
): Promise<PreflightReport> {
  const client = await HsmClient.open({
    modulePath: module.modulePath,
    ...(module.moduleArgs !== undefined ? { moduleArgs: module.moduleArgs } : {}),
    ...(module.env ? { env: module.env } : {}),
    ...(module.mask ? { mask: module.mask } : {}),
  });
  try {
    const token = await client.call("openToken", selector);
    if (!askPin) return await runPreflight(client, selector, script, { openToken: false });
    await client.login("user", await askPin(token));
    try {
      return await runPreflight(client, selector, script, { openToken: false, loggedIn: true });
    } finally {
      await client.call("logout");
    }
  } finally {
    await client.close();
  }
}
