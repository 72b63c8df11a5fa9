/**
 * Mutation operators for the fuzz tests: deterministic under fast-check's seed, so a failure
 * reproduces from the seed and path fast-check prints.
 */
import fc from "fast-check";

export type ByteMutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; byte: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "duplicate"; at: number; count: number }
  | { kind: "truncate"; at: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

export function applyBytes(seed: Uint8Array, ops: readonly ByteMutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % b.length;
    switch (op.kind) {
      case "flip":
        if (b.length) b[at] = (b[at]! ^ (1 << op.bit)) & 0xff;
        break;
      case "set":
        if (b.length) b[at] = op.byte;
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), op.bytes, b.subarray(at)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.count)]);
        break;
      case "duplicate":
        b = Buffer.concat([b.subarray(0, at + op.count), b.subarray(at, at + op.count), b.subarray(at + op.count)]);
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** Fragments that mean something to a YAML parser, or to our parameter substitution. */
const YAML_TOKENS = [": ", "- ", "\n", "\n  ", "  ", "{", "}", "[", "]", ",", "&a ", "*a", "!!binary ", "!!js/function ", "${x}", "${keyLabel}", "'", '"', "# ", "|", ">", "~", "<<: ", "---\n", "...\n", "%YAML 1.2\n", "? ", "\t", "\\u0000", "0x1F", "1e999", "-.inf", ".nan", "null", "true", "2027-01-31", "\uFEFF", "é", "\u202E"];

export type TextMutation =
  | { kind: "bytes"; op: ByteMutation }
  | { kind: "token"; at: number; token: string }
  | { kind: "rename-key"; which: number; name: string }
  | { kind: "duplicate-line"; which: number }
  | { kind: "delete-line"; which: number }
  | { kind: "swap-lines"; which: number }
  | { kind: "reindent"; which: number; by: number }
  | { kind: "value"; which: number; value: string };

const KEY_NAMES = ["id", "title", "version", "steps", "action", "type", "params", "parameters", "roles", "attestation", "count", "default", "pattern", "values", "min", "max", "label", "checklist", "performer", "show", "airGap", "policies", "participants", "token", "name", "role", "organisation", "attestationPin", "serial", "x-unknown", "Title", "steps2", "__proto__", "constructor"];
const VALUES = ["", "0", "-1", "1", "999999999999999999999", "3.5", "true", "null", "~", "[]", "{}", "[1, 2]", "'${nope}'", '"\\u0000"', "x".repeat(600), "EC-P384", "RSA-4096", "ca-signing", "internal-witness", "^[a-z]+$", "^(a+)+$", "[unclosed", "(?<=x)", "2027-13-45", "hsm.login", "key.generate-pair"];

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 3, arbitrary: byteMutation.map((op) => ({ kind: "bytes" as const, op })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("token" as const), at: fc.nat(), token: fc.constantFrom(...YAML_TOKENS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("rename-key" as const), which: fc.nat(), name: fc.oneof(fc.constantFrom(...KEY_NAMES), fc.string({ minLength: 1, maxLength: 12 })) }) },
  fc.record({ kind: fc.constant("duplicate-line" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("delete-line" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("swap-lines" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("reindent" as const), which: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("value" as const), which: fc.nat(), value: fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 20 })) }) },
);

const KEY_LINE = /^(\s*(?:- )?)([A-Za-z_$][\w$-]*)(:)/;

export function applyText(seed: string, ops: readonly TextMutation[]): string {
  let text = seed;
  for (const op of ops) {
    const lines = text.split("\n");
    const i = lines.length ? ("which" in op ? op.which : 0) % lines.length : 0;
    switch (op.kind) {
      case "bytes":
        text = applyBytes(Buffer.from(text, "utf8"), [op.op]).toString("utf8");
        break;
      case "token": {
        const at = text.length ? op.at % (text.length + 1) : 0;
        text = text.slice(0, at) + op.token + text.slice(at);
        break;
      }
      case "rename-key": {
        const keyed = lines.map((l, n) => (KEY_LINE.test(l) ? n : -1)).filter((n) => n >= 0);
        if (keyed.length) {
          const n = keyed[op.which % keyed.length]!;
          lines[n] = lines[n]!.replace(KEY_LINE, (_m, pre: string, _k: string, colon: string) => `${pre}${op.name}${colon}`);
        }
        text = lines.join("\n");
        break;
      }
      case "duplicate-line":
        lines.splice(i, 0, lines[i] ?? "");
        text = lines.join("\n");
        break;
      case "delete-line":
        lines.splice(i, 1);
        text = lines.join("\n");
        break;
      case "swap-lines": {
        const j = (i + 1) % Math.max(1, lines.length);
        [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
        text = lines.join("\n");
        break;
      }
      case "reindent": {
        const line = lines[i] ?? "";
        lines[i] = op.by >= 0 ? " ".repeat(op.by) + line : line.replace(new RegExp(`^ {0,${-op.by}}`), "");
        text = lines.join("\n");
        break;
      }
      case "value": {
        const keyed = lines.map((l, n) => (/:\s*\S/.test(l) ? n : -1)).filter((n) => n >= 0);
        if (keyed.length) {
          const n = keyed[op.which % keyed.length]!;
          lines[n] = lines[n]!.replace(/:\s*\S.*$/, `: ${op.value}`);
        }
        text = lines.join("\n");
        break;
      }
    }
  }
  return text;
}

/**
 * Runs `decode` and returns normally when it succeeds or throws one of `allowed`; rethrows
 * anything else, and fails a call that uses more than `maxMs` of CPU (a decoder must never hang).
 * CPU time, not the clock: a busy machine stretches the clock, not the work.
 */
export function onlyThrows(allowed: ReadonlyArray<abstract new (...a: never[]) => Error>, decode: () => unknown, maxMs = 1000): boolean {
  const started = process.cpuUsage();
  try {
    decode();
  } catch (e) {
    if (!allowed.some((c) => e instanceof c)) throw e;
  }
  const { user, system } = process.cpuUsage(started);
  const cpuMs = (user + system) / 1000;
  if (cpuMs > maxMs) throw new Error(`the decoder used ${cpuMs.toFixed(0)} ms of CPU`);
  return true;
}
