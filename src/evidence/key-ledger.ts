/**
 * The keys the verified bundles show, each with every copy of it (docs/architecture.md, "Key
 * copies"): the token it was generated on, tokens it was recovered into, escrow sets. A key is
 * known by what does not change between copies — its KCV pair (a secret key) or its SPKI SHA-256
 * (a key pair) — and a copy on a token by the token's serial and the key's CKA_ID.
 */
import type { RecordedEvent, RecordedEventOf } from "../events/index.ts";
import type { CeremonyRecord, StepRecord } from "./ceremony-record.ts";

export type KeyKind = "master-key" | "root-ca" | "signing" | "transcript-signing";

/** Where in which ceremony something happened: what an evidence line cites. */
export interface Occurrence {
  ceremony: CeremonyRecord;
  step: StepRecord | null;
  event: RecordedEvent;
}

export interface TokenCopy {
  kind: "token";
  tokenSerial: string;
  tokenLabel: string;
  tokenModel: string;
  ckaId: string;
  /** "elsewhere": no bundle given made this copy; a destruction named it by the key's CKA_ID. */
  how: "generated" | "recovered" | "elsewhere";
  /** Where the copy was made; for a copy made elsewhere, where it was first named. */
  made: Occurrence;
  destroyed: (Occurrence & { proof: string }) | null;
}

export interface EscrowSetCopy {
  kind: "escrow-set";
  setId: string;
  k: number;
  n: number;
  wrapAlgorithm: string | null;
  wrappedSha256: string;
  cards: Array<{ card: number; participantId: string; holder: string }>;
  delivered: Set<number>;
  readBack: Set<number>;
  trial: RecordedEventOf<"escrow.trial-recovered"> | null;
  /** Cards collected and destroyed under witness (key.copy.accounted), by card number. */
  cardsDestroyed: Set<number>;
  wrappedDestroyed: boolean;
  /** Cards a destruction declared lost: nobody can say they are gone. */
  cardsLost: Set<number>;
  made: Occurrence;
  /** The event that destroyed, revoked or collected this set, when a later ceremony recorded one. */
  retired: (Occurrence & { how: string }) | null;
  /** A re-escrow that revoked this set (escrow.set.revoked): the set that supersedes it, and why. */
  revoked: (Occurrence & { supersededBy: string; reason: string }) | null;
}

export type KeyCopy = TokenCopy | EscrowSetCopy;

export interface LedgerKey {
  identity: string;
  label: string;
  algorithm: string;
  kind: KeyKind;
  /** The generation, when one of the bundles made the key. */
  generated: Occurrence | null;
  copies: KeyCopy[];
  /** A self-signed root certificate of this key, with its validity. */
  rootCertificate: { label: string; notBefore: string; notAfter: string; made: Occurrence } | null;
  /**
   * A later ceremony that rotated this key (key.superseded): the successor's label, and when the
   * old key is to be destroyed after the overlap (null: kept, as an old root that still signs CRLs).
   */
  rotatedBy: (Occurrence & { successor: string; destroyBy: string | null }) | null;
  /** The rotation period a ceremony set for this key, in months, when its parameters say. */
  scriptRotationMonths: { months: number; ceremony: CeremonyRecord } | null;
}

/** A destruction that names a copy no bundle given made: the key was made before, or elsewhere. */
export interface UnmatchedDestruction extends Occurrence {
  label: string;
  ckaId: string;
  tokenSerial: string;
  proof: string;
}

export interface KeyLedger {
  keys: LedgerKey[];
  unmatchedDestructions: UnmatchedDestruction[];
}

function stepOf(c: CeremonyRecord, seq: number): StepRecord | null {
  return c.steps.find((s) => s.events.some((e) => e.seq === seq)) ?? null;
}

function madeHere(c: CeremonyRecord, step: StepRecord | null, label: string): boolean {
  return (step?.events ?? c.transcript.events).some((e) => e.type === "hsm.object.created" && e.body.label === label);
}

/** The ceremonies in the order they started, so a later destruction finds the copy it destroys. */
export function buildKeyLedger(ceremonies: readonly CeremonyRecord[]): KeyLedger {
  const ordered = [...ceremonies].sort((a, b) => a.transcript.ceremony.startedAt.localeCompare(b.transcript.ceremony.startedAt));
  const keys = new Map<string, LedgerKey>();
  const unmatchedDestructions: UnmatchedDestruction[] = [];
  const keyFor = (identity: string, init: () => Omit<LedgerKey, "identity" | "copies" | "generated" | "rootCertificate" | "rotatedBy" | "scriptRotationMonths">): LedgerKey => {
    let key = keys.get(identity);
    if (!key) {
      key = { identity, copies: [], generated: null, rootCertificate: null, rotatedBy: null, scriptRotationMonths: null, ...init() };
      keys.set(identity, key);
    }
    return key;
  };
  const tokenCopy = (key: LedgerKey, c: CeremonyRecord, at: Occurrence, ckaId: string, how: TokenCopy["how"]): void => {
    const token = c.tokenAt(at.event.seq);
    const serial = token?.serial ?? "unknown";
    if (key.copies.some((x) => x.kind === "token" && x.tokenSerial === serial && x.ckaId === ckaId)) return;
    key.copies.push({ kind: "token", tokenSerial: serial, tokenLabel: token?.label ?? "unknown", tokenModel: token ? `${token.manufacturer} ${token.model}` : "unknown", ckaId, how, made: at, destroyed: null });
  };

  for (const c of ordered) {
    const kcvIdentity = new Map<string, string>(); // key label → identity, within this ceremony
    const rotationMonths = c.transcript.script.params.rotationMonths;
    for (const e of c.transcript.events) {
      const step = stepOf(c, e.seq);
      const at: Occurrence = { ceremony: c, step, event: e };
      if (e.type === "fact.recorded" && e.body.kind === "kcv") {
        const d = e.body.details;
        if (!d.kcvEcb0 || !d.kcvCmac || !d.ckaId) continue;
        const identity = `kcv:${d.kcvEcb0.toUpperCase()}/${d.kcvCmac.toUpperCase()}`;
        kcvIdentity.set(e.body.label, identity);
        const key = keyFor(identity, () => ({ label: e.body.label, algorithm: "AES-256", kind: "master-key" }));
        const recovered = d.recoveredFrom !== undefined || step?.events.some((x) => x.type === "escrow.recovered") === true;
        if (!recovered && madeHere(c, step, e.body.label) && !key.generated) key.generated = at;
        if (!recovered && typeof rotationMonths === "number" && key.scriptRotationMonths === null) key.scriptRotationMonths = { months: rotationMonths, ceremony: c };
        tokenCopy(key, c, at, d.ckaId, recovered ? "recovered" : "generated");
      } else if (e.type === "fact.recorded" && e.body.kind === "public-key") {
        const d = e.body.details;
        if (!d.spkiSha256 || !d.ckaId) continue;
        const kind: KeyKind = d.purpose === "transcript-signing" ? "transcript-signing" : "signing";
        const key = keyFor(`spki:${d.spkiSha256}`, () => ({ label: e.body.label, algorithm: d.algorithm ?? "unknown", kind }));
        if (madeHere(c, step, e.body.label) && !key.generated) key.generated = at;
        tokenCopy(key, c, at, d.ckaId, "generated");
      } else if (e.type === "artifact.recorded" && e.body.kind === "certificate" && step?.action === "pki.root-certificate") {
        const d = e.body.details;
        const key = d.spkiSha256 ? keys.get(`spki:${d.spkiSha256}`) : undefined;
        if (key && d.notBefore && d.notAfter) {
          key.kind = "root-ca";
          key.rootCertificate ??= { label: e.body.label, notBefore: d.notBefore, notAfter: d.notAfter, made: at };
        }
      } else if (e.type === "escrow.split") {
        const b = e.body;
        const identity = `kcv:${b.kcvEcb0.toUpperCase()}/${b.kcvCmac.toUpperCase()}`;
        const key = keyFor(identity, () => ({ label: b.keyLabel, algorithm: "AES-256", kind: "master-key" }));
        key.copies.push({
          kind: "escrow-set",
          setId: b.setId,
          k: b.k,
          n: b.n,
          wrapAlgorithm: b.wrapAlgorithm ?? null,
          wrappedSha256: b.wrappedSha256,
          cards: b.cards.map((x) => ({ card: x.card, participantId: x.participantId, holder: x.holder })),
          delivered: new Set(),
          readBack: new Set(),
          trial: null,
          cardsDestroyed: new Set(),
          wrappedDestroyed: false,
          cardsLost: new Set(),
          made: at,
          retired: null,
          revoked: null,
        });
      } else if (e.type === "escrow.set.voided") {
        // A split made again (a printer jam, a crash while printing): the old set's delivered
        // cards were collected for destruction under witness, so it is no copy of the key, and the
        // cards, read-backs and trial recovery that follow belong to the set made after it.
        for (const key of keys.values()) key.copies = key.copies.filter((x) => !(x.kind === "escrow-set" && x.setId === e.body.setId));
      } else if (e.type === "escrow.card.delivered" || e.type === "share.verified" || e.type === "share.read-back" || e.type === "escrow.trial-recovered") {
        const set = escrowSetIn(keys, c, e.body.keyLabel, kcvIdentity);
        if (!set) continue;
        if (e.type === "escrow.card.delivered") set.delivered.add(e.body.card);
        else if (e.type === "escrow.trial-recovered") set.trial = e as RecordedEventOf<"escrow.trial-recovered">;
        else set.readBack.add(e.body.card);
      } else if (e.type === "key.superseded") {
        const old = keyOfRotated(keys, e.body.old);
        if (old) old.rotatedBy ??= { ...at, successor: e.body.successor.label, destroyBy: e.body.destroyBy };
      } else if (e.type === "escrow.set.revoked") {
        // A re-escrow revoked this set: a later set supersedes it. Its cards still out remain copies
        // (their fates follow as key.copy.accounted), but no recovery may use it.
        const set = [...keys.values()].flatMap((k) => k.copies).find((x): x is EscrowSetCopy => x.kind === "escrow-set" && x.setId.toLowerCase() === e.body.setId.toLowerCase());
        if (set) set.revoked ??= { ...at, supersededBy: e.body.supersededBySetId, reason: e.body.reason };
      } else if (e.type === "key.copy.accounted") {
        accountCopy(keys, e.body.copy, at);
      } else if (e.type === "key.destroyed") {
        const token = c.tokenAt(e.seq);
        const serial = token?.serial ?? "unknown";
        const id = e.body.id.toLowerCase();
        const copy = [...keys.values()].flatMap((k) => k.copies).find((x): x is TokenCopy => x.kind === "token" && x.tokenSerial === serial && x.ckaId.toLowerCase() === id);
        // A recovery keeps the key's CKA_ID (random, from the HSM): a destruction of that ID and
        // label on another token is a copy of the same key, made where no bundle given shows.
        const sameKey = copy ? undefined : [...keys.values()].find((k) => k.label === e.body.label && k.copies.some((x) => x.kind === "token" && x.ckaId.toLowerCase() === id));
        if (copy) copy.destroyed ??= { ...at, proof: e.body.proof };
        else if (sameKey) {
          sameKey.copies.push({ kind: "token", tokenSerial: serial, tokenLabel: token?.label ?? "unknown", tokenModel: token ? `${token.manufacturer} ${token.model}` : "unknown", ckaId: e.body.id, how: "elsewhere", made: at, destroyed: { ...at, proof: e.body.proof } });
        } else unmatchedDestructions.push({ ...at, label: e.body.label, ckaId: e.body.id, tokenSerial: serial, proof: e.body.proof });
      }
    }
  }
  return { keys: [...keys.values()], unmatchedDestructions };
}

/**
 * A copy a destruction accounted for under witness (key.copy.accounted): a token's copy declared
 * destroyed, or a card or wrapped key collected and destroyed. An escrow set is retired once each
 * of its delivered cards and its wrapped key are; a card declared lost leaves it live.
 */
function accountCopy(keys: ReadonlyMap<string, LedgerKey>, copy: RecordedEventOf<"key.copy.accounted">["body"]["copy"], at: Occurrence): void {
  const copies = [...keys.values()].flatMap((k) => k.copies);
  if (copy.kind === "token") {
    if (copy.status !== "destroyed") return;
    const token = copies.find((x): x is TokenCopy => x.kind === "token" && x.tokenSerial === copy.tokenSerial && x.ckaId.toLowerCase() === copy.id.toLowerCase());
    if (token) token.destroyed ??= { ...at, proof: `declared destroyed under witness: ${copy.note ?? "no note"}` };
    return;
  }
  const set = copies.find((x): x is EscrowSetCopy => x.kind === "escrow-set" && x.setId.toLowerCase() === copy.setId.toLowerCase());
  if (!set) return;
  if (copy.kind === "card" && copy.status === "unknown") set.cardsLost.add(copy.card);
  if (copy.status !== "collected-and-destroyed") return;
  if (copy.kind === "card") {
    set.cardsDestroyed.add(copy.card);
    set.cardsLost.delete(copy.card);
  } else set.wrappedDestroyed = true;
  if (set.wrappedDestroyed && remainingCards(set).length === 0) set.retired ??= { ...at, how: "every card and the wrapped key collected and destroyed" };
}

/** The set's cards (those delivered, where deliveries are recorded) not yet collected and destroyed. */
export function remainingCards(set: EscrowSetCopy): number[] {
  const cards = set.delivered.size > 0 ? [...set.delivered] : set.cards.map((x) => x.card);
  return cards.filter((n) => !set.cardsDestroyed.has(n)).sort((a, b) => a - b);
}

/** The escrow set of `keyLabel` that this ceremony split (its events name the key by label). */
function escrowSetIn(keys: ReadonlyMap<string, LedgerKey>, c: CeremonyRecord, keyLabel: string, kcvIdentity: ReadonlyMap<string, string>): EscrowSetCopy | null {
  const identity = kcvIdentity.get(keyLabel);
  const candidates = identity ? [keys.get(identity)] : [...keys.values()];
  for (const key of candidates) {
    const set = key?.copies.find((x): x is EscrowSetCopy => x.kind === "escrow-set" && x.made.ceremony === c);
    if (set && (identity || key?.label === keyLabel)) return set;
  }
  return null;
}

/**
 * The key a rotation names: by its fingerprint ("SPKI <sha256>" or "KCV <ecb0>/<cmac>", as
 * key.superseded records it), else by its copy on a token (serial and CKA_ID).
 */
function keyOfRotated(keys: ReadonlyMap<string, LedgerKey>, rotated: RecordedEventOf<"key.superseded">["body"]["old"]): LedgerKey | undefined {
  const [kind, value = ""] = rotated.identity.split(" ");
  const identity = kind === "SPKI" ? `spki:${value.toLowerCase()}` : kind === "KCV" ? `kcv:${value.toUpperCase()}` : "";
  return (
    keys.get(identity) ??
    [...keys.values()].find((k) => k.copies.some((x) => x.kind === "token" && x.tokenSerial === rotated.tokenSerial && x.ckaId.toLowerCase() === rotated.id.toLowerCase()))
  );
}

/** Copies not destroyed, revoked or collected in the bundles given. */
export function liveCopies(key: LedgerKey): KeyCopy[] {
  return key.copies.filter((c) => (c.kind === "token" ? c.destroyed === null : c.retired === null));
}
