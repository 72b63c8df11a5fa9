import { HsmClient, SOFTHSM2_MODULE, type TokenInfo } from "../hsm/index.ts";
import type { CliIo } from "./io.ts";

export async function tokensCommand(io: CliIo, options: { module?: string; moduleArgs?: string | undefined }): Promise<number> {
  const client = await HsmClient.open({ modulePath: options.module ?? SOFTHSM2_MODULE, ...(options.moduleArgs !== undefined ? { moduleArgs: options.moduleArgs } : {}) });
  try {
    const tokens = await client.call("listTokens");
    io.out(`PKCS#11 module: ${client.modulePath}`);
    if (tokens.length === 0) {
      io.out("No slots with a token present. Plug in the HSM and run this again.");
      return 0;
    }
    for (const t of tokens) io.out(describeToken(t));
    return 0;
  } finally {
    await client.close();
  }
}

export function describeToken(t: TokenInfo): string {
  const flags = [
    t.flags.initialized ? "initialized" : "NOT INITIALIZED",
    t.flags.loginRequired ? "login required" : "no login",
    t.flags.userPinCountLow ? "USER PIN COUNT LOW" : "",
    t.flags.userPinFinalTry ? "USER PIN FINAL TRY" : "",
    t.flags.userPinLocked ? "USER PIN LOCKED" : "",
    t.flags.soPinLocked && t.flags.initialized ? "SO PIN LOCKED" : "",
  ].filter(Boolean);
  return [
    `- label:        ${t.label || "(empty slot)"}`,
    `  serial:       ${t.serial || "-"}`,
    `  manufacturer: ${t.manufacturer}`,
    `  model:        ${t.model}   firmware ${t.firmware}   hardware ${t.hardware}`,
    `  flags:        ${flags.join(", ")}`,
    `  slot:         ${t.slotId} (changes between runs; choose tokens by label and serial)`,
  ].join("\n");
}
