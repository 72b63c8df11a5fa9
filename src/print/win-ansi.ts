/**
 * The built-in PDF fonts (Helvetica, Courier) only carry the WinAnsi (CP1252) glyphs; pdfkit
 * silently prints garbage for anything else. Names and titles come from people, so they are
 * brought into WinAnsi here: accents that WinAnsi lacks are dropped ("Łukasz" → "Lukasz",
 * "Wałęsa" → "Walesa") and characters with no Latin form become "?".
 */

// CP1252 0x80-0x9F: the characters it adds to Latin-1 (pdfkit's WIN_ANSI_MAP).
const CP1252_EXTRAS = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

// Latin letters with a stroke or a special form do not decompose under NFD.
const LATIN_FALLBACKS: Record<string, string> = {
  Ł: "L", ł: "l", Đ: "D", đ: "d", Ħ: "H", ħ: "h", ı: "i", Ŀ: "L", ŀ: "l", Ŧ: "T", ŧ: "t",
  ĸ: "k", Ŋ: "N", ŋ: "n", ſ: "s", Ǝ: "E", ə: "e", "\u2212": "-", "\u2010": "-", "\u2011": "-",
};

function isWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRAS.has(ch);
}

function toWinAnsiChar(ch: string): string {
  if (isWinAnsi(ch)) return ch;
  if (/\s/.test(ch)) return " ";
  const fallback = LATIN_FALLBACKS[ch];
  if (fallback !== undefined) return fallback;
  const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
  if (base.length > 0 && [...base].every(isWinAnsi)) return base;
  return "?";
}

/**
 * Text made only of WinAnsi characters, as nearly every line is: it prints as it is. (NFC leaves
 * these characters alone, none of them composes with another, so the slow path would return it unchanged.)
 */
const ALREADY_WIN_ANSI = new RegExp(`^[\\x20-\\x7e\\xa0-\\xff${[...CP1252_EXTRAS].join("")}]*$`);

/** `text` as the built-in fonts can draw it (see above). */
export function winAnsi(text: string): string {
  if (ALREADY_WIN_ANSI.test(text)) return text;
  let out = "";
  for (const ch of text.normalize("NFC")) out += toWinAnsiChar(ch);
  return out;
}
