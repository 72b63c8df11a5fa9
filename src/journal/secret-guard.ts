/**
 * docs/architecture.md, Security invariants: no PIN, share, escrow key or plaintext key is written to the
 * journal. The engine should never try; this guard makes a mistake fail loudly instead of leaking.
 * It looks at member names and value types only — a secret hidden in an innocently named string
 * cannot be recognised, which is why actions journal fingerprints and check values, never inputs.
 *
 * Pure module: the transcript builder applies the same guard.
 */

// Compared after lowercasing and dropping "_" and "-", so so_pin, SO-PIN and soPin are one name.
const SECRET_NAMES = new Set(["pin", "pins", "sopin", "userpin", "secret", "share", "shares", "escrowkey", "keybytes", "plaintext"]);
const MAX_DEPTH = 64;

export interface SecretFinding {
  /** Where, e.g. `body.holders[1].share`. */
  path: string;
  why: string;
}

// Member names repeat across thousands of events; remember the verdict for each one seen.
const verdicts = new Map<string, boolean>();
const MAX_REMEMBERED = 10_000;

function isSecretName(name: string): boolean {
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = SECRET_NAMES.has(name.toLowerCase().replace(/[_-]/g, ""));
    if (verdicts.size < MAX_REMEMBERED) verdicts.set(name, verdict);
  }
  return verdict;
}

function memberSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The first secret-looking member or binary value in `value`, or null. */
export function findSecret(value: unknown, path = "body"): SecretFinding | null {
  // Path segments are kept on a stack and joined only when something is found: the transcript
  // builder runs this over every event of a long ceremony.
  const segments: Array<string | number> = [];
  const found = search(value, segments, 0);
  return found === null ? null : { path: path + segments.map((s) => (typeof s === "number" ? `[${s}]` : memberSegment(s))).join(""), why: found };
}

/** Array indexes are kept as numbers and member names as strings, formatted only when reported. */
function search(value: unknown, segments: Array<string | number>, depth: number): string | null {
  if (value === null || typeof value !== "object") return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "binary values (Buffer/Uint8Array) may hold key material";
  // Deeper values are refused by canonical JSON anyway; stopping here keeps a cycle from looping.
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      segments.push(i);
      const found = search(value[i], segments, depth + 1);
      if (found !== null) return found;
      segments.pop();
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    segments.push(key);
    if (isSecretName(key)) return `a member named "${key}" holds a secret`;
    const found = search((value as Record<string, unknown>)[key], segments, depth + 1);
    if (found !== null) return found;
    segments.pop();
  }
  return null;
}

/**
 * Share words being typed right now, which no event may quote. Names alone cannot catch a word
 * inside a message ("word 20 'sped' is not in the word list; did you mean ... 'speed'?"), so the
 * journal is told the words a holder typed while their card is in use. A word counts as quoted
 * when quote marks surround it, as every message that names a word does; a bare word is not
 * refused, because the word list is plain English ("again", "card") and fixed sentences use it.
 */
export function findQuotedWord(value: unknown, words: ReadonlySet<string>, path = "body"): SecretFinding | null {
  if (words.size === 0) return null;
  const visit = (v: unknown, at: string, depth: number): SecretFinding | null => {
    if (typeof v === "string") {
      for (const m of v.toLowerCase().matchAll(/['"‘’“”]([a-z]+)['"‘’“”]/g)) {
        if (words.has(m[1]!)) return { path: at, why: "it quotes a word typed from a share card" };
      }
      return null;
    }
    if (v === null || typeof v !== "object" || depth >= MAX_DEPTH) return null;
    for (const [k, x] of Object.entries(v)) {
      const found = visit(x, Array.isArray(v) ? `${at}[${k}]` : `${at}${memberSegment(k)}`, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(value, path, 0);
}
