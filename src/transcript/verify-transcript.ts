/**
 * Checks of a transcript on its own: it parses, is canonical, its events chain and match the
 * checkpoint, its script text matches its hash, its status matches its last event, and every
 * completed step was attested. Pure (no files) so the online system can run it on bytes it holds.
 */
import { createHash } from "node:crypto";
import { ChainWalker, chainBreakProblem, recordShapeProblem } from "../journal/chain.ts";
import { decodeUtf8Strict } from "../journal/canonical-json.ts";
import { CanonicalJsonError } from "../journal/errors.ts";
import { EVENT_TYPES, checkAttestations, joinedParticipants } from "./attestation-rules.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import { serializeTranscript } from "./transcript-json.ts";
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
    return { failures: [failure("TRANSCRIPT_INVALID", e instanceof CanonicalJsonError ? e.message : "transcript.json is not valid JSON.")] };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { failures: [failure("TRANSCRIPT_INVALID", "transcript.json is not a JSON object.")] };
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
  return { value: value as Transcript, text, failures };
}

function checkChain(t: Transcript, recordJsons: readonly string[], failures: VerifyFailure[]): string | null {
  const walker = new ChainWalker();
  const ceremonyId = t.ceremony.id;
  for (let i = 0; i < t.events.length; i++) {
    const event = t.events[i] as Transcript["events"][number];
    if (event.seq !== i) {
      failures.push(failure("CHAIN_BROKEN", `event ${i} is missing or out of place: position ${i} of the transcript holds event ${event.seq}`));
      return null;
    }
    if (event.ceremonyId !== ceremonyId) {
      failures.push(failure("CHAIN_BROKEN", `event ${i} belongs to ceremony ${event.ceremonyId}, not ${ceremonyId}`));
      return null;
    }
    const head = walker.addRecordJson(recordJsons[i] as string);
    if (head.toString("hex") !== event.head) {
      failures.push(failure("CHAIN_BROKEN", chainBreakProblem(i)));
      return null;
    }
  }
  return walker.head.toString("hex");
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
  const expectedLast = t.ceremony.status === "completed" ? EVENT_TYPES.ceremonyCompleted : EVENT_TYPES.ceremonyAborted;
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
    else if (j.name !== p.name || j.role !== p.role || j.organisation !== p.organisation) {
      failures.push(failure("PARTICIPANTS_MISMATCH", `participant ${id} is listed as ${p.name} (${p.role}, ${p.organisation}) but joined as ${j.name} (${j.role}, ${j.organisation})`));
    }
  }
  for (const id of joined.keys()) {
    if (!listed.has(id)) failures.push(failure("PARTICIPANTS_MISMATCH", `participant ${id} joined but is not listed in participants`));
  }
  failures.push(...checkAttestations(t.events));
}

/** Every check that needs only transcript.json's bytes. */
export function checkTranscriptBytes(bytes: Uint8Array): TranscriptCheck {
  const { value: transcript, text, failures } = parse(bytes);
  if (!transcript) return { failures };
  let serialized: ReturnType<typeof serializeTranscript>;
  try {
    serialized = serializeTranscript(transcript);
  } catch (e) {
    failures.push(failure("TRANSCRIPT_NOT_CANONICAL", e instanceof CanonicalJsonError ? e.message : String(e)));
    return { failures, transcript };
  }
  // Comparing text is comparing bytes: the text came from a strict UTF-8 decode that kept any BOM.
  if (serialized.text !== text) {
    failures.push(failure("TRANSCRIPT_NOT_CANONICAL", "transcript.json is not in canonical JSON form (RFC 8785): it was edited or written by another program"));
  }
  const head = checkChain(transcript, serialized.recordJsons, failures);
  checkCheckpoint(transcript, head, failures);
  checkCeremony(transcript, failures);
  return { failures, transcript };
}

/** The same checks on a transcript value, as buildTranscript runs them before anything is signed. */
export function checkTranscriptValue(transcript: Transcript): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const serialized = serializeTranscript(transcript);
  const head = checkChain(transcript, serialized.recordJsons, failures);
  checkCheckpoint(transcript, head, failures);
  checkCeremony(transcript, failures);
  return failures;
}
