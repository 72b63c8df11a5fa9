/**
 * Trust anchors for `verify` (docs/architecture.md, "Trust anchor"): the fingerprint of the
 * transcript-signing key as witnesses wrote it on the witness sheet — 64 hex digits (spaces and
 * colons allowed) or its 32 PGP words — or that key's PEM. Anything else, including an empty
 * value, is an error: a failed copy of the expected key must never turn the check off.
 */
import { CeremonyError } from "../errors.ts";
import { PGP_EVEN_WORDS, PGP_ODD_WORDS } from "../common/index.ts";
import { keyIdOf, spkiDerOf, transcriptSignerKey } from "./dsse.ts";

export class AnchorError extends CeremonyError {
  constructor(message: string) {
    super("SIGNER_ANCHOR_INVALID", message);
  }
}

const FORMS = "the signer's PEM file, its SHA-256 fingerprint (64 hex digits) or its 32 PGP words, as on the witness sheet";
const EVEN_INDEX = new Map(PGP_EVEN_WORDS.map((w, i) => [w.toLowerCase(), i]));
const ODD_INDEX = new Map(PGP_ODD_WORDS.map((w, i) => [w.toLowerCase(), i]));

/** SPKI SHA-256 (lowercase hex) of a PEM public key or certificate holding the transcript-signing key. */
export function anchorFromPem(pem: string, source: string): string {
  if (!pem.includes("-----BEGIN ")) throw new AnchorError(`${source} holds no PEM key (no -----BEGIN line). Give ${FORMS}.`);
  try {
    return keyIdOf(spkiDerOf(transcriptSignerKey(pem)));
  } catch (e) {
    throw new AnchorError(`${source} is not a transcript-signing key: ${(e as Error).message}`);
  }
}

function fromWords(words: string[]): string {
  const bytes = words.map((word, position) => {
    const table = position % 2 === 0 ? EVEN_INDEX : ODD_INDEX;
    const value = table.get(word.toLowerCase());
    if (value === undefined) {
      const other = (position % 2 === 0 ? ODD_INDEX : EVEN_INDEX).has(word.toLowerCase());
      throw new AnchorError(
        `--signer: word ${position + 1} "${word}" ${other ? "belongs to the other PGP list (a word was dropped or repeated before it)" : "is not a PGP word"}. Copy the 32 words from the witness sheet in order.`,
      );
    }
    return value;
  });
  return Buffer.from(bytes).toString("hex");
}

/**
 * SPKI SHA-256 (lowercase hex) from a fingerprint typed as hex or PGP words. Returns null when
 * the text looks like neither (the caller then treats it as a file name).
 */
export function anchorFromText(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "") throw new AnchorError(`--signer is empty. Give ${FORMS}.`);
  const hex = trimmed.replace(/[\s:]/g, "");
  if (/^[0-9a-fA-F]+$/.test(hex)) {
    if (hex.length !== 64) throw new AnchorError(`--signer: a SHA-256 fingerprint has 64 hex digits, this has ${hex.length}. Copy it again from the witness sheet.`);
    return hex.toLowerCase();
  }
  const words = trimmed.split(/[\s,]+/);
  if (words.length > 1 && words.every((w) => /^[A-Za-z]+$/.test(w))) {
    if (words.length !== 32) throw new AnchorError(`--signer: a fingerprint is 32 PGP words, this has ${words.length}. Copy them again from the witness sheet.`);
    return fromWords(words);
  }
  return null;
}
