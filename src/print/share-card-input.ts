import { PrintInputError } from "./errors.ts";
import { winAnsi } from "./win-ansi.ts";
import {
  requireArray,
  requireHex,
  requireInteger,
  requireIsoDate,
  requireText,
} from "./validate.ts";

/** Everything one share holder's card shows. Plain data; hex in either case. */
export interface ShareCardInput {
  /** Rehearsal cards carry "REHEARSAL — NOT A REAL SHARE" on every page. */
  rehearsal: boolean;
  ceremonyId: string;
  /** ISO-8601; also the PDF's creation date, so the same input gives the same bytes. */
  ceremonyDate: string;
  keyLabel: string;
  /** First 3 bytes of AES-ECB(key, 0^16): 6 hex digits. */
  kcvEcb0: string;
  /** First 5 bytes of AES-CMAC(key, 0^16): 10 hex digits. */
  kcvCmac: string;
  holder: { name: string; role: string; organisation: string };
  share: {
    /**
     * The number the card shows as "Share i of n", 1-255. Callers print the card number (1..n);
     * the Shamir x coordinate travels inside the words, so the card does not need to state it.
     */
    index: number;
    k: number;
    n: number;
    setId: string;
    /** The encoded share, in order. Printed numbered from 1. */
    words: readonly string[];
    /** Exactly what the QR code must decode to. */
    qrText: string;
    /** SHA-256 of the share, 64 hex digits. */
    fingerprint: string;
  };
  /** The key wrapped under the escrow key (RFC 5649); printed so that k cards alone suffice. */
  wrappedKey: { hex: string; sha256: string };
  /** SPKI SHA-256 of the transcript-signing key, when the card should point at the bundle's signer. */
  bundleSigner?: { fingerprint: string };
}

/** The longest word a card prints on one line; anything longer is not a word of a share encoding. */
export const MAX_WORD_LENGTH = 40;

export function validateShareCardInput(input: ShareCardInput): void {
  if (typeof input.rehearsal !== "boolean") throw new PrintInputError("rehearsal", "must be true or false");
  requireText(input.ceremonyId, "ceremonyId", 100);
  requireIsoDate(input.ceremonyDate, "ceremonyDate");
  requireText(input.keyLabel, "keyLabel", 100);
  requireHex(input.kcvEcb0, "kcvEcb0", 6);
  requireHex(input.kcvCmac, "kcvCmac", 10);
  requireText(input.holder?.name, "holder.name", 200);
  requireText(input.holder.role, "holder.role", 200);
  requireText(input.holder.organisation, "holder.organisation", 200);
  const { share } = input;
  const n = requireInteger(share?.n, "share.n", 1, 255);
  const k = requireInteger(share.k, "share.k", 1, 255);
  if (k > n) throw new PrintInputError("share.k", `must not exceed share.n (${n}), got ${k}`);
  requireInteger(share.index, "share.index", 1, 255);
  requireHex(share.setId, "share.setId");
  if (share.setId.length > 64) throw new PrintInputError("share.setId", "must be at most 64 hex digits");
  requireHex(share.fingerprint, "share.fingerprint", 64);
  requireText(share.qrText, "share.qrText", 2000);
  requireArray(share.words, "share.words", 1).forEach((word, i) => {
    const path = `share.words[${i}]`;
    requireText(word, path, MAX_WORD_LENGTH);
    if (/\s/.test(word)) throw new PrintInputError(path, "must be a single word without spaces");
    // Names may be simplified for the built-in fonts; a share word may not, or the card lies.
    if (winAnsi(word) !== word) throw new PrintInputError(path, "has characters the card's font cannot print");
  });
  requireHex(input.wrappedKey?.hex, "wrappedKey.hex");
  if (input.wrappedKey.hex.length > 256) throw new PrintInputError("wrappedKey.hex", "must be at most 256 hex digits");
  requireHex(input.wrappedKey.sha256, "wrappedKey.sha256", 64);
  if (input.bundleSigner !== undefined) requireHex(input.bundleSigner.fingerprint, "bundleSigner.fingerprint", 64);
}
