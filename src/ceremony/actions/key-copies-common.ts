/**
 * What the destruction ceremony's copy steps share (docs/architecture.md, "Key copies"): the
 * copies a verified bundle shows, merging them with the inventory's, and reading the officer's
 * declarations (cards handed in, blobs destroyed, copies on other tokens) against the list.
 */
import { isAbsolute, resolve } from "node:path";
import { copyIdentity, type KeyCopy, type TokenCopy, type CardCopy, type WrappedKeyCopy } from "../../common/key-copies.ts";
import { formatFingerprintPrefix, formatSetId } from "../../common/index.ts";
import { CeremonyError } from "../../errors.ts";
import { type EventBody, eventsOfType, lastEventOfType, type RecordedEvent } from "../../events/index.ts";
import { deliveredEscrowSets } from "../../events/key-copies.ts";
import { type Transcript, verifyBundle } from "../../transcript/index.ts";
import type { ActionContext } from "../action-api.ts";

export class KeyCopiesError extends CeremonyError {}

export type ListedCopies = EventBody<"key.copies.listed">;

/** Which key: the check values of a secret key (a key pair's SPKI never has escrow copies). */
export interface KeyChecks {
  kcvEcb0: string | null;
  kcvCmac: string | null;
  spkiSha256: string | null;
}

/** What one verified bundle says about the key's copies. */
export interface BundleCopies {
  dir: string;
  ceremonyId: string;
  scriptId: string;
  signerSpkiSha256: string;
  checks: KeyChecks | null;
  copies: KeyCopy[];
  /** Escrow sets it names whose cards it does not show (a recovery names the set it used). */
  setsNamed: Array<{ setId: string; ceremonyId: string }>;
  /** Escrow sets it shows in full, for the inventory. */
  sets: ReturnType<typeof deliveredEscrowSets>;
  /** When each token copy it shows was made or recovered there, for the inventory. */
  tokenTimes: Map<string, string>;
}

const present = { status: "present", by: null, at: null, note: null } as const;

export function resolveBundleDir(ctx: Pick<ActionContext, "scriptDir">, dir: string): string {
  return isAbsolute(dir) ? dir : resolve(ctx.scriptDir, dir);
}

/**
 * Verifies a bundle and reads the key's copies from the very transcript verified: a master-key
 * bundle (the token the key was made on, its escrow sets), a recovery bundle (the token it was
 * recovered into) or an earlier destruction bundle (copies destroyed there).
 */
export async function readBundleCopies(ctx: Pick<ActionContext, "scriptDir" | "bundleChecks">, dir: string, label: string): Promise<BundleCopies> {
  const path = resolveBundleDir(ctx, dir);
  const v = await verifyBundle(path, { extraChecks: [...ctx.bundleChecks] });
  if (!v.ok || !v.transcript || !v.signerSpkiSha256) {
    throw new KeyCopiesError(
      "COPIES_BUNDLE_INVALID",
      `The bundle at ${path} does not verify, so nothing in it can be trusted: ${v.failures.map((f) => f.message).join("; ")}. Nothing was destroyed.`,
    );
  }
  const t = v.transcript;
  const found = copiesIn(t, label);
  if (found.copies.length === 0 && found.setsNamed.length === 0) {
    throw new KeyCopiesError(
      "COPIES_BUNDLE_UNRELATED",
      `The bundle at ${path} (ceremony ${t.ceremony.id}, ${t.ceremony.scriptId}) shows no copy of a key labelled "${label}": give the master-key, recovery or destruction bundles of this key. Nothing was destroyed.`,
    );
  }
  return { dir: path, ceremonyId: t.ceremony.id, scriptId: t.ceremony.scriptId, signerSpkiSha256: v.signerSpkiSha256, ...found };
}

function copiesIn(t: Transcript, label: string): Omit<BundleCopies, "dir" | "ceremonyId" | "scriptId" | "signerSpkiSha256"> {
  const events = t.events;
  const token = lastEventOfType(events, "hsm.token.selected")?.body;
  const copies: KeyCopy[] = [];
  const tokenTimes = new Map<string, string>();
  let checks: KeyChecks | null = null;
  const onToken = (id: string, origin: string, time: string): TokenCopy | null => {
    if (!token) return null;
    const copy: TokenCopy = { kind: "token", tokenSerial: token.serial, tokenLabel: token.label, id: id.toLowerCase(), origin, ...present };
    tokenTimes.set(copyIdentity(copy), time);
    return copy;
  };
  // Made here (master key): the KEK's check-value fact names its CKA_ID.
  for (const f of eventsOfType(events, "fact.recorded")) {
    if (f.body.kind !== "kcv" || f.body.label !== label || !f.body.details.kcvCmac || !f.body.details.ckaId) continue;
    checks = { kcvEcb0: f.body.details.kcvEcb0 ?? null, kcvCmac: f.body.details.kcvCmac, spkiSha256: null };
    const recovered = eventsOfType(events, "escrow.recovered").some((e) => e.body.keyLabel === label);
    const copy = onToken(f.body.details.ckaId, t.ceremony.id, f.time);
    if (copy && !recovered) copies.push(copy);
  }
  const sets = deliveredEscrowSets(events).filter((s) => s.keyLabel === label);
  for (const s of sets) {
    copies.push(...s.cards.map((c): CardCopy => ({ kind: "card", setId: s.setId, card: c.card, holder: c.holder, fingerprint: c.fingerprint, ...present })));
    copies.push({ kind: "wrapped-key", setId: s.setId, sha256: s.wrappedSha256, path: s.wrappedPath, ceremonyId: s.ceremonyId, ...present });
    checks ??= { kcvEcb0: s.kcvEcb0, kcvCmac: s.kcvCmac, spkiSha256: null };
  }
  // Recovered here: the token it went into, and the set it came from.
  const setsNamed: BundleCopies["setsNamed"] = [];
  for (const e of eventsOfType(events, "escrow.recovered")) {
    if (e.body.keyLabel !== label) continue;
    const source = lastEventOfType(events, "recovery.source", (s) => s.body.keyLabel === label)?.body;
    if (source) {
      checks = { kcvEcb0: source.kcvEcb0.toUpperCase(), kcvCmac: source.kcvCmac.toUpperCase(), spkiSha256: null };
      setsNamed.push({ setId: source.setId.toLowerCase(), ceremonyId: source.bundleCeremonyId });
    }
    const copy = onToken(e.body.id, t.ceremony.id, e.time);
    if (copy) copies.push(copy);
  }
  // Destroyed here: the token copy, and whatever the ceremony accounted for.
  const verdict = lastEventOfType(events, "key.copies.accounted", (e) => e.body.label === label);
  const listed = lastEventOfType(events, "key.copies.listed", (e) => e.body.label === label);
  if (listed) checks = { kcvEcb0: listed.body.kcvEcb0, kcvCmac: listed.body.kcvCmac, spkiSha256: listed.body.spkiSha256 };
  for (const c of verdict?.body.copies ?? listed?.body.copies ?? []) copies.push(c);
  // Copies accounted for one by one: a destruction's, and the old cards a re-escrow collected or declared lost.
  for (const e of eventsOfType(events, "key.copy.accounted")) if (e.body.label === label) copies.push(e.body.copy);
  for (const e of eventsOfType(events, "key.destroyed")) {
    if (e.body.label !== label || !token) continue;
    copies.push({ kind: "token", tokenSerial: token.serial, tokenLabel: token.label, id: e.body.id.toLowerCase(), origin: null, status: "destroyed", by: t.ceremony.id, at: e.time, note: null });
  }
  return { checks, copies, setsNamed, sets, tokenTimes };
}

/**
 * One list, each copy once: a fate that accounts for a copy (or declares it lost) wins over
 * "present", whichever source gave it; the origin of a token copy is kept where any source knew it.
 */
export function mergeCopies(...lists: ReadonlyArray<readonly KeyCopy[]>): KeyCopy[] {
  const merged = new Map<string, KeyCopy>();
  for (const list of lists) {
    for (const c of list) {
      const id = copyIdentity(c);
      const before = merged.get(id);
      if (!before) merged.set(id, { ...c });
      else {
        const fate = FATE_RANK[c.status] > FATE_RANK[before.status] ? c : before;
        const origin = before.kind === "token" && c.kind === "token" ? (before.origin ?? c.origin) : null;
        merged.set(id, fate.kind === "token" ? { ...fate, origin } : { ...fate });
      }
    }
  }
  const order = { token: 0, card: 1, "wrapped-key": 2 } as const;
  return [...merged.values()].sort((a, b) => order[a.kind] - order[b.kind] || setOf(a).localeCompare(setOf(b)) || cardOf(a) - cardOf(b));
}

/** A later, surer fate wins: lost over present, destroyed over lost (a lost card found and destroyed). */
const FATE_RANK = { present: 0, unknown: 1, destroyed: 2, "collected-and-destroyed": 2 } as const;
const setOf = (c: KeyCopy): string => (c.kind === "token" ? "" : c.setId);
const cardOf = (c: KeyCopy): number => (c.kind === "card" ? c.card : 0);

/** The copies listed earlier in this ceremony (key.copies.listed), or an error naming the missing step. */
export function listedCopies(events: readonly RecordedEvent[], label: string): ListedCopies {
  const listed = lastEventOfType(events, "key.copies.listed", (e) => e.body.label === label);
  if (!listed) {
    throw new KeyCopiesError("COPIES_NOT_LISTED", `The copies of "${label}" have not been listed in this ceremony; the step that lists them comes first.`);
  }
  return listed.body;
}

/** The officer's declarations, as the script's parameters give them. */
export interface CopyDeclarations {
  cardsCollected: readonly string[];
  cardsLost: readonly string[];
  wrappedKeysDestroyed: readonly string[];
  tokenCopiesDeclared: readonly string[];
}

/** Each declaration matched to the copy it names. */
export interface MatchedDeclarations {
  collected: CardCopy[];
  lost: CardCopy[];
  blobs: WrappedKeyCopy[];
  tokens: Array<{ copy: TokenCopy; note: string }>;
}

const MIN_PREFIX = 16;

/**
 * Reads the declarations against the listed copies: a card by its number and the first 16 or more
 * hex digits of the share fingerprint printed on it ("3 1A2B 3C4D 5E6F 7A8B"), a wrapped key by
 * the first 16 or more hex digits of its SHA-256, a copy on another token by "SERIAL: how it was
 * destroyed". Anything that names no listed copy, or names one twice, is an error before anything is destroyed.
 */
export function matchDeclarations(copies: readonly KeyCopy[], d: CopyDeclarations, hereSerial: string): MatchedDeclarations {
  const cards = copies.filter((c): c is CardCopy => c.kind === "card");
  const seen = new Set<string>();
  const once = (copy: KeyCopy, what: string): void => {
    const id = copyIdentity(copy);
    if (seen.has(id)) throw new KeyCopiesError("COPIES_DECLARED_TWICE", `${what} is declared twice (collected, lost or destroyed): declare each copy once.`);
    seen.add(id);
  };
  const card = (text: string, parameter: string): CardCopy => {
    const m = /^\s*(?:card\s*)?(\d{1,3})\s*[:\-–]?\s*([0-9a-f][0-9a-f\s:]*)$/i.exec(text);
    const digits = m?.[2]!.replace(/[\s:]/g, "").toLowerCase() ?? "";
    if (!m || digits.length < MIN_PREFIX) {
      throw new KeyCopiesError(
        "COPIES_DECLARATION_INVALID",
        `${parameter}: "${text}" is not a card number followed by the first ${MIN_PREFIX} (or more) hex digits of the share fingerprint printed on the card, e.g. "3 1A2B 3C4D 5E6F 7A8B".`,
      );
    }
    const number = Number(m[1]);
    const matches = cards.filter((c) => c.card === number && c.fingerprint.startsWith(digits));
    if (matches.length !== 1) {
      const sameNumber = cards.filter((c) => c.card === number).map((c) => `set ${formatSetId(c.setId)}: ${formatFingerprintPrefix(c.fingerprint)}`);
      throw new KeyCopiesError(
        "COPIES_CARD_UNKNOWN",
        `${parameter}: card ${number} with share fingerprint ${formatFingerprintPrefix(digits)} is not a card of this key's escrow sets` +
          (sameNumber.length ? ` (card ${number} is ${sameNumber.join("; ")})` : "") +
          ". Read the number and fingerprint again from the card; a card that is not on the list is not this key's.",
      );
    }
    once(matches[0]!, `Card ${number} of set ${formatSetId(matches[0]!.setId)}`);
    return matches[0]!;
  };
  const collected = d.cardsCollected.map((t) => card(t, "cardsCollected"));
  const lost = d.cardsLost.map((t) => card(t, "cardsLost"));
  const blobs = d.wrappedKeysDestroyed.map((text): WrappedKeyCopy => {
    const digits = text.replace(/[\s:]/g, "").toLowerCase();
    const matches = copies.filter((c): c is WrappedKeyCopy => c.kind === "wrapped-key" && digits.length >= MIN_PREFIX && /^[0-9a-f]+$/.test(digits) && c.sha256.startsWith(digits));
    if (matches.length !== 1) {
      throw new KeyCopiesError(
        "COPIES_WRAPPED_UNKNOWN",
        `wrappedKeysDestroyed: "${text}" is not the first ${MIN_PREFIX} (or more) hex digits of the SHA-256 of a wrapped key of this key's escrow sets. Copy it from the list of copies.`,
      );
    }
    once(matches[0]!, `The wrapped key of set ${formatSetId(matches[0]!.setId)}`);
    return matches[0]!;
  });
  const tokens = d.tokenCopiesDeclared.map((text) => {
    const m = /^\s*([^:]+?)\s*:\s*(\S.*)$/.exec(text);
    if (!m) {
      throw new KeyCopiesError("COPIES_DECLARATION_INVALID", `tokenCopiesDeclared: "${text}" is not "SERIAL: how that token's copy was destroyed", e.g. "5A3C0F19: token zeroised, certificate DC-17".`);
    }
    const serial = m[1]!;
    if (serial === hereSerial) {
      throw new KeyCopiesError("COPIES_DECLARATION_INVALID", `tokenCopiesDeclared: token ${serial} is this ceremony's token; its copy is destroyed by the destruction step, not declared.`);
    }
    const copy = copies.find((c): c is TokenCopy => c.kind === "token" && c.tokenSerial === serial);
    if (!copy) {
      throw new KeyCopiesError("COPIES_TOKEN_UNKNOWN", `tokenCopiesDeclared: no copy of this key on a token with serial ${serial} is listed. Copy the serial from the list of copies.`);
    }
    once(copy, `The copy on token ${serial}`);
    return { copy, note: m[2]! };
  });
  return { collected, lost, blobs, tokens };
}
