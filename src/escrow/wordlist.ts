/**
 * The BIP-39 English word list (2048 words, so one word carries 11 bits) and how typed words
 * are matched against it. BIP-39 chose the list so that the first four letters identify a word
 * (https://github.com/bitcoin/bips/blob/master/bip-0039/bip-0039-wordlists.md); holders may type
 * only those. A token that is neither a word nor a prefix of at least four letters is rejected
 * with a suggestion, never silently matched: the checksum would catch a wrong guess, but the
 * person should fix the word on the card they are reading, not learn to trust guesses.
 */
import { wordlist } from "@scure/bip39/wordlists/english.js";

export const WORDS: readonly string[] = wordlist;
const MIN_PREFIX_LENGTH = 4;
const MAX_SUGGESTION_DISTANCE = 2;

const indexByWord = new Map<string, number>(WORDS.map((w, i) => [w, i]));
const indexByPrefix = new Map<string, number>(WORDS.map((w, i) => [w.slice(0, MIN_PREFIX_LENGTH), i]));

/** The word's index 0..2047 for an exact word or a ≥4-letter prefix of one, else undefined. */
export function lookupWord(token: string): number | undefined {
  const t = token.toLowerCase();
  const exact = indexByWord.get(t);
  if (exact !== undefined) return exact;
  if (t.length < MIN_PREFIX_LENGTH) return undefined;
  const candidate = indexByPrefix.get(t.slice(0, MIN_PREFIX_LENGTH));
  if (candidate === undefined) return undefined;
  return WORDS[candidate]?.startsWith(t) ? candidate : undefined;
}

export function wordAt(index: number): string {
  const word = WORDS[index];
  if (word === undefined) throw new RangeError(`wordAt: index ${index} is outside 0..2047`);
  return word;
}

/**
 * Up to three list words the person probably meant: the word sharing the first four letters
 * (how the list is designed to be told apart), then the words nearest by edit distance with
 * adjacent transpositions (optimal string alignment), if at most two edits away.
 */
export function suggestWords(token: string): string[] {
  const t = token.toLowerCase();
  const suggestions: string[] = [];
  const byPrefix = t.length >= MIN_PREFIX_LENGTH ? indexByPrefix.get(t.slice(0, MIN_PREFIX_LENGTH)) : undefined;
  if (byPrefix !== undefined) suggestions.push(wordAt(byPrefix));
  let best = MAX_SUGGESTION_DISTANCE;
  let nearest: string[] = [];
  for (const word of WORDS) {
    const d = editDistance(t, word, best + 1);
    if (d > best) continue;
    if (d < best) nearest = [];
    best = d;
    nearest.push(word);
  }
  for (const w of nearest) if (!suggestions.includes(w)) suggestions.push(w);
  return suggestions.slice(0, 3);
}

/** Optimal-string-alignment distance, or `limit` as soon as it is clear the distance is ≥ limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  const first = rows[0] ?? [];
  for (let j = 0; j <= b.length; j++) first[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    const prev = rows[i - 1] ?? [];
    let rowMin = row[0] ?? i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= limit) return limit;
  }
  return Math.min(rows[a.length]?.[b.length] ?? limit, limit);
}
