import { homedir } from "node:os";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { Journal, type InventoryKey } from "../journal/index.ts";
import type { CliIo } from "./io.ts";

export const DEFAULT_JOURNAL = join(homedir(), ".ceremony-workstation", "journal.db");

/** `ceremony keys [--journal DB]`: every key a ceremony made or used, overdue ones flagged. */
export async function keysCommand(io: CliIo, journalPath = DEFAULT_JOURNAL): Promise<number> {
  if (!existsSync(journalPath)) {
    io.err(`No journal at ${journalPath}. Give the journal of your ceremonies with --journal DB.`);
    return 1;
  }
  const journal = Journal.open(journalPath);
  try {
    const keys = journal.listKeys();
    if (keys.length === 0) io.out("The key inventory is empty.");
    for (const line of describeKeys(keys)) io.out(line);
    return keys.some((k) => k.status === "overdue") ? 3 : 0;
  } finally {
    journal.close();
  }
}

const STATUS: Record<InventoryKey["status"], string> = {
  active: "active",
  "due-soon": "DUE SOON",
  overdue: "OVERDUE",
  destroyed: "destroyed",
};

export function describeKeys(keys: InventoryKey[]): string[] {
  return keys.map((k) => {
    const check = k.spkiSha256 ? `SPKI ${k.spkiSha256.slice(0, 16)}…` : `KCV ${k.kcvEcb0 ?? "-"}/${k.kcvCmac ?? "-"}`;
    const when = k.destroyedAt ? `destroyed ${k.destroyedAt.slice(0, 10)}` : k.rotationDueAt ? `rotate by ${k.rotationDueAt.slice(0, 10)}` : "no rotation date";
    return `${STATUS[k.status].padEnd(9)} ${k.label.padEnd(28)} ${k.algorithm.padEnd(8)} ${k.purpose.padEnd(18)} token ${k.tokenLabel} (${k.tokenSerial})  ID ${k.ckaId.slice(0, 12)}…  ${check}  ${when}`;
  });
}
