/**
 * Share text as a holder gives it: typed words, or the QR code's "CWS1:WORD WORD …" as a USB
 * scanner types it. Card numbering ("1." before a word) and the prefix are not words.
 */
export function wordsFromText(text: string): string[] {
  return text
    .replace(/^\s*cws\d+:/i, "")
    .split(/\s+/)
    .map((t) => t.replace(/^\d+[.):]?/, "").replace(/[^A-Za-z]/g, "").toLowerCase())
    .filter((t) => t !== "");
}

/** The text sent to the core: the scanned text as scanned, or the typed words. */
export function shareText(words: string[]): string {
  return words.filter((w) => w !== "").join(" ");
}
