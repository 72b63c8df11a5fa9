/**
 * The fast path of transcript verification. It proves that transcript.json's text is exactly the
 * canonical JSON (RFC 8785) of the value parsed from it, then walks the file's bytes to find each
 * event's record bytes, so the chain is hashed straight from the file without writing any event
 * out again.
 *
 * The proof: for values that came from JSON.parse, JSON.stringify writes the same text as
 * RFC 8785 as long as every object's members are already in sorted order and no string holds a
 * lone surrogate; both are checked here, and then one native JSON.stringify of the events is
 * compared with the text. Anything unusual (a lone-surrogate escape, integer-like member names
 * that V8 reorders, nesting deeper than canonicalJson allows) makes this return false, and the
 * caller falls back to the generic serializer, which decides. This path can only say "proven
 * canonical" or "don't know", never wrongly "canonical".
 */
import { canonicalJson, mayHoldSurrogateEscape, membersSorted } from "../journal/canonical-json.ts";
import type { Transcript } from "./types.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index just past the JSON string starting at `p` (its opening quote), or -1. */
function skipString(b: Buffer, p: number): number {
  const end = b.length;
  for (let i = p + 1; i < end; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** Index just past the JSON value starting at `p`, or -1. UTF-8 continuation bytes are never ASCII, so bytes can be scanned directly. */
function skipValue(b: Buffer, p: number): number {
  const end = b.length;
  const first = b[p];
  if (first === QUOTE) return skipString(b, p);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = p; i < end; i++) {
      const c = b[i];
      if (c === QUOTE) {
        i = skipString(b, i) - 1;
        if (i < 0) return -1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = p;
  while (i < end && b[i] !== COMMA && b[i] !== CLOSE_BRACE && b[i] !== CLOSE_BRACKET) i++;
  return i;
}

/** Compares a short ASCII literal byte by byte; a native compare per literal would cost more than it saves. */
function literalAt(b: Buffer, p: number, literal: Uint8Array): boolean {
  if (p + literal.length > b.length) return false;
  for (let i = 0; i < literal.length; i++) if (b[p + i] !== literal[i]) return false;
  return true;
}

const ACTOR = Buffer.from('{"actor":');
const BODY = Buffer.from(',"body":');
const CEREMONY_ID = Buffer.from(',"ceremonyId":');
const HEAD = Buffer.from(',"head":"');
const SEQ = Buffer.from('"seq":');
const TIME = Buffer.from(',"time":');
const TYPE = Buffer.from(',"type":');
// `"head":"` + 64 hex digits + `",` — all ASCII.
const HEAD_MEMBER_LENGTH = 8 + 64 + 2;

/**
 * Returns true when `text` (decoded from `bytes`) is proven to be canonicalJson(transcript), and
 * then calls onRecord for every event in order with where its record bytes are: bytes[start1,
 * end1) ‖ bytes[start2, end2), the event without its head member. Events must already be shape-checked
 * (exactly actor, body, ceremonyId, head, seq, time, type, with a 64-hex-digit head).
 */
export type RecordSlices = (index: number, start1: number, end1: number, start2: number, end2: number) => void;

export function scanCanonicalTranscript(text: string, bytes: Buffer, transcript: Transcript, onRecord: RecordSlices): boolean {
  if (mayHoldSurrogateEscape(text) || !membersSorted(transcript.events, 1)) return false;
  const top = transcript as unknown as Record<string, unknown>;
  let pos = 0;
  let eventsAt = -1;
  const expect = (piece: string): boolean => {
    // slice + === compares flat strings with memcmp; startsWith is several times slower on megabytes.
    if (text.slice(pos, pos + piece.length) !== piece) return false;
    pos += piece.length;
    return true;
  };
  const keys = Object.keys(top).sort();
  if (!expect("{")) return false;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (!expect(`${k > 0 ? "," : ""}${JSON.stringify(key)}:`)) return false;
    if (key === "events") {
      eventsAt = pos;
      if (!expect(JSON.stringify(transcript.events))) return false;
      continue;
    }
    // As for the events: a member whose objects are already sorted is written natively.
    let json: string;
    try {
      json = membersSorted(top[key]) ? JSON.stringify(top[key]) : canonicalJson(top[key], key);
    } catch {
      return false;
    }
    if (!expect(json)) return false;
  }
  if (!expect("}") || pos !== text.length || eventsAt < 0) return false;

  // The text is canonical, so its structure is known exactly: walk the bytes of the events array
  // once, skipping over each body, and hash each record as two slices around its head member.
  let p = Buffer.byteLength(text.slice(0, eventsAt), "utf8") + 1;
  for (let i = 0; i < transcript.events.length; i++) {
    if (i > 0) p++; // the comma between events
    const start = p;
    if (!literalAt(bytes, p, ACTOR)) return false;
    p = skipString(bytes, p + ACTOR.length);
    if (p < 0 || !literalAt(bytes, p, BODY)) return false;
    p = skipValue(bytes, p + BODY.length);
    if (p < 0 || !literalAt(bytes, p, CEREMONY_ID)) return false;
    p = skipString(bytes, p + CEREMONY_ID.length);
    if (p < 0 || !literalAt(bytes, p, HEAD)) return false;
    const frontEnd = p + 1;
    p = frontEnd + HEAD_MEMBER_LENGTH;
    if (!literalAt(bytes, p, SEQ)) return false;
    p = skipValue(bytes, p + SEQ.length);
    if (p < 0 || !literalAt(bytes, p, TIME)) return false;
    p = skipString(bytes, p + TIME.length);
    if (p < 0 || !literalAt(bytes, p, TYPE)) return false;
    p = skipString(bytes, p + TYPE.length);
    if (p < 0 || bytes[p] !== CLOSE_BRACE) return false;
    p++;
    onRecord(i, start, frontEnd, frontEnd + HEAD_MEMBER_LENGTH, p);
  }
  return bytes[p] === CLOSE_BRACKET;
}
