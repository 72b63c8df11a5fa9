import { toBytes, toUpperHex, type BytesOrHex } from "./hex.ts";
import { PGP_EVEN_WORDS, PGP_ODD_WORDS } from "./pgp-word-list.ts";

/** A fingerprint in the two forms people read across a room (docs/formats.md). */
export interface ReadAloudFingerprint {
  /** Uppercase hex in groups of four digits: ["3F9A", "81C0", …]. */
  hexGroups: string[];
  /** One PGP word per byte, even/odd lists alternating. */
  words: string[];
}

/** Hex in groups of four uppercase digits, for layouts that wrap groups onto lines themselves. */
export function hexGroupList(input: BytesOrHex): string[] {
  const hex = toUpperHex(input);
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups;
}

/** "3F9A 81C0 …": uppercase hex in groups of four; a short tail group stays short ("F290 00"). */
export function formatHexGroups(input: BytesOrHex): string {
  return hexGroupList(input).join(" ");
}

/**
 * The PGP words for `input`, one per byte: position 0 uses the even (two-syllable) list, position 1
 * the odd (three-syllable) list, and so on.
 */
export function pgpWords(input: BytesOrHex): string[] {
  const bytes = toBytes(input);
  const words: string[] = [];
  bytes.forEach((byte, position) => {
    // Both tables hold 256 words, so every byte has one.
    words.push((position % 2 === 0 ? PGP_EVEN_WORDS : PGP_ODD_WORDS)[byte]!);
  });
  return words;
}

/** Both read-aloud forms of one fingerprint. */
export function fingerprintForReadAloud(input: BytesOrHex): ReadAloudFingerprint {
  return { hexGroups: hexGroupList(input), words: pgpWords(input) };
}
