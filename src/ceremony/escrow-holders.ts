/**
 * Which card belongs to which holder, for checks at entry (before any HSM call): in a trial
 * recovery the split recorded in this ceremony, in a recovery the split recorded in the original
 * bundle (its share-fingerprints output names each card's holder). The recovery action still
 * verifies the whole bundle before it uses anything from it; this only makes mistakes visible
 * while the holder is still at the keyboard.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { formatSetId } from "../common/index.ts";
import { CeremonyError } from "../errors.ts";
import { lastEventOfType, type RecordedEvent } from "../events/index.ts";
import { voidedCardMessage, voidedSetIds } from "./card-set-void.ts";
import type { LoadedScript } from "./load-script.ts";
import { type EscrowSetLookup, refuseRevokedSet } from "./recovery-standing.ts";
import type { ExtraCheck } from "../transcript/index.ts";

export interface HolderCard {
  /** The card number, printed on the card as "Share N of n". */
  card: number;
  holder: string;
  fingerprint: string;
}

export interface KnownSplit {
  setId: string;
  k: number;
  n: number;
  cards: HolderCard[];
  /** Sets split and voided earlier in the same ceremony (a jam, a crash while printing). */
  voidedSetIds?: ReadonlySet<string>;
}

class CardCheckError extends CeremonyError {}

/** The bundle folder a script's recovery step reads, when it has one. */
export function recoveryBundleOf(script: LoadedScript, scriptDir: string): { dir: string; keyLabel: string } | null {
  const step = script.steps.find((s) => s.action.type === "escrow.recover");
  const params = step?.resolvedParams as { bundle?: string; keyLabel?: string } | undefined;
  if (!params?.bundle || !params.keyLabel) return null;
  return { dir: isAbsolute(params.bundle) ? params.bundle : resolve(scriptDir, params.bundle), keyLabel: params.keyLabel };
}

/** The split as the original transcript records it; null when the bundle cannot be read (the action reports why). */
export async function splitFromBundle(dir: string, keyLabel: string): Promise<KnownSplit | null> {
  let transcript: { outputs?: Array<{ kind: string; label: string; details: Record<string, string> }> };
  try {
    transcript = JSON.parse(await readFile(join(dir, "transcript.json"), "utf8")) as typeof transcript;
  } catch {
    return null;
  }
  const fact = transcript.outputs?.find((o) => o.kind === "share-fingerprints" && o.label === keyLabel);
  if (!fact) return null;
  const cards = Object.entries(fact.details)
    .filter(([name]) => /^card\d+$/.test(name))
    .map(([name, value]) => {
      const m = /^([0-9a-f]+) \((.*)\)$/.exec(value);
      return { card: Number(name.slice(4)), fingerprint: m?.[1] ?? value, holder: m?.[2] ?? "" };
    });
  const k = Number(fact.details.k);
  const n = Number(fact.details.n);
  if (!fact.details.setId || !Number.isInteger(k) || !Number.isInteger(n)) return null;
  return { setId: fact.details.setId, k, n, cards };
}

/**
 * The split whose cards the current step's holders enter: the one recorded in this ceremony
 * (trial recovery) or in the original bundle (recovery); null when none is known (the action
 * then says why).
 */
export async function splitForCardEntry(events: readonly RecordedEvent[], script: LoadedScript, action: string, scriptDir: string): Promise<KnownSplit | null> {
  if (action === "escrow.trial-recovery") {
    const split = lastEventOfType(events, "escrow.split")?.body;
    if (!split) return null;
    return {
      setId: split.setId,
      k: split.k,
      n: split.n,
      cards: split.cards.map((c) => ({ card: c.card, holder: c.holder, fingerprint: c.fingerprint })),
      voidedSetIds: voidedSetIds(events),
    };
  }
  if (action !== "escrow.recover") return null;
  const bundle = recoveryBundleOf(script, scriptDir);
  return bundle ? splitFromBundle(bundle.dir, bundle.keyLabel) : null;
}

/** The card set a script's recovery step recovers from (its bundle's split), for the screens; null when it has none. */
export async function recoverySourceOf(script: LoadedScript, scriptDir: string): Promise<{ keyLabel: string; setId: string; k: number; n: number; bundleDir: string } | null> {
  const bundle = recoveryBundleOf(script, scriptDir);
  const split = bundle ? await splitFromBundle(bundle.dir, bundle.keyLabel) : null;
  return bundle && split ? { keyLabel: bundle.keyLabel, setId: split.setId, k: split.k, n: split.n, bundleDir: bundle.dir } : null;
}

/** Head-counts from the original split: a recovery needs k holders (each with their own card). */
export async function withRecoveryHeadCount(script: LoadedScript, scriptDir: string): Promise<LoadedScript> {
  const bundle = recoveryBundleOf(script, scriptDir);
  if (!bundle) return script;
  const split = await splitFromBundle(bundle.dir, bundle.keyLabel);
  if (!split || split.k <= script.roleMinimums["share-holder"]) return script;
  return { ...script, roleMinimums: { ...script.roleMinimums, "share-holder": split.k } };
}

/**
 * A card entered for `holder` must be one of this split's cards, printed for that holder, and not
 * one already entered. Errors name what is printed on the card: its number and set.
 */
export function checkCardForHolder(
  split: KnownSplit,
  holder: string,
  card: { setId: string; fingerprint: string },
  alreadyEntered: ReadonlyArray<{ holder: string; fingerprint: string }>,
): HolderCard {
  const set = formatSetId(split.setId);
  if (card.setId !== split.setId && split.voidedSetIds?.has(card.setId)) throw new CardCheckError("SHARE_WRONG_SET", voidedCardMessage("This card", card.setId, split.setId));
  if (card.setId !== split.setId) {
    throw new CardCheckError("SHARE_WRONG_SET", `This card is from set ${formatSetId(card.setId)}, not from set ${set} (the set on ${holder}'s card). Check the set printed on the card.`);
  }
  const entered = split.cards.find((c) => c.fingerprint === card.fingerprint);
  if (!entered) throw new CardCheckError("SHARE_NOT_IN_SET", `These words are not any card of set ${set}. Read the card again, word by word.`);
  const twice = alreadyEntered.find((e) => e.fingerprint === card.fingerprint);
  if (twice) {
    throw new CardCheckError("SHARE_ENTERED_TWICE", `Card ${entered.card} of set ${set} was already entered for ${twice.holder}. Each holder enters their own, different card.`);
  }
  const own = split.cards.find((c) => c.holder === holder);
  if (entered.holder !== holder) {
    throw new CardCheckError(
      "SHARE_WRONG_HOLDER",
      `That is card ${entered.card} of set ${set}, printed for ${entered.holder}${own ? `; ${holder}'s card is card ${own.card}` : `; ${holder} holds no card of this set`}. Each holder enters their own card.`,
    );
  }
  return entered;
}

/**
 * For a script with a recovery step: refuses, before anybody signs in, a recovery whose bundle's
 * set is revoked. The bundle itself is verified by the recovery step; an unreadable one is left
 * for that step to explain.
 */
export async function refuseRevokedRecovery(script: LoadedScript, scriptDir: string, options: { lookup?: EscrowSetLookup; extraChecks: readonly ExtraCheck[] }): Promise<void> {
  const bundle = recoveryBundleOf(script, scriptDir);
  if (!bundle) return;
  const split = await splitFromBundle(bundle.dir, bundle.keyLabel);
  if (!split) return;
  await refuseRevokedSet(split.setId, { ...options, laterBundles: laterBundlesOf(script, scriptDir) });
}

/** The later bundles a recovery step was given (laterBundles), resolved against the script's folder. */
export function laterBundlesOf(script: LoadedScript, scriptDir: string): string[] {
  const step = script.steps.find((s) => s.action.type === "escrow.recover");
  const dirs = (step?.resolvedParams as { laterBundles?: string[] } | undefined)?.laterBundles ?? [];
  return dirs.map((d) => (isAbsolute(d) ? d : resolve(scriptDir, d)));
}
