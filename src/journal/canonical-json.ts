/**
 * Canonical JSON in the manner of RFC 8785 (JSON Canonicalization Scheme): object members sorted
 * by the UTF-16 code units of their names (§3.2.3), no whitespace, strings and numbers written as
 * ECMAScript's JSON.stringify writes them (§3.2.2.2, §3.2.2.3), UTF-8 output (§3.2.4).
 *
 * The journal hashes these bytes and the transcript signs them, so the same value must always give
 * the same bytes. Anything JSON cannot carry faithfully is refused rather than silently altered:
 * undefined, non-finite numbers, BigInt, functions, class instances such as Date or Map, and binary
 * data (Buffer/Uint8Array) — the last also because binary values in a record are usually key
 * material. Lone surrogates are refused because RFC 8785 §3.1 requires I-JSON (RFC 7493 §2.1).
 *
 * Pure module: src/transcript imports it, so it must never import better-sqlite3.
 */
import { CanonicalJsonError } from "./errors.ts";

// Deep enough for any record a ceremony writes; a cycle reaches it quickly instead of overflowing the stack.
const MAX_DEPTH = 64;

/** Thrown inside the recursion; each frame prepends its member name or index on the way out. */
class PathedProblem {
  readonly segments: string[] = [];
  constructor(readonly problem: string) {}
}

function describe(value: unknown): string {
  if (value === undefined) return "is undefined";
  if (typeof value === "number") return `is ${value}, which is not a finite number`;
  if (typeof value === "bigint") return "is a BigInt";
  if (typeof value === "function") return "is a function";
  if (typeof value === "symbol") return "is a symbol";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "is binary data (Buffer/Uint8Array)";
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return `is a ${ctor ?? "non-plain"} object`;
}

/** False when `s` holds a lone UTF-16 surrogate (String.prototype.isWellFormed, Node 20+; not yet in TypeScript's ES2023 lib). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function serializeString(s: string): string {
  if (!isWellFormed(s)) throw new PathedProblem("contains a lone UTF-16 surrogate");
  return JSON.stringify(s);
}

function serialize(value: unknown, depth: number, maxDepth: number): string {
  switch (typeof value) {
    case "string":
      return serializeString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new PathedProblem(describe(value));
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new PathedProblem(describe(value));
  }
  if (value === null) return "null";
  if (depth >= maxDepth) throw new PathedProblem(`is nested more than ${maxDepth} levels deep (is there a cycle?)`);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      try {
        if (!(i in value)) throw new PathedProblem("is a hole in a sparse array");
        out += serialize(value[i], depth + 1, maxDepth);
      } catch (e) {
        if (e instanceof PathedProblem) e.segments.unshift(`[${i}]`);
        throw e;
      }
    }
    return out + "]";
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new PathedProblem(describe(value));
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
  const keys = Object.keys(record).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    try {
      if (i > 0) out += ",";
      out += serializeString(key);
      out += ":";
      out += serialize(record[key], depth + 1, maxDepth);
    } catch (e) {
      if (e instanceof PathedProblem) e.segments.unshift(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
      throw e;
    }
  }
  return out + "}";
}

/**
 * Canonical JSON text of `value`. `name` starts the path in error messages ("body.items[2] is
 * undefined"); objects and arrays may nest `maxDepth` levels (64 unless a caller keeps room).
 */
export function canonicalJson(value: unknown, name = "value", maxDepth = MAX_DEPTH): string {
  try {
    return serialize(value, 0, maxDepth);
  } catch (e) {
    if (e instanceof PathedProblem) {
      throw new CanonicalJsonError(name + e.segments.join(""), e.problem, "Only JSON objects, arrays, strings, finite numbers, booleans and null can be written.");
    }
    throw e;
  }
}

/** Canonical JSON of `value` as UTF-8 bytes: what the journal hashes and the transcript signs. */
export function canonicalJsonBytes(value: unknown, name = "value"): Buffer {
  return Buffer.from(canonicalJson(value, name), "utf8");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly: invalid sequences throw, and a byte-order mark stays in the text (so it is not canonical). */
export function decodeUtf8Strict(bytes: Uint8Array, name = "value"): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new CanonicalJsonError(name, "is not valid UTF-8");
  }
}

/**
 * True when every object in `value` (a value from JSON.parse) lists its members in strictly
 * increasing UTF-16 order and nesting stays within what canonicalJson accepts at `depth`.
 */
export function membersSorted(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object") return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!membersSorted(item, depth + 1)) return false;
    return true;
  }
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    previous = key;
    if (!membersSorted((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * True when JSON text may hold an escaped lone surrogate (\uD800-\uDFFF). Strictly decoded UTF-8
 * cannot hold one raw, so an escape is the only way JSON.parse could have produced one.
 */
export function mayHoldSurrogateEscape(text: string): boolean {
  for (let i = text.indexOf("\\u"); i !== -1; i = text.indexOf("\\u", i + 2)) {
    if ((text.charCodeAt(i + 2) | 0x20) === 0x64 /* d or D */) return true;
  }
  return false;
}

/**
 * For a value parsed from `text`: true when `text` is proven to be its canonical JSON without
 * the generic serializer. JSON.stringify writes what RFC 8785 writes once members are in sorted
 * order and no string holds a lone surrogate. False means "not proven", not "not canonical".
 */
export function provenCanonical(text: string, value: unknown): boolean {
  return !mayHoldSurrogateEscape(text) && membersSorted(value) && JSON.stringify(value) === text;
}

/**
 * Parses bytes that must already be canonical JSON, and proves it by re-serializing: stray
 * whitespace, unsorted or duplicate members, other number spellings or escapes are all refused.
 */
export function parseCanonicalJson(bytes: Uint8Array, name = "value"): unknown {
  const text = decodeUtf8Strict(bytes, name);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CanonicalJsonError(name, "is not valid JSON");
  }
  if (!provenCanonical(text, value) && canonicalJson(value, name) !== text) {
    throw new CanonicalJsonError(name, "is not in canonical form (RFC 8785)");
  }
  return value;
}
