/**
 * Canonical serialization of a transcript, with the events written by a dedicated path: each
 * event's record JSON (what the chain hashes) is produced once and reused inside the transcript
 * text, so verifying 100,000 events serializes each of them once, not twice.
 */
import { canonicalJson } from "../journal/canonical-json.ts";
import type { ChainedEvent } from "../journal/chain.ts";
import type { Transcript } from "./types.ts";

export interface SerializedTranscript {
  /** The canonical transcript text; its UTF-8 bytes are transcript.json. */
  text: string;
  /** Per event, the canonical JSON of its record (the event without `head`): what its leaf hashes. */
  recordJsons: string[];
}

/**
 * Writes one event. Members in RFC 8785 order — actor, body, ceremonyId, head, seq, time, type —
 * so the record (without head) is the same two halves joined directly.
 */
function serializeEvent(event: ChainedEvent, index: number): { record: string; event: string } {
  const front = `{"actor":${canonicalJson(event.actor)},"body":${canonicalJson(event.body, `events[${index}].body`)},"ceremonyId":${canonicalJson(event.ceremonyId)},`;
  const back = `"seq":${canonicalJson(event.seq)},"time":${canonicalJson(event.time)},"type":${canonicalJson(event.type)}}`;
  return { record: front + back, event: `${front}"head":${canonicalJson(event.head)},${back}` };
}

/**
 * Canonical JSON of a transcript whose events have already been shape-checked (exactly the seven
 * event members). Equal to canonicalJson(transcript); a unit test holds the two together.
 */
export function serializeTranscript(transcript: Transcript): SerializedTranscript {
  const recordJsons: string[] = new Array(transcript.events.length);
  const eventJsons: string[] = new Array(transcript.events.length);
  transcript.events.forEach((event, i) => {
    const s = serializeEvent(event, i);
    recordJsons[i] = s.record;
    eventJsons[i] = s.event;
  });
  const top = transcript as unknown as Record<string, unknown>;
  const members = Object.keys(top)
    .sort()
    .map((key) => `${canonicalJson(key)}:${key === "events" ? `[${eventJsons.join(",")}]` : canonicalJson(top[key], key)}`);
  return { text: `{${members.join(",")}}`, recordJsons };
}
