import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { abortedCeremonyIds, abortedMaker } from "../ceremony/aborted-ceremonies.ts";
import { abortedKeyAdvice, formatFingerprintPrefix, formatKcv, formatKeyId, formatSetId, formatUtcDate, rotationIsDue, rotationScriptFor } from "../common/index.ts";
import { describeCopy, describeFate, remainingCopies } from "../common/key-copies.ts";
import { type EscrowSetRevocation, Journal, type InventoryKey, type KeyWithCopies } from "../journal/index.ts";
import type { CliIo } from "./io.ts";

export const DEFAULT_JOURNAL = join(homedir(), ".ceremony-workstation", "journal.db");
const SCRIPTS = resolve(import.meta.dirname, "../../ceremony-scripts");

/**
 * `ceremony keys [--journal DB] [--full-ids]`: every key a ceremony made or used, overdue ones
 * flagged, keys of aborted ceremonies named as such, and each key's copies (other tokens, escrow
 * cards, wrapped keys) with what became of each, and each escrow set a re-escrow revoked: a key
 * is "destroyed" only when every copy is accounted for. IDs are shortened unless `--full-ids` asks for the whole CKA_ID (to copy, e.g.
 * into key-destruction's expectedId).
 */
export async function keysCommand(io: CliIo, journalPath = DEFAULT_JOURNAL, options: { fullIds?: boolean } = {}): Promise<number> {
  if (!existsSync(journalPath)) {
    io.err(`No journal at ${journalPath}. Give the journal of your ceremonies with --journal DB.`);
    return 1;
  }
  const journal = Journal.open(journalPath);
  try {
    const keys = journal.listKeysWithCopies();
    if (keys.length === 0) io.out("The key inventory is empty.");
    const aborted = abortedCeremonyIds(journal);
    for (const line of describeKeys(keys, { abortedCeremonies: aborted, fullIds: options.fullIds === true, scriptsDir: SCRIPTS, revokedSets: revokedSets(journal, keys) })) io.out(line);
    return keys.some((k) => k.status === "overdue") ? 3 : 0;
  } finally {
    journal.close();
  }
}

/** The rotation link, both ways: "replaced by KEK-02 …" under the old key, "replaces KEK-01 …" under the new. */
function rotationLines(g: KeyWithCopies, all: readonly KeyWithCopies[]): string[] {
  const rows = all.flatMap((x) => x.tokens);
  const name = (ref: { tokenSerial: string; ckaId: string }): string => {
    const other = rows.find((x) => x.tokenSerial === ref.tokenSerial && x.ckaId === ref.ckaId);
    return `${other?.label ?? "?"} (ID ${formatKeyId(ref.ckaId)}, token ${other?.tokenLabel ?? ref.tokenSerial})`;
  };
  const lines: string[] = [];
  const replaced = g.tokens.find((t) => t.supersededBy);
  if (replaced?.supersededBy) lines.push(`          replaced by ${name(replaced.supersededBy)} in ceremony ${replaced.supersededByCeremony ?? "?"} on ${formatUtcDate(replaced.supersededAt ?? "")}`);
  for (const old of g.tokens.flatMap((t) => t.supersedes)) lines.push(`          replaces ${name(old)}`);
  return lines;
}

/** The escrow sets of these keys that a re-escrow revoked, by set ID (lowercase). */
export function revokedSets(journal: Journal, keys: readonly KeyWithCopies[]): Map<string, EscrowSetRevocation> {
  return new Map(keys.flatMap((k) => journal.escrowSetsOf(k.label)).flatMap((s) => (s.revoked ? [[s.setId.toLowerCase(), s.revoked] as const] : [])));
}

const STATUS: Record<KeyWithCopies["status"], string> = {
  active: "active",
  "due-soon": "DUE SOON",
  overdue: "OVERDUE",
  destroyed: "destroyed",
  "partly-destroyed": "PARTLY DESTROYED",
};

/**
 * One line per key (its first token), then one per other copy with its fate; a partly destroyed
 * key ends with what to do. A key that an aborted ceremony made gets a line saying what to do,
 * because nothing witnessed its use: it is not active, whatever its rotation date says.
 */
export function describeKeys(
  keys: KeyWithCopies[],
  options: { abortedCeremonies?: ReadonlySet<string>; fullIds?: boolean; scriptsDir?: string; revokedSets?: ReadonlyMap<string, EscrowSetRevocation> } = {},
): string[] {
  return keys.flatMap((g) => {
    const k = g.tokens[0]!;
    const check = g.spkiSha256 ? `SPKI ${formatFingerprintPrefix(g.spkiSha256)}` : `KCV-ECB0 ${formatKcv(g.kcvEcb0 ?? "-")}, KCV-CMAC ${formatKcv(g.kcvCmac ?? "-")}`;
    const replaced = g.tokens.find((t) => t.supersededAt);
    const when = k.destroyedAt
      ? `destroyed ${formatUtcDate(k.destroyedAt)}`
      : replaced?.destructionDueAt
        ? `scheduled for destruction by ${formatUtcDate(replaced.destructionDueAt)}`
        : replaced
          ? "replaced; kept (no destruction date)"
          : k.rotationDueAt
            ? `rotate by ${formatUtcDate(k.rotationDueAt)}`
            : "no rotation date";
    // --full-ids is for copying into a script's expectedId, which takes the ID as the token gives it.
    const id = options.fullIds ? k.ckaId : k.ckaId.length <= 12 ? formatKeyId(k.ckaId) : `${formatKeyId(k.ckaId.slice(0, 12))}…`;
    const madeBy = abortedMaker(k, g.status, options.abortedCeremonies ?? new Set());
    const status = madeBy ? "ABORTED" : STATUS[g.status];
    const lines = [`${status.padEnd(9)} ${g.label.padEnd(28)} ${g.algorithm.padEnd(8)} ${g.purpose.padEnd(18)} token ${k.tokenLabel} (${k.tokenSerial})  ID ${id}  ${check}  ${when}`, ...rotationLines(g, keys)];
    if (madeBy) {
      lines.push(`          ${abortedKeyAdvice(madeBy, k.ckaId)}`);
    } else if (rotationIsDue(g.status)) {
      // A replaced key is due for destruction, not rotation: the line says which ceremony that is.
      lines.push(replaced ? destructionLine({ ...replaced, label: g.label, status: g.status }) : rotationLine({ ...k, label: g.label, purpose: g.purpose, status: g.status }, options.scriptsDir));
    }
    const others = g.copies.filter((c) => !(c.kind === "token" && c.tokenSerial === k.tokenSerial && c.id === k.ckaId));
    for (const c of others) lines.push(`          ${describeCopy(c)}: ${describeFate(c)}`);
    // A set a re-escrow revoked: its cards still out are copies, and a recovery from it is refused.
    for (const setId of new Set(g.copies.flatMap((c) => (c.kind === "token" ? [] : [c.setId.toLowerCase()])))) {
      const r = options.revokedSets?.get(setId);
      if (r) lines.push(`          escrow set ${formatSetId(setId)}: REVOKED ${formatUtcDate(r.at)} by ${r.byCeremony} (${r.reason}); superseded by set ${formatSetId(r.supersededBy)}`);
    }
    const left = remainingCopies(g.copies);
    if (g.status === "partly-destroyed") {
      lines.push(
        `          ${left.length} of ${g.copies.length} copies remain: ${g.label} is not destroyed until each is accounted for ` +
          "(key-destruction.yaml on each token that holds it; cards and wrapped keys in its cardsCollected and wrappedKeysDestroyed).",
      );
    }
    return lines;
  });
}

/** What to do about a replaced key whose scheduled destruction is near or past. */
export function destructionLine(k: Pick<InventoryKey, "label" | "ckaId" | "destructionDueAt"> & { status: string }): string {
  const due = k.destructionDueAt ? formatUtcDate(k.destructionDueAt) : "?";
  return `          destruction ${k.status === "overdue" ? `overdue since ${due}` : `due by ${due}`}: destroy ${k.label} with key-destruction.yaml (expectedId ${k.ckaId}).`;
}

/**
 * What to do about a key due or overdue for rotation: the ceremony that rotates it (issue 15,
 * "rotation due drives work"), or that no script rotates that kind of key.
 */
export function rotationLine(k: Pick<InventoryKey, "label" | "purpose" | "status" | "rotationDueAt">, scriptsDir?: string): string {
  const script = rotationScriptFor(k.purpose);
  const due = k.rotationDueAt ? formatUtcDate(k.rotationDueAt) : "?";
  const when = k.status === "overdue" ? `overdue since ${due}` : `due ${due}`;
  if (!script) return `          rotation ${when}: no ceremony script rotates a ${k.purpose} key; replace it in a new ceremony and destroy this one.`;
  const missing = scriptsDir !== undefined && !existsSync(join(scriptsDir, script)) ? ` (${script} is not among this build's ceremony scripts)` : "";
  return `          rotation ${when}: rotate ${k.label} with ${script}${missing}.`;
}
