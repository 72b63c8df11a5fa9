/**
 * What "nothing lost" means after a fault, checked the same way for every fault class: the
 * journal's events (seq contiguous, each kind of event as often as the script allows, one
 * completion), and the token as OpenSC's pkcs11-tool lists it from its own process (one key
 * per label, every expected label present).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { LoadedScript } from "../../../src/ceremony/load-script.ts";
import type { ChainedEvent } from "../../../src/journal/index.ts";

const run = promisify(execFile);

/** Every event type a root-CA, master-key, key-destruction, root-rotation, KEK-rotation or re-escrow rehearsal may write. */
const KNOWN_TYPES = new Set([
  "ceremony.started",
  "ceremony.resumed",
  "ceremony.completed",
  "participant.joined",
  "participants.confirmed",
  "airgap.checked",
  "airgap.override.attested",
  "airgap.override.granted",
  "step.started",
  "step.completed",
  "action.started",
  "action.succeeded",
  "action.failed",
  "attestation.recorded",
  "preview.shown",
  "preview.attested",
  "hsm.token.selected",
  "hsm.relogin",
  "hsm.object.intent",
  "hsm.object.created",
  "hsm.object.reused",
  "fact.recorded",
  "artifact.recorded",
  "pki.linted",
  "escrow.split",
  "escrow.card.delivered",
  "escrow.set.void-attested",
  "escrow.set.voided",
  "share.verified",
  "escrow.trial-recovered",
  "escrow.previous.checked",
  "escrow.set.revoked",
  "key.copies.listed",
  "key.destroying",
  "key.destroyed",
  "key.copy.accounted",
  "key.copies.accounted",
  "key.superseded",
]);

export interface EventExpectations {
  participants: number;
  /** How many times the ceremony was resumed in a new process (one per kill before completion). */
  resumes?: number;
  /** action.failed events expected (faults the officer saw); undefined: any number. */
  failures?: number;
  /** Actions that started and have no outcome (killed, or the journal could not record the failure); default: `resumes`. */
  interrupted?: number;
}

/** Problems with a finished ceremony's events, as sentences; empty when every count is sane. */
export function eventProblems(events: readonly ChainedEvent[], script: LoadedScript, expect: EventExpectations): string[] {
  const problems: string[] = [];
  const count = (type: string, stepIndex?: number): number =>
    events.filter((e) => e.type === type && (stepIndex === undefined || e.body.stepIndex === stepIndex)).length;

  events.forEach((e, i) => {
    if (e.seq !== i) problems.push(`event ${i} has seq ${e.seq}: the sequence has a gap or a duplicate`);
    if (!KNOWN_TYPES.has(e.type)) problems.push(`event ${e.seq} has an unexpected type ${e.type}`);
  });
  if (events[0]?.type !== "ceremony.started") problems.push("the first event is not ceremony.started");
  if (count("ceremony.started") !== 1) problems.push(`${count("ceremony.started")} ceremony.started events`);
  if (count("ceremony.completed") !== 1) problems.push(`${count("ceremony.completed")} ceremony.completed events, expected exactly 1`);
  if (events.at(-1)?.type !== "ceremony.completed") problems.push(`the last event is ${events.at(-1)?.type}, not ceremony.completed`);
  if (expect.resumes !== undefined && count("ceremony.resumed") !== expect.resumes) {
    problems.push(`${count("ceremony.resumed")} ceremony.resumed events, expected ${expect.resumes}`);
  }

  const joined = events.filter((e) => e.type === "participant.joined");
  if (joined.length !== expect.participants) problems.push(`${joined.length} participants joined, expected ${expect.participants}`);
  if (new Set(joined.map((e) => `${String(e.body.name)}/${String(e.body.role)}`)).size !== joined.length) problems.push("a participant joined twice");
  for (const type of ["participants.confirmed", "airgap.override.granted"]) {
    if (count(type) !== 1) problems.push(`${count(type)} ${type} events, expected 1`);
  }

  let previousCompleted = -1;
  script.steps.forEach((step, i) => {
    for (const type of ["step.started", "action.succeeded", "step.completed"]) {
      if (count(type, i) !== 1) problems.push(`step ${i + 1}: ${count(type, i)} ${type} events, expected 1`);
    }
    const attesters = events.filter((e) => e.type === "attestation.recorded" && e.body.stepIndex === i).map((e) => String(e.body.participantId));
    if (attesters.length !== step.attestation.count || new Set(attesters).size !== attesters.length) {
      problems.push(`step ${i + 1}: attested by ${attesters.length} (${new Set(attesters).size} distinct), expected ${step.attestation.count} distinct`);
    }
    const started = events.findIndex((e) => e.type === "step.started" && e.body.stepIndex === i);
    const completed = events.findIndex((e) => e.type === "step.completed" && e.body.stepIndex === i);
    if (started <= previousCompleted || completed < started) problems.push(`step ${i + 1} is out of order`);
    previousCompleted = completed;
    const ends = count("action.succeeded", i) + count("action.failed", i);
    // An action a kill interrupted has a start without an end: never more than one per resume.
    if (count("action.started", i) < ends || count("action.started", i) > ends + (expect.interrupted ?? expect.resumes ?? 0)) {
      problems.push(`step ${i + 1}: ${count("action.started", i)} action.started for ${ends} outcomes`);
    }
  });
  if (expect.failures !== undefined && count("action.failed") !== expect.failures) {
    problems.push(`${count("action.failed")} action.failed events, expected ${expect.failures}`);
  }

  const created = events.filter((e) => e.type === "hsm.object.created").map((e) => String(e.body.label));
  if (new Set(created).size !== created.length) problems.push(`an object was recorded as created twice: ${created.join(", ")}`);
  for (const label of new Set(events.filter((e) => e.type === "hsm.object.intent").map((e) => String(e.body.label)))) {
    if (!created.includes(label)) problems.push(`${label}: intended but never recorded as created`);
  }

  const splits = events.filter((e) => e.type === "escrow.split");
  const lastSplit = splits.at(-1);
  // A split made again supersedes the earlier set only once that set was voided, naming its delivered cards.
  const voided = new Set(events.filter((e) => e.type === "escrow.set.voided").map((e) => String(e.body.setId)));
  for (const split of splits.slice(0, -1)) {
    if (!voided.has(String(split.body.setId))) problems.push(`card set ${String(split.body.setId)} was split again without being voided`);
  }
  if (lastSplit) {
    const after = events.slice(events.indexOf(lastSplit));
    const n = Number(lastSplit.body.n);
    const delivered = new Set(after.filter((e) => e.type === "escrow.card.delivered").map((e) => Number(e.body.card)));
    const verified = new Set(after.filter((e) => e.type === "share.verified").map((e) => String(e.body.participantId ?? e.body.card)));
    if (delivered.size !== n) problems.push(`${delivered.size} of the final split's ${n} cards were delivered`);
    if (verified.size !== n) problems.push(`${verified.size} of the final split's ${n} cards were read back`);
    if (count("escrow.trial-recovered") < 1) problems.push("no trial recovery was recorded");
  }
  return problems;
}

export interface TokenRef {
  modulePath: string;
  env: Record<string, string>;
  tokenLabel: string;
  userPin: string;
}

/** CKA_IDs by label, as pkcs11-tool lists the token's objects (a key pair is two objects, one ID). */
export async function objectIdsByLabel(token: TokenRef): Promise<Map<string, Set<string>>> {
  const { stdout } = await run(
    "pkcs11-tool",
    ["--module", token.modulePath, "--token-label", token.tokenLabel, "--login", "--pin", token.userPin, "--list-objects"],
    { env: { ...process.env, ...token.env } },
  );
  const ids = new Map<string, Set<string>>();
  for (const block of stdout.split(/\n(?=\S)/)) {
    const label = /label:\s+(.*)/.exec(block)?.[1]?.trim();
    const id = /ID:\s+([0-9a-f]+)/.exec(block)?.[1];
    if (label && id) ids.set(label, (ids.get(label) ?? new Set()).add(id));
  }
  return ids;
}

/** Problems with the token: a label missing, an unexpected label, or two keys under one label. */
export async function tokenProblems(token: TokenRef, expectedLabels: readonly string[]): Promise<string[]> {
  const ids = await objectIdsByLabel(token);
  const problems: string[] = [];
  for (const label of expectedLabels) if (!ids.has(label)) problems.push(`no key labelled ${label} on the token`);
  for (const [label, set] of ids) {
    if (!expectedLabels.includes(label)) problems.push(`unexpected object labelled ${label} on the token`);
    if (set.size !== 1) problems.push(`${set.size} keys labelled ${label} on the token (IDs ${[...set].join(", ")})`);
  }
  return problems;
}

export const EXPECTED_LABELS: Record<string, readonly string[]> = {
  "root-ca.yaml": ["ceremony-transcript-signing", "ROOT-CA-R1"],
  "master-key.yaml": ["ceremony-transcript-signing", "KEK-01"],
  "key-destruction.yaml": ["ceremony-transcript-signing"],
  "root-rotation.yaml": ["ceremony-transcript-signing", "ROOT-CA-R1", "ROOT-CA-R2"],
  "kek-rotation.yaml": ["ceremony-transcript-signing", "KEK-01", "KEK-02"],
  "re-escrow.yaml": ["ceremony-transcript-signing", "KEK-01"],
};
