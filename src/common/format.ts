/**
 * The one formatter for every value a person compares between surfaces: the terminal, the
 * screens, the printed cards and sheets, and the auditor's views all call these, so a KCV or a
 * fingerprint reads the same wherever it is read out. docs/formats.md gives each format and why.
 *
 * Display functions never throw: a value that is not what its kind expects (an old journal, a
 * placeholder "-") is shown as it is rather than hidden behind an error.
 */
import { fingerprintForReadAloud, formatHexGroups } from "./fingerprint.ts";
import { labelledLines, wrapWords } from "./terminal-text.ts";

const HEX_BYTES = /^(?:[0-9a-f]{2})+$/i;

/** Hex a person reads: uppercase, groups of four from the left ("B754 20", "3F9A 81C0 D2"). */
export function formatHex(hex: string): string {
  const digits = hex.replace(/[\s:]/g, "");
  return HEX_BYTES.test(digits) ? formatHexGroups(digits) : hex;
}

/** A key check value (KCV-ECB0, 3 bytes; KCV-CMAC, 5 bytes): "B754 20", "1A2B 3C4D 5E". */
export const formatKcv = formatHex;

/** An escrow share set's ID (5 random bytes from the HSM): "3F9A 81C0 D2". */
export const formatSetId = formatHex;

/** A PKCS#11 CKA_ID, in full: two keys can share a prefix. */
export const formatKeyId = formatHex;

/** A certificate or CRL serial number. */
export const formatSerial = formatHex;

/** A SHA-256 fingerprint (of an SPKI, a share, a file, a journal head): "3F9A 81C0 …" (16 groups). */
export const formatFingerprint = formatHex;

/**
 * The first 8 bytes of a fingerprint and "…", for a row in a list (key inventory, journal head)
 * that names a value shown in full elsewhere; never where people compare it.
 */
export function formatFingerprintPrefix(hex: string): string {
  const digits = hex.replace(/[\s:]/g, "");
  return HEX_BYTES.test(digits) && digits.length > 16 ? `${formatHex(digits.slice(0, 16))}…` : formatHex(hex);
}

/** The same fingerprint as PGP words, one per byte, space-separated; empty when it is not hex. */
export function fingerprintWords(hex: string): string[] {
  const digits = hex.replace(/[\s:]/g, "");
  return HEX_BYTES.test(digits) ? fingerprintForReadAloud(digits).words : [];
}

/**
 * A step output as it reads on every surface. A KCV output may carry two values ("recovered /
 * original"); each is formatted.
 */
export function formatOutputValue(o: { kind: "fingerprint" | "hex" | "kcv" | "text"; value: string }): string {
  switch (o.kind) {
    case "fingerprint":
      return formatFingerprint(o.value);
    case "hex":
      return formatHex(o.value);
    case "kcv":
      return o.value
        .split(" / ")
        .map((part) => formatKcv(part))
        .join(" / ");
    case "text":
      return o.value;
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");

/**
 * "2025-06-01 09:30:12 UTC": journal times are UTC, and a reader comparing paper to screen to
 * transcript should see the same clock, to the second. A date alone ("2026-10-01") stays a date.
 */
export function formatUtc(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${formatUtcDate(iso)} ${formatUtcClock(iso)} UTC`;
}

/** "2025-06-01" (UTC), where the time of day does not matter (a rotation due date). */
export function formatUtcDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** "09:30:12" (UTC), for times beside a date already given (a step within a ceremony). */
export function formatUtcClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

// Transcript output details whose whole value is hex a person compares.
const HEX_DETAILS = new Set(["kcvEcb0", "kcvCmac", "setId", "ckaId", "sha256", "spkiSha256", "serial", "serialHex"]);
const LEADING_HEX = /^((?:[0-9a-f]{2}){8,})(\s.*)?$/i;

/**
 * One detail of a transcript output ("kcvEcb0", "card1", …) as it reads on every surface: hex
 * values in groups; a fingerprint followed by a note ("3f9a… (Hana Holder)") keeps its note.
 */
export function formatOutputDetail(key: string, value: string): string {
  if (HEX_DETAILS.has(key)) return formatHex(value);
  const m = LEADING_HEX.exec(value);
  return m ? `${formatHex(m[1]!)}${m[2] ?? ""}` : value;
}

/** Whether a detail reads as hex (set in a monospace face on screen). */
export function isHexDetail(key: string, value: string): boolean {
  return HEX_DETAILS.has(key) || LEADING_HEX.test(value);
}

/**
 * A step output as lines of plain text (terminal, logs), each within the terminal's 100 columns:
 * "Label: value" (the value on its own line when both do not fit), then a fingerprint's PGP
 * words, eight to a line so the room can follow along word by word.
 */
export function outputTextLines(o: { label: string; kind: "fingerprint" | "hex" | "kcv" | "text"; value: string }, indent = ""): string[] {
  const lines = labelledLines(indent, o.label, formatOutputValue(o));
  const words = o.kind === "fingerprint" ? fingerprintWords(o.value) : [];
  for (let i = 0; i < words.length; i += 8) lines.push(...wrapWords(words.slice(i, i + 8).join(" "), `${indent}    `, `${indent}    `));
  return lines;
}
