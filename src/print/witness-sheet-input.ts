import { PrintInputError } from "./errors.ts";
import { type PrintedKeyCopies, validateKeyCopies } from "./key-copies-input.ts";
import { validateVoidedSets, type PrintedVoidedSet } from "./voided-sets-input.ts";
import { type PrintedReEscrow, validateReEscrow } from "./reescrow-input.ts";
import { requireArray, requireHex, requireInteger, requireIsoDate, requireText, optionalText } from "./validate.ts";

export interface PrintedParticipant {
  /** Stable id that steps refer to (e.g. the sign-in id). */
  id: string;
  name: string;
  role: string;
  organisation: string;
  /** Job title given at sign-in, for scripts that name witnesses by title. */
  title?: string;
}

/** A witness the script's policy names by job title, and who filled it (participant ids). */
export interface PrintedNamedWitness {
  /** "CISO or Director of Cybersecurity" */
  title: string;
  /** The policy sentence it implements. */
  policy?: string;
  filledBy: readonly string[];
}

/** The journal checkpoint that ends a ceremony (docs/architecture.md, Journal chain). */
export interface PrintedCheckpoint {
  ceremonyId: string;
  eventCount: number;
  /** head_{eventCount-1}, 64 hex digits. */
  head: string;
}

export interface WitnessSheetInput {
  rehearsal: boolean;
  ceremonyId: string;
  /** ISO-8601; also the PDF's creation date. */
  ceremonyDate: string;
  /** What the ceremony does, e.g. "Root CA key generation". */
  title?: string;
  script?: { id: string; sha256: string };
  participants: readonly PrintedParticipant[];
  /** Witnesses named by policy (absent or empty when the script names none). */
  namedWitnesses?: readonly PrintedNamedWitness[];
  /** Each step, with the participants (by id) who must initial it; `done: false` is struck out. */
  steps: ReadonlyArray<{ number: number; title: string; witnessIds: readonly string[]; done?: boolean }>;
  /** Set when the ceremony was aborted: the sheet says ABORTED and why. */
  aborted?: { reason: string };
  /** A destruction's copies of the key and its verdict: DESTROYED only when every copy is accounted for. */
  keyCopies?: PrintedKeyCopies;
  /** Card sets split and then voided, with the delivered cards collected for destruction. */
  voidedCardSets?: readonly PrintedVoidedSet[];
  /** A re-escrow's old set (revoked) and new set, with the fate of each old card. */
  reEscrow?: PrintedReEscrow;
  checkpoint: PrintedCheckpoint;
  /** SHA-256 of the transcript-signing key's SubjectPublicKeyInfo: what witnesses sign under. */
  transcriptSigner: { spkiSha256: string };
}

export function validateParticipants(participants: readonly PrintedParticipant[], path = "participants"): Set<string> {
  const ids = new Set<string>();
  requireArray(participants, path, 1).forEach((p, i) => {
    const id = requireText(p?.id, `${path}[${i}].id`, 100);
    if (ids.has(id)) throw new PrintInputError(`${path}[${i}].id`, `repeats "${id}"`);
    ids.add(id);
    requireText(p.name, `${path}[${i}].name`, 200);
    requireText(p.role, `${path}[${i}].role`, 200);
    requireText(p.organisation, `${path}[${i}].organisation`, 200);
    optionalText(p.title, `${path}[${i}].title`, 120);
  });
  return ids;
}

export function validateNamedWitnesses(named: readonly PrintedNamedWitness[] | undefined, ids: ReadonlySet<string>, path = "namedWitnesses"): void {
  if (named === undefined) return;
  requireArray(named, path).forEach((n, i) => {
    requireText(n?.title, `${path}[${i}].title`, 120);
    optionalText(n.policy, `${path}[${i}].policy`, 300);
    requireArray(n.filledBy, `${path}[${i}].filledBy`).forEach((id, j) => {
      if (!ids.has(id)) throw new PrintInputError(`${path}[${i}].filledBy[${j}]`, `names "${id}", who is not among the participants`);
    });
  });
}

export function validateCheckpoint(checkpoint: PrintedCheckpoint, path = "checkpoint"): void {
  requireText(checkpoint?.ceremonyId, `${path}.ceremonyId`, 100);
  requireInteger(checkpoint.eventCount, `${path}.eventCount`, 0, Number.MAX_SAFE_INTEGER);
  requireHex(checkpoint.head, `${path}.head`, 64);
}

export function validateWitnessSheetInput(input: WitnessSheetInput): void {
  if (typeof input.rehearsal !== "boolean") throw new PrintInputError("rehearsal", "must be true or false");
  requireText(input.ceremonyId, "ceremonyId", 100);
  requireIsoDate(input.ceremonyDate, "ceremonyDate");
  optionalText(input.title, "title", 200);
  if (input.script !== undefined) {
    requireText(input.script.id, "script.id", 200);
    requireHex(input.script.sha256, "script.sha256", 64);
  }
  const ids = validateParticipants(input.participants);
  validateNamedWitnesses(input.namedWitnesses, ids);
  requireArray(input.steps, "steps", 1).forEach((step, i) => {
    requireInteger(step?.number, `steps[${i}].number`, 0, 100_000);
    requireText(step.title, `steps[${i}].title`, 1000);
    if (step.done !== undefined && typeof step.done !== "boolean") throw new PrintInputError(`steps[${i}].done`, "must be true or false");
    requireArray(step.witnessIds, `steps[${i}].witnessIds`).forEach((id, j) => {
      if (!ids.has(id)) throw new PrintInputError(`steps[${i}].witnessIds[${j}]`, `names "${id}", who is not among the participants`);
    });
  });
  if (input.aborted !== undefined) requireText(input.aborted.reason, "aborted.reason", 1000);
  validateKeyCopies(input.keyCopies);
  validateVoidedSets(input.voidedCardSets, ids);
  validateReEscrow(input.reEscrow);
  validateCheckpoint(input.checkpoint);
  requireHex(input.transcriptSigner?.spkiSha256, "transcriptSigner.spkiSha256", 64);
}
