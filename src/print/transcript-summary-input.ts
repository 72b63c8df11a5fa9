import { PrintInputError } from "./errors.ts";
import { type PrintedKeyCopies, validateKeyCopies } from "./key-copies-input.ts";
import { type PrintedReEscrow, validateReEscrow } from "./reescrow-input.ts";
import { optionalText, requireArray, requireHex, requireInteger, requireIsoDate, requireText } from "./validate.ts";
import { validateVoidedSets, type PrintedVoidedSet } from "./voided-sets-input.ts";
import { validateCheckpoint, validateNamedWitnesses, validateParticipants, type PrintedCheckpoint, type PrintedNamedWitness, type PrintedParticipant } from "./witness-sheet-input.ts";

export type PrintedStepOutcome = "completed" | "failed" | "not-run";

/** What an auditor needs on paper about one finished (or aborted) ceremony. Plain data. */
export interface TranscriptSummaryInput {
  rehearsal: boolean;
  ceremonyId: string;
  title?: string;
  /** ISO-8601; startedAt is also the PDF's creation date. */
  startedAt: string;
  finishedAt?: string;
  script: { id: string; sha256: string };
  status: "completed" | "aborted";
  /** Why an aborted ceremony stopped, as the journal recorded it. */
  abortReason?: string;
  host: { hostname: string; operatingSystem: string; appVersion: string; airgap?: string };
  hsm: { manufacturer: string; model: string; serial: string; firmwareVersion?: string; tokenLabel: string };
  participants: readonly PrintedParticipant[];
  /** Witnesses named by policy (absent or empty when the script names none). */
  namedWitnesses?: readonly PrintedNamedWitness[];
  steps: ReadonlyArray<{
    number: number;
    title: string;
    outcome: PrintedStepOutcome;
    /** Participant id of whoever ran the step. */
    performerId?: string;
    attesterIds: readonly string[];
    startedAt?: string;
    completedAt?: string;
  }>;
  outputs: {
    certificates: ReadonlyArray<{ label: string; subject: string; sha256: string }>;
    keys: ReadonlyArray<{ label: string; kcvEcb0: string; kcvCmac: string }>;
    wrappedKeys: ReadonlyArray<{ keyLabel: string; sha256: string }>;
    shares: ReadonlyArray<{ keyLabel: string; index: number; k: number; n: number; holderId: string; fingerprint: string }>;
    /** Keys this ceremony replaced (rotation): old key, its successor, and the old key's destruction date or why none. */
    rotations?: ReadonlyArray<{ old: string; successor: string; destruction: string }>;
  };
  /** A destruction's copies of the key and its verdict (docs/architecture.md, "Key copies"). */
  keyCopies?: PrintedKeyCopies;
  /** Card sets split and then voided (not outputs: no card of them is valid). */
  voidedCardSets?: readonly PrintedVoidedSet[];
  /** A re-escrow's old set (revoked) and new set, with the fate of each old card. */
  reEscrow?: PrintedReEscrow;
  checkpoint: PrintedCheckpoint;
  transcriptSigner: { spkiSha256: string };
}

const OUTCOMES: readonly PrintedStepOutcome[] = ["completed", "failed", "not-run"];

export function validateTranscriptSummaryInput(input: TranscriptSummaryInput): void {
  if (typeof input.rehearsal !== "boolean") throw new PrintInputError("rehearsal", "must be true or false");
  requireText(input.ceremonyId, "ceremonyId", 100);
  optionalText(input.title, "title", 200);
  requireIsoDate(input.startedAt, "startedAt");
  if (input.finishedAt !== undefined) requireIsoDate(input.finishedAt, "finishedAt");
  requireText(input.script?.id, "script.id", 200);
  requireHex(input.script.sha256, "script.sha256", 64);
  if (input.status !== "completed" && input.status !== "aborted") {
    throw new PrintInputError("status", 'must be "completed" or "aborted"');
  }
  if (input.status === "aborted") requireText(input.abortReason, "abortReason", 1000);
  for (const key of ["hostname", "operatingSystem", "appVersion"] as const) requireText(input.host?.[key], `host.${key}`, 200);
  optionalText(input.host.airgap, "host.airgap", 300);
  for (const key of ["manufacturer", "model", "serial", "tokenLabel"] as const) requireText(input.hsm?.[key], `hsm.${key}`, 200);
  optionalText(input.hsm.firmwareVersion, "hsm.firmwareVersion", 100);

  const ids = validateParticipants(input.participants);
  validateNamedWitnesses(input.namedWitnesses, ids);
  const knownId = (id: string | undefined, path: string): void => {
    if (id !== undefined && !ids.has(id)) throw new PrintInputError(path, `names "${id}", who is not among the participants`);
  };
  requireArray(input.steps, "steps").forEach((step, i) => {
    const path = `steps[${i}]`;
    requireInteger(step?.number, `${path}.number`, 0, 100_000);
    requireText(step.title, `${path}.title`, 1000);
    if (!OUTCOMES.includes(step.outcome)) throw new PrintInputError(`${path}.outcome`, `must be one of ${OUTCOMES.join(", ")}`);
    knownId(step.performerId, `${path}.performerId`);
    requireArray(step.attesterIds, `${path}.attesterIds`).forEach((id, j) => knownId(id, `${path}.attesterIds[${j}]`));
    if (step.startedAt !== undefined) requireIsoDate(step.startedAt, `${path}.startedAt`);
    if (step.completedAt !== undefined) requireIsoDate(step.completedAt, `${path}.completedAt`);
  });

  const { outputs } = input;
  requireArray(outputs?.certificates, "outputs.certificates").forEach((c, i) => {
    requireText(c?.label, `outputs.certificates[${i}].label`, 200);
    requireText(c.subject, `outputs.certificates[${i}].subject`, 1000);
    requireHex(c.sha256, `outputs.certificates[${i}].sha256`, 64);
  });
  requireArray(outputs.keys, "outputs.keys").forEach((k, i) => {
    requireText(k?.label, `outputs.keys[${i}].label`, 200);
    requireHex(k.kcvEcb0, `outputs.keys[${i}].kcvEcb0`, 6);
    requireHex(k.kcvCmac, `outputs.keys[${i}].kcvCmac`, 10);
  });
  requireArray(outputs.wrappedKeys, "outputs.wrappedKeys").forEach((w, i) => {
    requireText(w?.keyLabel, `outputs.wrappedKeys[${i}].keyLabel`, 200);
    requireHex(w.sha256, `outputs.wrappedKeys[${i}].sha256`, 64);
  });
  requireArray(outputs.shares, "outputs.shares").forEach((s, i) => {
    const path = `outputs.shares[${i}]`;
    requireText(s?.keyLabel, `${path}.keyLabel`, 200);
    requireInteger(s.index, `${path}.index`, 1, 255);
    const n = requireInteger(s.n, `${path}.n`, 1, 255);
    requireInteger(s.k, `${path}.k`, 1, n);
    knownId(s.holderId, `${path}.holderId`);
    requireHex(s.fingerprint, `${path}.fingerprint`, 64);
  });
  validateKeyCopies(input.keyCopies);
  validateVoidedSets(input.voidedCardSets, ids);
  validateReEscrow(input.reEscrow);
  if (outputs.rotations !== undefined) {
    requireArray(outputs.rotations, "outputs.rotations").forEach((r, i) => {
      requireText(r?.old, `outputs.rotations[${i}].old`, 300);
      requireText(r.successor, `outputs.rotations[${i}].successor`, 300);
      requireText(r.destruction, `outputs.rotations[${i}].destruction`, 300);
    });
  }
  validateCheckpoint(input.checkpoint);
  requireHex(input.transcriptSigner?.spkiSha256, "transcriptSigner.spkiSha256", 64);
}
