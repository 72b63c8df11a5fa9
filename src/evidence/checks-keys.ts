/**
 * The requirements about keys and their copies: generation in the HSM, storage, split knowledge,
 * custodians, the rotation schedule, replacement and destruction of every copy.
 */
import { formatSetId } from "../common/index.ts";
import type { RecordedEventOf } from "../events/index.ts";
import { type CheckInput, type CheckResult, DAY_MS, KIND_NAMES, addMonthsUtc, cite, day, emptyResult, finding, keyName, monthsBetween, names, stepName, tokenCopyName } from "./check-kit.ts";
import { type EscrowSetCopy, type LedgerKey, type TokenCopy, liveCopies, remainingCards } from "./key-ledger.ts";
import { POLICY_NUMBERS } from "./policy.ts";
import { ROTATION_SCRIPTS, isRotationCeremony } from "./checks-people.ts";

const rehearsalNote = (key: { generated: { ceremony: { rehearsal: boolean } } | null }): string => (key.generated?.ceremony.rehearsal ? " — a REHEARSAL on a throwaway token" : "");

/** 000 and 003 "Key Generation"; 001 §3.2. */
export function checkGeneration({ ledger }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys) {
    const g = key.generated;
    if (!g) continue;
    const copy = key.copies.find((x): x is TokenCopy => x.kind === "token" && x.made === g);
    const where = copy ? tokenCopyName(copy) : "the ceremony's token";
    const step = g.step ? stepName(g.ceremony, g.step) : g.ceremony.id;
    r.evidence.push(cite(g, `${keyName(key)} generated inside the HSM on ${where}, in ${step}${rehearsalNote(key)}`));
  }
  if (r.evidence.length === 0) r.findings.push(finding("missing", "No verified bundle generates a key."));
  return r;
}

/** 000 "Key Storage", 001 §3.4: keys on a token; a copy outside only wrapped under a KEK. */
export function checkStorage({ ledger }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys) {
    for (const copy of key.copies) {
      if (copy.kind === "token") {
        if (copy.tokenSerial === "unknown") r.findings.push(finding("contradicted", `${keyName(key)}: ${copy.made.ceremony.id} recorded the key with no HSM token`, { ceremony: copy.made.ceremony, seq: copy.made.event.seq }));
        else if (copy.how !== "elsewhere") r.evidence.push(cite(copy.made, `${keyName(key)} ${copy.how === "generated" ? "held on" : "recovered into"} ${tokenCopyName(copy)}`));
      } else {
        const wrap = copy.wrapAlgorithm ?? "AES key wrap (algorithm not recorded: a v1 transcript)";
        r.evidence.push(cite(copy.made, `${keyName(key)} left the HSM only wrapped: escrow blob SHA-256 ${copy.wrappedSha256.slice(0, 16)}…, ${wrap}; the one-time escrow key exists only as ${copy.n} cards`));
      }
    }
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle records a key held on a token."));
  return r;
}

function setName(key: LedgerKey, set: EscrowSetCopy): string {
  return `${key.label} escrow set ${formatSetId(set.setId)} (${set.k} of ${set.n} cards)`;
}

/** 001 §7: Shamir k-of-n; every card read back, a trial recovery; KEKs must be escrowed. */
export function checkSplitKnowledge({ ledger }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys.filter((k) => k.kind === "master-key")) {
    const sets = key.copies.filter((x): x is EscrowSetCopy => x.kind === "escrow-set");
    if (sets.length === 0 && key.generated) {
      r.findings.push(finding("missing", `${keyName(key)} has no escrow split in the bundles given (001 §7: KEKs must be escrowed)`, { ceremony: key.generated.ceremony, seq: key.generated.event.seq }));
    }
    for (const set of sets) {
      const c = set.made.ceremony;
      const at = { ceremony: c, seq: set.made.event.seq };
      if (set.revoked) r.evidence.push(cite(set.revoked, `${setName(key, set)} revoked by ${set.revoked.ceremony.id} (${set.revoked.reason}); set ${formatSetId(set.revoked.supersededBy)} holds the split knowledge since`));
      const perHolder = new Map<string, number>();
      for (const card of set.cards) perHolder.set(card.participantId, (perHolder.get(card.participantId) ?? 0) + 1);
      const hoarders = [...perHolder].filter(([, n]) => n >= set.k).map(([id]) => id);
      if (set.k < 2) r.findings.push(finding("contradicted", `${setName(key, set)}: one card alone rebuilds the key, so no knowledge is split`, at));
      if (hoarders.length) r.findings.push(finding("contradicted", `${setName(key, set)}: ${names(c, hoarders)} hold${hoarders.length === 1 ? "s" : ""} ${set.k} or more cards, enough to rebuild the key alone`, at));
      const unread = set.cards.map((x) => x.card).filter((n) => !set.readBack.has(n));
      if (unread.length) {
        const cards = `card${unread.length === 1 ? "" : "s"} ${unread.join(", ")}`;
        r.findings.push(finding("missing", `${setName(key, set)}: ${cards} never read back by ${unread.length === 1 ? "its holder" : "their holders"}`, at));
      }
      const trial = set.trial;
      const trialOk = trial !== null && trial.body.cardsUsed >= set.k && `kcv:${trial.body.kcvEcb0.toUpperCase()}/${trial.body.kcvCmac.toUpperCase()}` === key.identity;
      if (trial === null) r.findings.push(finding("missing", `${setName(key, set)}: no trial recovery shows that ${set.k} cards rebuild the key`, at));
      else if (!trialOk) r.findings.push(finding("contradicted", `${setName(key, set)}: the trial recovery with ${trial.body.cardsUsed} cards gave KCVs ${trial.body.kcvEcb0} / ${trial.body.kcvCmac}, not the key's`, { ceremony: c, seq: trial.seq }));
      if (set.k >= 2 && hoarders.length === 0) {
        const holders = new Set(set.cards.map((x) => x.participantId)).size;
        const read = unread.length === 0 ? `all ${set.n} read back by their holders` : `${set.n - unread.length} of ${set.n} read back`;
        r.evidence.push(cite(set.made, `${setName(key, set)}: ${holders} different holders, no one with ${set.k} cards; ${read}${trialOk ? `; trial recovery with ${trial.body.cardsUsed} cards matched both KCVs` : ""}`));
      }
    }
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle makes or escrows a master key."));
  return r;
}

/** 001 §2 key inventory, §7 named share holders; 002 key purpose. */
export function checkCustodians({ ledger }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys) {
    const first = key.generated ?? key.copies[0]?.made;
    if (first) r.evidence.push(cite(first, `${key.label}: ${key.algorithm}, ${KIND_NAMES[key.kind]}, recorded with its ID and check value`));
    for (const set of key.copies.filter((x): x is EscrowSetCopy => x.kind === "escrow-set")) {
      const c = set.made.ceremony;
      const cards = set.cards.map((x) => `card ${x.card}: ${x.holder}`).join(", ");
      const undelivered = set.cards.filter((x) => !set.delivered.has(x.card)).map((x) => x.card);
      if (undelivered.length) r.findings.push(finding("missing", `${setName(key, set)}: no delivery recorded for card${undelivered.length === 1 ? "" : "s"} ${undelivered.join(", ")}`, { ceremony: c, seq: set.made.event.seq }));
      r.evidence.push(cite(set.made, `${setName(key, set)} held by named custodians: ${cards}`));
    }
  }
  if (r.evidence.length === 0) r.findings.push(finding("missing", "No verified bundle records a key."));
  return r;
}

/** Retired in the bundles given: rotated by a later ceremony, or no copy left. */
function retirement(key: LedgerKey): string | null {
  const gone = key.copies.length > 0 && liveCopies(key).length === 0 ? "no copy left (every copy destroyed or retired)" : null;
  const rotated = key.rotatedBy ? `rotated to ${key.rotatedBy.successor} by ${key.rotatedBy.ceremony.id} on ${day(key.rotatedBy.event.time)}` : null;
  return rotated && gone ? `${rotated}; ${gone}` : (rotated ?? gone);
}

export interface RotationDate {
  dueAt: Date;
  /** The policy's end of life, when it has one beyond the rotation date. */
  endOfLifeAt: Date | null;
  madeAt: string;
}

/** When the policy wants this key rotated: master keys annually (lifetime 2 years), root CAs within 10 years. */
export function rotationDate(key: LedgerKey): RotationDate | null {
  const made = key.generated ?? key.copies.map((x) => x.made).sort((a, b) => a.event.time.localeCompare(b.event.time))[0];
  if (!made) return null;
  if (key.kind === "master-key") {
    return {
      madeAt: made.event.time,
      dueAt: addMonthsUtc(made.event.time, POLICY_NUMBERS.masterKeyRotationMonths),
      endOfLifeAt: addMonthsUtc(made.event.time, POLICY_NUMBERS.masterKeyLifetimeMonths),
    };
  }
  if (key.kind === "root-ca" && key.rootCertificate) {
    const validityEnd = Date.parse(key.rootCertificate.notAfter);
    const policyEnd = addMonthsUtc(key.rootCertificate.notBefore, POLICY_NUMBERS.rootValidityYears * 12);
    return { madeAt: made.event.time, dueAt: new Date(Math.min(validityEnd, policyEnd.getTime())), endOfLifeAt: null };
  }
  return null;
}

/** 000 "Key Rotation and Master Key Access", 001 §3.6 and §4. */
export function checkRotationSchedule({ ledger, asOf }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys) {
    const cert = key.rootCertificate;
    if (cert) {
      const months = monthsBetween(cert.notBefore, cert.notAfter);
      const at = { ceremony: cert.made.ceremony, seq: cert.made.event.seq };
      if (months > POLICY_NUMBERS.rootValidityYears * 12) {
        r.findings.push(
          finding(
            "contradicted",
            `${keyName(key)}: root certificate ${cert.label} is valid ${(months / 12).toFixed(months % 12 === 0 ? 0 : 1)} years (${day(cert.notBefore)} to ${day(cert.notAfter)}); 001 §4 gives a root CA 10 years`,
            at,
          ),
        );
      } else {
        r.evidence.push(cite(cert.made, `${keyName(key)}: root certificate ${cert.label} valid ${day(cert.notBefore)} to ${day(cert.notAfter)}, within 10 years`));
      }
    }
    if (key.kind === "master-key" && key.scriptRotationMonths && key.scriptRotationMonths.months > POLICY_NUMBERS.masterKeyRotationMonths) {
      const c = key.scriptRotationMonths.ceremony;
      r.findings.push(finding("contradicted", `${keyName(key)}: ${c.id} set its rotation at ${key.scriptRotationMonths.months} months; the policy says annually (12 months)`, { ceremony: c }));
    }
    const date = rotationDate(key);
    if (!date) continue;
    const retired = retirement(key);
    const made = key.generated ?? key.copies[0]!.made;
    // A key no bundle generated was made earlier than its first copy here: its dates may be sooner.
    const madeWhen = key.generated ? `made ${day(date.madeAt)}` : `first seen ${day(date.madeAt)} (made earlier, outside the bundles given; dates counted from then)`;
    if (retired) {
      r.evidence.push(cite(made, `${keyName(key)}, ${madeWhen}: ${retired}`));
      continue;
    }
    const now = asOf.getTime();
    const rotateWith = key.kind === "master-key" ? "kek-rotation.yaml" : "root-rotation.yaml";
    if (date.endOfLifeAt && now >= date.endOfLifeAt.getTime()) {
      r.findings.push(finding("overdue", `${keyName(key)}, ${madeWhen}, passed its 2-year lifetime on ${day(date.endOfLifeAt.toISOString())} and is still held; rotate it (${rotateWith}) and destroy every copy`, { ceremony: made.ceremony, seq: made.event.seq }));
    } else if (now >= date.dueAt.getTime()) {
      const days = Math.floor((now - date.dueAt.getTime()) / DAY_MS);
      const alert = key.kind === "master-key" && days >= POLICY_NUMBERS.masterKeyAlertDays ? ` (past the policy's ${POLICY_NUMBERS.masterKeyAlertDays}-day alert)` : "";
      r.findings.push(finding("overdue", `${keyName(key)}, ${madeWhen}, was due for rotation on ${day(date.dueAt.toISOString())}: ${days} day${days === 1 ? "" : "s"} overdue${alert}; rotate it with ${rotateWith}`, { ceremony: made.ceremony, seq: made.event.seq }));
    } else {
      const days = Math.ceil((date.dueAt.getTime() - now) / DAY_MS);
      r.evidence.push(cite(made, `${keyName(key)}, ${madeWhen}: rotation due ${day(date.dueAt.toISOString())}, in ${days} day${days === 1 ? "" : "s"}`));
    }
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle makes a master key or a root CA key, the keys the rotation schedule covers."));
  return r;
}

/** 001 §9 (3.7.5) and §3.7: rotations link old and new; revocations published in CRLs. */
export function checkReplacement({ ceremonies, ledger }: CheckInput): CheckResult {
  const r = emptyResult();
  for (const key of ledger.keys) {
    const rotated = key.rotatedBy;
    if (rotated) {
      const after = rotated.destroyBy ? `, to be destroyed by ${day(rotated.destroyBy)}` : ", kept (no destruction date: an old root still signs for what it issued)";
      r.evidence.push(cite(rotated, `${keyName(key)} replaced by ${rotated.successor} in ${rotated.ceremony.id}${after}`));
    }
  }
  for (const c of ceremonies) {
    for (const step of c.steps) {
      for (const e of step.keyEvents) {
        if (e.type === "artifact.recorded" && e.body.kind === "crl") {
          const revoked = Number(e.body.details.revokedCount ?? "0");
          const what = revoked > 0 ? `, revoking ${revoked} serial${revoked === 1 ? "" : "s"}` : ", revoking none";
          r.evidence.push(cite({ ceremony: c, step, event: e }, `CRL ${e.body.label}${e.body.details.crlNumber ? ` number ${e.body.details.crlNumber}` : ""} signed in ${stepName(c, step)}${what}`));
        }
      }
    }
  }
  checkReEscrows({ ceremonies, ledger }, r);
  const rotations = ceremonies.filter(isRotationCeremony);
  if (!ledger.keys.some((k) => k.rotatedBy) && rotations.length === 0) {
    r.findings.push(finding("missing", `No verified bundle replaces a key: no rotation ceremony (${ROTATION_SCRIPTS.map((s) => `${s}.yaml`).join(", ")}) links an old key to its successor.`));
  }
  return r;
}

/**
 * 001 §3.7 (employee departure, compromise): a card set a re-escrow revoked is superseded by the
 * set it made, its cards handed in are destroyed under witness, and no recovery uses it after the
 * revocation. Cards of a revoked set still out, or declared lost, are named.
 */
function checkReEscrows({ ceremonies, ledger }: Pick<CheckInput, "ceremonies" | "ledger">, r: CheckResult): void {
  for (const c of ceremonies) {
    for (const step of c.steps) {
      for (const e of step.keyEvents) {
        if (e.type !== "escrow.set.revoked") continue;
        const b = e.body;
        const at = { ceremony: c, step, event: e };
        const fate = [
          b.collected.length ? `card${b.collected.length === 1 ? "" : "s"} ${b.collected.join(", ")} handed in and destroyed under witness` : "no old card handed in",
          b.lost.length ? `card${b.lost.length === 1 ? "" : "s"} ${b.lost.join(", ")} declared lost or exposed` : null,
        ].filter((x) => x !== null);
        r.evidence.push(
          cite(at, `${b.keyLabel} escrow set ${formatSetId(b.setId)} revoked by ${c.id} (${b.reason}) and superseded by set ${formatSetId(b.supersededBySetId)} and its wrapped key; ${fate.join("; ")}`),
        );
        // Still out unless a later bundle given (a destruction) collected them.
        const set = ledger.keys.flatMap((k) => k.copies).find((x): x is EscrowSetCopy => x.kind === "escrow-set" && x.setId.toLowerCase() === b.setId.toLowerCase());
        const out = b.outstanding.filter((n) => !set?.cardsDestroyed.has(n));
        if (out.length) {
          const holders = out.map((n) => `card ${n}${set ? ` (${set.cards.find((x) => x.card === n)?.holder ?? "holder not recorded"})` : ""}`);
          r.findings.push(finding("missing", `${b.keyLabel} escrow set ${formatSetId(b.setId)} was revoked by ${c.id}, but ${holders.join(", ")} of it ${out.length === 1 ? "is" : "are"} not recorded as handed in and destroyed`, { ceremony: c, seq: e.seq }));
        }
      }
    }
  }
  // A recovery that used a set after a re-escrow revoked it.
  const revocations = ceremonies.flatMap((c) => c.transcript.events.filter((e) => e.type === "escrow.set.revoked").map((e) => ({ c, e: e as RecordedEventOf<"escrow.set.revoked"> })));
  for (const c of ceremonies) {
    for (const e of c.transcript.events) {
      if (e.type !== "recovery.source") continue;
      const before = revocations.find((x) => x.e.body.setId.toLowerCase() === e.body.setId.toLowerCase() && x.e.time < e.time);
      if (!before) continue;
      r.findings.push(
        finding("contradicted", `${c.id} recovered ${e.body.keyLabel} from escrow set ${formatSetId(e.body.setId)} on ${day(e.time)}, after ${before.c.id} revoked it on ${day(before.e.time)}`, { ceremony: c, seq: e.seq }),
      );
    }
  }
}

/** What of an escrow set no bundle shows destroyed: its cards, its wrapped key, cards declared lost. */
function setRemains(set: EscrowSetCopy): string {
  const cards = remainingCards(set);
  const lost = [...set.cardsLost].sort((a, b) => a - b);
  const parts = [
    cards.length ? `card${cards.length === 1 ? "" : "s"} ${cards.join(", ")}` : null,
    set.wrappedDestroyed ? null : "the wrapped key",
  ].filter((p) => p !== null);
  const left = parts.length ? `${parts.join(" and ")} not collected and destroyed` : "every part collected and destroyed";
  return lost.length ? `${left}; card${lost.length === 1 ? "" : "s"} ${lost.join(", ")} declared lost` : left;
}

/** 001 §3.8 and §8; docs/architecture.md "Key copies": destroyed only when no copy is unaccounted. */
export function checkDestruction({ ceremonies, ledger, asOf }: CheckInput): CheckResult {
  const r = emptyResult();
  // 001 §3.8: a key rotated out is destroyed once its overlap has expired (key.superseded's destroyBy).
  for (const key of ledger.keys) {
    const rotated = key.rotatedBy;
    const live = liveCopies(key);
    if (!rotated?.destroyBy || live.length === 0) continue;
    const where = live.map((x) => (x.kind === "token" ? tokenCopyName(x) : setName(key, x))).join("; ");
    const due = Date.parse(rotated.destroyBy);
    const replaced = `${keyName(key)} was replaced by ${rotated.successor} in ${rotated.ceremony.id}`;
    if (asOf.getTime() >= due) {
      const days = Math.floor((asOf.getTime() - due) / DAY_MS);
      r.findings.push(finding("overdue", `${replaced} and was to be destroyed by ${day(rotated.destroyBy)} after its overlap: ${days} day${days === 1 ? "" : "s"} overdue, still held on ${where}`, { ceremony: rotated.ceremony, seq: rotated.event.seq }));
    } else {
      r.evidence.push(cite(rotated, `${replaced}; its destruction is scheduled by ${day(rotated.destroyBy)}, after the overlap (held meanwhile on ${where})`));
    }
  }
  // Each destruction's own verdict over the copies it listed (key.copies.accounted), as the ceremony recorded it.
  for (const c of ceremonies) {
    for (const e of c.transcript.events) {
      if (e.type !== "key.copies.accounted") continue;
      const left = e.body.copies.filter((x) => x.status !== "destroyed" && x.status !== "collected-and-destroyed").length;
      const verdict = e.body.verdict === "destroyed" ? "DESTROYED, every copy it listed accounted for" : `${e.body.verdict.toUpperCase().replace("-", " ")}, ${left} of ${e.body.copies.length} copies it listed remaining`;
      r.evidence.push(cite({ ceremony: c, step: null, event: e }, `${c.id} recorded its verdict on ${e.body.label}: ${verdict}`));
    }
  }
  for (const key of ledger.keys) {
    const destroyed = key.copies.filter((x): x is TokenCopy & { destroyed: NonNullable<TokenCopy["destroyed"]> } => x.kind === "token" && x.destroyed !== null);
    if (destroyed.length === 0) continue;
    for (const copy of destroyed) {
      const d = copy.destroyed;
      if (!d.proof.trim()) r.findings.push(finding("contradicted", `${keyName(key)} on ${tokenCopyName(copy)}: destroyed by ${d.ceremony.id} with no proof recorded`, { ceremony: d.ceremony, seq: d.event.seq }));
      else r.evidence.push(cite(d, `${keyName(key)} destroyed on ${tokenCopyName(copy)} by ${d.ceremony.id}; proof: ${d.proof}`));
    }
    const last = destroyed.map((x) => x.destroyed).sort((a, b) => a.event.time.localeCompare(b.event.time)).at(-1)!;
    for (const copy of liveCopies(key)) {
      const where =
        copy.kind === "token"
          ? `its copy on ${tokenCopyName(copy)} (${copy.how === "elsewhere" ? "made outside the bundles given" : `${copy.how} by ${copy.made.ceremony.id} on ${day(copy.made.event.time)}`})`
          : `its ${setName(key, copy)} held by ${copy.cards.map((x) => x.holder).join(", ")} (split by ${copy.made.ceremony.id}; ${setRemains(copy)})`;
      r.findings.push(finding("missing", `${keyName(key)} was destroyed by ${last.ceremony.id}, but ${where} is not recorded as destroyed in the bundles given`, { ceremony: last.ceremony, seq: last.event.seq }));
    }
  }
  for (const u of ledger.unmatchedDestructions) {
    const text = `${u.label} (ID ${u.ckaId}) destroyed on token serial ${u.tokenSerial} by ${u.ceremony.id}; proof: ${u.proof}. The key was made outside the bundles given, so its other copies cannot be checked`;
    if (u.proof.trim()) r.evidence.push(cite(u, text));
    else r.findings.push(finding("contradicted", `${u.label} destroyed by ${u.ceremony.id} with no proof recorded`, { ceremony: u.ceremony, seq: u.event.seq }));
  }
  if (r.evidence.length + r.findings.length === 0) r.findings.push(finding("missing", "No verified bundle destroys a key."));
  return r;
}
