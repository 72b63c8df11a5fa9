/**
 * The journal's hash chain (docs/architecture.md "Journal chain"), as pure functions over bytes:
 *
 *   record bytes = canonical JSON of {ceremonyId, seq, time, actor, type, body}
 *   leaf_i       = SHA-256(0x00 ‖ record bytes_i)
 *   head_i       = SHA-256(0x01 ‖ head_{i-1} ‖ leaf_i),   head_{-1} = 32 zero bytes
 *
 * The 0x00/0x01 prefixes separate leaf hashes from chain hashes, as RFC 6962 §2.1 does for
 * Merkle leaves and nodes, so a leaf can never be passed off as a head.
 *
 * Pure module (no sqlite): src/transcript recomputes the same chain from a transcript.
 */
import { hash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";

/** One journal record, exactly the members that are hashed. */
export interface JournalRecord {
  ceremonyId: string;
  /** 0, 1, 2, ... per ceremony, without gaps. */
  seq: number;
  /** UTC, ISO-8601 with milliseconds: "2026-03-01T09:30:00.000Z". */
  time: string;
  /** Participant id, or "system" for the workstation itself. */
  actor: string;
  type: string;
  body: Record<string, unknown>;
}

/** A record together with the chain head after it (lowercase hex), as stored and as carried in a transcript. */
export interface ChainedEvent extends JournalRecord {
  head: string;
}

/** What a transcript commits to, so that dropping events from the end is caught. */
export interface Checkpoint {
  ceremonyId: string;
  eventCount: number;
  /** Head after the last event, lowercase hex; 64 zeros for a ceremony without events. */
  head: string;
}

export const HASH_LENGTH = 32;
/** head_{-1}. */
export const GENESIS_HEAD: Readonly<Buffer> = Buffer.alloc(HASH_LENGTH);
export const GENESIS_HEAD_HEX = "0".repeat(HASH_LENGTH * 2);
/** How many hex digits of a head the witnesses copy onto the paper script at milestones. */
export const MILESTONE_DIGITS = 8;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Canonical bytes of a record; members other than the six hashed ones (e.g. `head`) are left out. */
export function recordBytes(record: JournalRecord): Buffer {
  return Buffer.from(recordJson(record), "utf8");
}

/** Canonical JSON text of a record (see recordBytes). */
export function recordJson(record: JournalRecord): string {
  const { ceremonyId, seq, time, actor, type, body } = record;
  return canonicalJson({ ceremonyId, seq, time, actor, type, body }, "record");
}

export function leafHash(recordBytes: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(recordBytes.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(recordBytes, 1);
  return hash("sha256", input, "buffer");
}

export function nextHead(previousHead: Uint8Array, leaf: Uint8Array): Buffer {
  if (previousHead.length !== HASH_LENGTH) throw new RangeError(`previousHead must be ${HASH_LENGTH} bytes, got ${previousHead.length}`);
  if (leaf.length !== HASH_LENGTH) throw new RangeError(`leaf must be ${HASH_LENGTH} bytes, got ${leaf.length}`);
  const input = Buffer.allocUnsafe(1 + 2 * HASH_LENGTH);
  input[0] = NODE_PREFIX;
  input.set(previousHead, 1);
  input.set(leaf, 1 + HASH_LENGTH);
  return hash("sha256", input, "buffer");
}

/**
 * Computes leaves with one reusable input buffer: verifying a 100,000-event transcript makes
 * 200,000 tiny hashes, and per-call allocation would dominate their cost.
 */
export class LeafHasher {
  private input = Buffer.alloc(1024);

  private reserve(length: number): Buffer {
    if (this.input.length < length) this.input = Buffer.alloc(Math.max(length, 2 * this.input.length));
    this.input[0] = LEAF_PREFIX;
    return this.input;
  }

  /** Leaf of a record given as its canonical JSON text. */
  ofJson(json: string): Buffer {
    // UTF-8 never takes more than 3 bytes per UTF-16 code unit.
    const input = this.reserve(1 + 3 * json.length);
    const written = input.write(json, 1, "utf8");
    return hash("sha256", input.subarray(0, 1 + written), "buffer");
  }

  /** Leaf of a record given as its canonical bytes. */
  ofBytes(bytes: Uint8Array): Buffer {
    const input = this.reserve(1 + bytes.length);
    input.set(bytes, 1);
    return hash("sha256", input.subarray(0, 1 + bytes.length), "buffer");
  }

  /** Leaf of a record whose bytes are source[start1, end1) followed by source[start2, end2). */
  ofTwoSlices(source: Buffer, start1: number, end1: number, start2: number, end2: number): Buffer {
    return hash("sha256", this.twoSlices(source, start1, end1, start2, end2), "buffer");
  }

  /** The same leaf as 32 latin1 ("binary") characters: a string costs the garbage collector less than a Buffer. */
  ofTwoSlicesLatin1(source: Buffer, start1: number, end1: number, start2: number, end2: number): string {
    return hash("sha256", this.twoSlices(source, start1, end1, start2, end2), "binary");
  }

  private twoSlices(source: Buffer, start1: number, end1: number, start2: number, end2: number): Buffer {
    const length1 = end1 - start1;
    const length = 1 + length1 + (end2 - start2);
    const input = this.reserve(length);
    source.copy(input, 1, start1, end1);
    source.copy(input, 1 + length1, start2, end2);
    return input.subarray(0, length);
  }
}

/**
 * Walks a chain one leaf at a time. The current head lives inside the node-hash input buffer
 * itself, and the hex form comes straight from the hash call: per event, that is the cheapest
 * way node:crypto offers to hash 65 bytes and compare the result with a stored hex head.
 */
export class ChainWalker {
  private readonly nodeInput = Buffer.alloc(1 + 2 * HASH_LENGTH);
  private readonly leaves = new LeafHasher();
  count = 0;

  constructor() {
    this.nodeInput[0] = NODE_PREFIX;
  }

  /** Adds a record given as its canonical JSON text; returns the new head. */
  addRecordJson(json: string): Buffer {
    return this.addLeaf(this.leaves.ofJson(json));
  }

  /** Adds a record given as its canonical bytes; returns the new head. */
  addRecordBytes(bytes: Uint8Array): Buffer {
    return this.addLeaf(leafHash(bytes));
  }

  /** Adds a leaf; returns the new head. */
  addLeaf(leaf: Uint8Array): Buffer {
    this.addLeafHex(leaf);
    return this.head;
  }

  /** Adds a leaf; returns the new head as lowercase hex. */
  addLeafHex(leaf: Uint8Array): string {
    if (leaf.length !== HASH_LENGTH) throw new RangeError(`leaf must be ${HASH_LENGTH} bytes, got ${leaf.length}`);
    if (Buffer.isBuffer(leaf)) leaf.copy(this.nodeInput, 1 + HASH_LENGTH);
    else this.nodeInput.set(leaf, 1 + HASH_LENGTH);
    return this.advance();
  }

  /**
   * Adds a record whose canonical bytes are source[start1, end1) ‖ source[start2, end2) — how
   * a record sits in transcript.json around its event's head member; returns the new head as hex.
   */
  addRecordSlicesHex(source: Buffer, start1: number, end1: number, start2: number, end2: number): string {
    this.nodeInput.write(this.leaves.ofTwoSlicesLatin1(source, start1, end1, start2, end2), 1 + HASH_LENGTH, "latin1");
    return this.advance();
  }

  private advance(): string {
    const headHex = hash("sha256", this.nodeInput, "hex");
    this.nodeInput.write(headHex, 1, "hex");
    this.count++;
    return headHex;
  }

  /** The current head (a copy). */
  get head(): Buffer {
    return Buffer.from(this.nodeInput.subarray(1, 1 + HASH_LENGTH));
  }
}

/** The heads of a sequence of records, in order. */
export function chainHeads(records: readonly JournalRecord[]): Buffer[] {
  const walker = new ChainWalker();
  return records.map((r) => walker.addRecordJson(recordJson(r)));
}

/** First MILESTONE_DIGITS hex digits of a head, for witnesses to write down by hand. */
export function milestoneOf(headHex: string): string {
  return headHex.slice(0, MILESTONE_DIGITS);
}

/**
 * The sentence both the journal and the transcript verifier use when a head does not match, so an
 * officer sees the same words whichever one caught it.
 */
export function chainBreakProblem(seq: number): string {
  return seq === 0 ? "event 0: hash does not chain from the start of the journal" : `event ${seq}: hash does not chain from event ${seq - 1}`;
}

const RECORD_MEMBERS = ["actor", "body", "ceremonyId", "seq", "time", "type"] as const;
export const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEAD_HEX = /^[0-9a-f]{64}$/;

/**
 * What is wrong with a value that should be a journal record (with `head` too when `withHead`),
 * or null. Exact members only: an extra member would be signed but not hashed into the chain.
 */
export function recordShapeProblem(value: unknown, withHead = false): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "is not an object";
  const r = value as Record<string, unknown>;
  let members = 0;
  for (const key in r) {
    if (!Object.hasOwn(r, key)) continue;
    members++;
    if (!(RECORD_MEMBERS as readonly string[]).includes(key) && !(withHead && key === "head")) members = -Infinity;
  }
  if (members !== RECORD_MEMBERS.length + (withHead ? 1 : 0) || (withHead && !Object.hasOwn(r, "head"))) {
    return `must have exactly the members ${[...RECORD_MEMBERS, ...(withHead ? ["head"] : [])].join(", ")}`;
  }
  if (typeof r.ceremonyId !== "string" || r.ceremonyId === "") return "has no ceremonyId";
  if (typeof r.seq !== "number" || !Number.isSafeInteger(r.seq) || r.seq < 0) return "has a seq that is not a whole number";
  if (typeof r.time !== "string" || !ISO_UTC_MS.test(r.time)) return "has a time that is not UTC ISO-8601 with milliseconds";
  if (typeof r.actor !== "string" || r.actor === "") return "has no actor";
  if (typeof r.type !== "string" || r.type === "") return "has no type";
  if (r.body === null || typeof r.body !== "object" || Array.isArray(r.body)) return "has a body that is not an object";
  if (withHead && (typeof r.head !== "string" || !HEAD_HEX.test(r.head))) return "has a head that is not 64 lowercase hex digits";
  return null;
}
