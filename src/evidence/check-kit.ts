/** What every requirement check shares: its inputs, and how it cites an event or states a finding. */
import { formatFingerprintPrefix, formatKeyId, formatUtcDate, roleTitle } from "../common/index.ts";
import type { CeremonyRecord, StepRecord } from "./ceremony-record.ts";
import type { KeyLedger, LedgerKey, Occurrence, TokenCopy } from "./key-ledger.ts";
import type { EvidenceItem, Finding, FindingKind } from "./report-types.ts";

export interface CheckInput {
  ceremonies: readonly CeremonyRecord[];
  ledger: KeyLedger;
  asOf: Date;
}

export interface CheckResult {
  evidence: EvidenceItem[];
  findings: Finding[];
}

export function emptyResult(): CheckResult {
  return { evidence: [], findings: [] };
}

function actorOf(c: CeremonyRecord, id: string): EvidenceItem["actor"] {
  const p = c.people.get(id);
  return p ? { id, name: p.name, role: p.role } : null;
}

/** Evidence citing one event of one ceremony. */
export function cite(at: Occurrence, text: string): EvidenceItem {
  return { ceremonyId: at.ceremony.id, bundle: at.ceremony.bundle, seq: at.event.seq, time: at.event.time, actor: actorOf(at.ceremony, at.event.actor), text };
}

/** Evidence about a step: cites the step's completion (or its last event). */
export function citeStep(c: CeremonyRecord, step: StepRecord, text: string): EvidenceItem {
  const event = step.completed ?? step.events.at(-1);
  if (!event) return citeCeremony(c, text);
  return { ceremonyId: c.id, bundle: c.bundle, seq: event.seq, time: event.time, actor: step.performer ? actorOf(c, step.performer) : null, text };
}

export function citeCeremony(c: CeremonyRecord, text: string): EvidenceItem {
  return { ceremonyId: c.id, bundle: c.bundle, seq: null, time: c.transcript.ceremony.startedAt, actor: null, text };
}

export function finding(kind: FindingKind, text: string, at?: { ceremony: CeremonyRecord; seq?: number | null }): Finding {
  return { kind, text, ceremonyId: at?.ceremony.id ?? null, bundle: at?.ceremony.bundle ?? null, seq: at?.seq ?? null };
}

/** "Wen Witness (Internal witness)". */
export function who(c: CeremonyRecord, id: string): string {
  const p = c.people.get(id);
  return p ? `${p.name} (${roleTitle(p.role)}${p.title ? `, ${p.title}` : ""})` : id;
}

export function names(c: CeremonyRecord, ids: readonly string[]): string {
  if (ids.length === 0) return "nobody";
  const list = ids.map((id) => who(c, id));
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

/** `step 4 "Generate the master key in the HSM" of master-key-20261201-c49e04`. */
export function stepName(c: CeremonyRecord, step: StepRecord): string {
  return `step ${step.index + 1} "${step.title}" of ${c.id}`;
}

export const KIND_NAMES: Record<LedgerKey["kind"], string> = {
  "master-key": "master key (KEK)",
  "root-ca": "root CA key",
  signing: "signing key",
  "transcript-signing": "transcript-signing key",
};

/** "KEK-01 (AES-256 master key (KEK), KCV D0E88A)". */
export function keyName(key: LedgerKey): string {
  const id = key.identity.startsWith("kcv:") ? `KCV ${key.identity.slice(4).split("/")[0]}` : `SPKI ${formatFingerprintPrefix(key.identity.slice(5))}`;
  return `${key.label} (${key.algorithm} ${KIND_NAMES[key.kind]}, ${id})`;
}

export function tokenCopyName(copy: TokenCopy): string {
  return `token ${copy.tokenLabel} (serial ${copy.tokenSerial}, ${copy.tokenModel}), ID ${formatKeyId(copy.ckaId)}`;
}

export function day(iso: string): string {
  return formatUtcDate(iso);
}

const MONTH_MS = 30.436875 * 24 * 60 * 60 * 1000;

/** `iso` plus `months` calendar months, in UTC (the day clamped to the month's last). */
export function addMonthsUtc(iso: string, months: number): Date {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target;
}

/** Whole months between two times, for "valid 20 years". */
export function monthsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / MONTH_MS);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
