/**
 * Checks of a transcript on its own: it parses, is canonical, its events chain and match the
 * checkpoint, its script text matches its hash, its status matches its last event, and every
 * completed step was attested. Pure (no files) so the online system can run it on bytes it holds.
 */
import { createHash } from "node:crypto";
import { ChainWalker, LeafHasher, chainBreakProblem, recordShapeProblem } from "../journal/chain.ts";
import { decodeUtf8Strict } from "../journal/canonical-json.ts";
import { CanonicalJsonError } from "../journal/errors.ts";
import { eventMisfit, eventTypesOf, isTranscriptFormat } from "../events/index.ts";
import { checkAttestations, joinedParticipants } from "./attestation-rules.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import { scanCanonicalTranscript } from "./canonical-scan.ts";
import { checkKeyCopies, checkMilestones, checkSignerFacts } from "./verify-records.ts";
import { type SerializedTranscript, serializeTranscript } from "./transcript-json.ts";
import { type Transcript, TranscriptHeaderSchema } from "./types.ts";

export interface TranscriptCheck {
  failures: VerifyFailure[];
  /** Present when the transcript parsed and has the right shape, even if other checks failed. */
  transcript?: Transcript;
}

function parse(bytes: Uint8Array): { value?: Transcript; text?: string; failures: VerifyFailure[] } {
  let text: string;
  let value: unknown;
  try {
    text = decodeUtf8Strict(bytes, "transcript.json");
    value = JSON.parse(text);
  } catch (e) {
    return { failures: [failure("TRANSCRIPT_INVALID", e instanceof CanonicalJsonError ? e.message : "transcript.json is not valid JSON")] };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { failures: [failure("TRANSCRIPT_INVALID", "transcript.json is not a JSON object")] };
  }
  const { events, ...header } = value as Record<string, unknown>;
  const failures: VerifyFailure[] = [];
  const parsed = TranscriptHeaderSchema.safeParse(header);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      failures.push(failure("TRANSCRIPT_INVALID", `transcript ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`));
    }
  }
  if (!Array.isArray(events)) {
    failures.push(failure("TRANSCRIPT_INVALID", "transcript events: must be an array"));
  } else {
    for (let i = 0; i < events.length; i++) {
      const problem = recordShapeProblem(events[i], true);
      if (problem !== null) {
        failures.push(failure("TRANSCRIPT_INVALID", `transcript events[${i}] ${problem}`));
        break;
      }
    }
  }
  if (failures.length > 0) return { failures };
  if (parsed.success && parsed.data.format !== "ceremony-workstation.transcript.v1" && !parsed.data.signer) {
    failures.push(failure("TRANSCRIPT_INVALID", `transcript signer: required in ${parsed.data.format}`));
  }
  failures.push(...eventBodyFailures(value as Transcript));
  return { value: value as Transcript, text, failures };
}

/**
 * Every event's type must belong to the transcript's format and its body fit that type's schema
 * (src/events). Reported per event with its seq, type and the field that does not fit.
 */
function eventBodyFailures(t: Transcript): VerifyFailure[] {
  if (!isTranscriptFormat(t.format)) return [];
  const allowed = eventTypesOf(t.format);
  const failures: VerifyFailure[] = [];
  for (const e of t.events) {
    if (allowed !== "all" && !allowed.includes(e.type)) {
      failures.push(failure("EVENT_INVALID", `event ${e.seq} (${e.type}): not an event type of ${t.format}`));
      continue;
    }
    const misfit = eventMisfit(e.type, e.body);
    if (misfit) failures.push(failure("EVENT_INVALID", `event ${e.seq} (${e.type}): ${misfit.field} ${misfit.problem}`));
  }
  return failures;
}

/** Follows the chain leaf by leaf and keeps the first break; later events are not judged. */
class ChainCheck {
  private readonly walker = new ChainWalker();
  failure: VerifyFailure | null = null;

  constructor(private readonly transcript: Transcript) {}

  /** Checks event `index` given its leaf, or (fast path) where its record bytes lie in `source`. */
  add(index: number, leaf: Buffer): void;
  add(index: number, source: Buffer, start1: number, end1: number, start2: number, end2: number): void;
  add(index: number, leafOrSource: Buffer, start1?: number, end1?: number, start2?: number, end2?: number): void {
    if (this.failure) return;
    const event = this.transcript.events[index] as Transcript["events"][number];
    if (event.seq !== index) {
      this.failure = failure("CHAIN_BROKEN", `event ${index} is missing or out of place: position ${index} of the transcript holds event ${event.seq}`);
      return;
    }
    if (event.ceremonyId !== this.transcript.ceremony.id) {
      this.failure = failure("CHAIN_BROKEN", `event ${index} belongs to ceremony ${event.ceremonyId}, not ${this.transcript.ceremony.id}`);
      return;
    }
    const head =
      start1 === undefined
        ? this.walker.addLeafHex(leafOrSource)
        : this.walker.addRecordSlicesHex(leafOrSource, start1, end1 as number, start2 as number, end2 as number);
    if (head !== event.head) this.failure = failure("CHAIN_BROKEN", chainBreakProblem(index));
  }

  /** The recomputed head after the last event, or null when the chain broke. */
  result(failures: VerifyFailure[]): string | null {
    if (this.failure) {
      failures.push(this.failure);
      return null;
    }
    return this.walker.head.toString("hex");
  }
}

/** Chain check over record JSON texts (the generic path, used when building and as fallback). */
function checkChainOfRecords(t: Transcript, recordJsons: readonly string[], failures: VerifyFailure[]): string | null {
  const chain = new ChainCheck(t);
  const leaves = new LeafHasher();
  for (let i = 0; i < recordJsons.length; i++) chain.add(i, leaves.ofJson(recordJsons[i] as string));
  return chain.result(failures);
}

function checkCheckpoint(t: Transcript, recomputedHead: string | null, failures: VerifyFailure[]): void {
  const { checkpoint } = t;
  if (checkpoint.ceremonyId !== t.ceremony.id) {
    failures.push(failure("CHECKPOINT_MISMATCH", `checkpoint is for ceremony ${checkpoint.ceremonyId}, the transcript for ${t.ceremony.id}`));
  }
  if (checkpoint.eventCount !== t.events.length) {
    const hint = checkpoint.eventCount > t.events.length ? " (events were removed from the end)" : "";
    failures.push(failure("CHECKPOINT_MISMATCH", `checkpoint says ${checkpoint.eventCount} events, transcript has ${t.events.length}${hint}`));
  } else if (recomputedHead !== null && t.events.length > 0 && checkpoint.head !== recomputedHead) {
    failures.push(failure("CHECKPOINT_MISMATCH", `checkpoint head ${checkpoint.head} is not the head of the last event, ${recomputedHead}`));
  }
}

function checkCeremony(t: Transcript, failures: VerifyFailure[]): void {
  const scriptHash = createHash("sha256").update(t.script.text, "utf8").digest("hex");
  if (scriptHash !== t.script.sha256) {
    failures.push(failure("SCRIPT_HASH_MISMATCH", `script sha256 says ${t.script.sha256}, but the script text hashes to ${scriptHash}`));
  }
  const last = t.events.at(-1);
  const expectedLast = t.ceremony.status === "completed" ? "ceremony.completed" : "ceremony.aborted";
  if (last?.type !== expectedLast) {
    failures.push(
      failure("CEREMONY_STATUS_MISMATCH", `ceremony status is ${t.ceremony.status}, but the last event is ${last ? last.type : "missing"}, not ${expectedLast}`),
    );
  }
  const joined = joinedParticipants(t.events);
  const listed = new Map(t.participants.map((p) => [p.id, p]));
  for (const [id, p] of listed) {
    const j = joined.get(id);
    if (!j) failures.push(failure("PARTICIPANTS_MISMATCH", `participant ${id} is listed but never joined (no participant.joined event)`));
    else if (j.name !== p.name || j.role !== p.role || j.organisation !== p.organisation || j.title !== p.title) {
      const as = (x: { name: string; role: string; organisation: string; title?: string | undefined }): string => `${x.name} (${x.role}, ${x.organisation}${x.title ? `, ${x.title}` : ""})`;
      failures.push(failure("PARTICIPANTS_MISMATCH", `participant ${id} is listed as ${as(p)} but joined as ${as(j)}`));
    }
  }
  for (const id of joined.keys()) {
    if (!listed.has(id)) failures.push(failure("PARTICIPANTS_MISMATCH", `participant ${id} joined but is not listed in participants`));
  }
  failures.push(...checkAttestations(t.events, joined));
}

/** Every check that needs only transcript.json's bytes. */
export function checkTranscriptBytes(bytes: Uint8Array): TranscriptCheck {
  const { value: transcript, text, failures } = parse(bytes);
  if (!transcript || text === undefined) return { failures };
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let chain = new ChainCheck(transcript);
  let head: string | null;
  if (scanCanonicalTranscript(text, buffer, transcript, (i, s1, e1, s2, e2) => chain.add(i, buffer, s1, e1, s2, e2))) {
    head = chain.result(failures);
  } else {
    // Not provably canonical on the fast path: serialize generically, which decides, and hash
    // the canonical records (the chain was computed over those when the journal was written).
    chain = new ChainCheck(transcript);
    let serialized: SerializedTranscript;
    try {
      serialized = serializeTranscript(transcript);
    } catch (e) {
      failures.push(failure("TRANSCRIPT_NOT_CANONICAL", e instanceof CanonicalJsonError ? e.message : String(e)));
      return { failures, transcript };
    }
    if (serialized.text !== text) {
      failures.push(failure("TRANSCRIPT_NOT_CANONICAL", "transcript.json is not in canonical JSON form (RFC 8785): it was edited or written by another program"));
    }
    head = checkChainOfRecords(transcript, serialized.recordJsons, failures);
  }
  checkCheckpoint(transcript, head, failures);
  // The ceremony checks read event bodies by their types: only when every body fits.
  if (!failures.some((f) => f.code === "EVENT_INVALID")) {
    checkCeremony(transcript, failures);
    if (head !== null) failures.push(...checkMilestones(transcript));
    failures.push(...checkSignerFacts(transcript), ...checkKeyCopies(transcript));
  }
  return { failures, transcript };
}

/** The same checks on a transcript value and its serialization, as buildTranscript runs them before anything is signed. */
export function checkSerializedTranscript(transcript: Transcript, serialized: SerializedTranscript): VerifyFailure[] {
  const failures: VerifyFailure[] = eventBodyFailures(transcript);
  const head = checkChainOfRecords(transcript, serialized.recordJsons, failures);
  checkCheckpoint(transcript, head, failures);
  checkCeremony(transcript, failures);
  if (head !== null) failures.push(...checkMilestones(transcript));
  failures.push(...checkSignerFacts(transcript), ...checkKeyCopies(transcript));
  return failures;
}
