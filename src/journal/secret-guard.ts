/**
 * DESIGN.md, Security invariants: no PIN, share, escrow key or plaintext key is written to the
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

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

function memberSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The first secret-looking member or binary value in `value`, or null. */
export function findSecret(value: unknown, path = "body"): SecretFinding | null {
  // Path segments are kept on a stack and joined only when something is found: the transcript
  // builder runs this over every event of a long ceremony.
  const segments: string[] = [path];
  const found = search(value, segments, 0);
  return found === null ? null : { path: segments.join(""), why: found };
}

function search(value: unknown, segments: string[], depth: number): string | null {
  if (value === null || typeof value !== "object") return null;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "binary values (Buffer/Uint8Array) may hold key material";
  // Deeper values are refused by canonical JSON anyway; stopping here keeps a cycle from looping.
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      segments.push(`[${i}]`);
      const found = search(value[i], segments, depth + 1);
      if (found !== null) return found;
      segments.pop();
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    segments.push(memberSegment(key));
    if (SECRET_NAMES.has(normalise(key))) return `a member named "${key}" holds a secret`;
    const found = search((value as Record<string, unknown>)[key], segments, depth + 1);
    if (found !== null) return found;
    segments.pop();
  }
  return null;
}
