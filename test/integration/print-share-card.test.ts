import { beforeAll, describe, expect, it } from "vitest";
import { formatHexGroups } from "../../src/common/index.ts";
import { renderShareCard, type ShareCardInput } from "../../src/print/index.ts";
import { fakeShareCard } from "../unit/print/print-fixtures.ts";
import { boxesOutside, decodeQrCodes, flatText, overlappingWords, pageCount, pdfInfo, pdfText, wordBoxes } from "./print-tools.ts";

/** The holders' names as the built-in fonts print them (Ł has no WinAnsi glyph). */
const PRINTED_NAMES: Record<number, string> = {
  1: "Amara Okonkwo-Castellanos",
  2: "Bjørn Lukasiewicz",
  3: "Chen Wei",
  4: "Dolores Fitzgerald-Abernathy",
  5: "Émile Zoë Durand",
};

interface RenderedCard {
  input: ShareCardInput;
  pdf: Buffer;
  layout: string;
  flat: string;
}

/** "n. word" pairs as pdftotext lays out the grid, by number. */
function numberedWords(layout: string): Map<number, string> {
  const pairs = new Map<number, string>();
  for (const m of layout.matchAll(/(?<![\w.])(\d{1,3})\.\s+([a-z]+)\b/g)) {
    const n = Number(m[1]);
    expect(pairs.has(n), `number ${n} printed twice`).toBe(false);
    pairs.set(n, m[2] as string);
  }
  return pairs;
}

describe.each([false, true])("a 3-of-5 share set (rehearsal: %s)", (rehearsal) => {
  const cards: RenderedCard[] = [];

  beforeAll(async () => {
    for (let index = 1; index <= 5; index++) {
      const input = fakeShareCard(index, { rehearsal });
      const pdf = await renderShareCard(input);
      cards.push({ input, pdf, layout: pdfText(pdf, "layout"), flat: flatText(pdf) });
    }
  });

  it.each([1, 2, 3, 4, 5])("card %i's QR code scans back to exactly its qrText at 150 dpi", (index) => {
    const card = cards[index - 1] as RenderedCard;
    expect(decodeQrCodes(card.pdf, 1, 150)).toEqual([card.input.share.qrText]);
  });

  it.each([1, 2, 3, 4, 5])("card %i is one A4 page naming its holder, share, KCVs and digests", (index) => {
    const { input, pdf, flat } = cards[index - 1] as RenderedCard;
    expect(pageCount(pdf)).toBe(1);
    expect(flat).toContain(PRINTED_NAMES[index]);
    expect(flat).toContain(`Share ${index} of 5`);
    expect(flat).toContain("3 needed to recover");
    expect(flat).toContain("F290 00");
    expect(flat).toContain("3778 22C0 93");
    expect(flat).toContain(formatHexGroups(input.share.setId));
    expect(flat).toContain(input.ceremonyId);
    expect(flat).toContain(input.keyLabel);
    expect(flat).toContain("docs/share-format.md");
    // Digests are split into balanced lines; every group is printed, in order.
    for (const hex of [input.share.fingerprint, input.wrappedKey.hex, input.wrappedKey.sha256]) {
      expect(flat).toContain(formatHexGroups(hex).slice(0, 19));
      expect(flat.replace(/ /g, "")).toContain(hex.toUpperCase());
    }
  });

  it.each([1, 2, 3, 4, 5])("card %i prints its words in order, each with its number", (index) => {
    const { input, layout } = cards[index - 1] as RenderedCard;
    const printed = numberedWords(layout);
    expect([...printed.keys()].sort((a, b) => a - b)).toEqual(input.share.words.map((_, i) => i + 1));
    input.share.words.forEach((word, i) => expect(printed.get(i + 1), `word ${i + 1}`).toBe(word));
  });

  it.each([1, 2, 3, 4, 5])("card %i carries no other holder's words or name", (index) => {
    const { input, flat } = cards[index - 1] as RenderedCard;
    const tokens = new Set(flat.split(/[^a-z]+/));
    const own = new Set(input.share.words);
    for (const other of cards.filter((c) => c.input.share.index !== index)) {
      // The other card's fixed text ("bring", "card"…) is on every card and is no leak.
      const fixedText = new Set(other.flat.split(/[^a-z]+/).filter((t) => !other.input.share.words.includes(t)));
      const leaked = other.input.share.words.filter((w) => !own.has(w) && tokens.has(w) && !fixedText.has(w));
      expect(leaked, `words of share ${other.input.share.index} on card ${index}`).toEqual([]);
      expect(flat).not.toContain(PRINTED_NAMES[other.input.share.index]);
    }
  });

  it("keeps all text inside the area that prints on both A4 and US Letter, without collisions", () => {
    for (const card of cards) {
      const boxes = wordBoxes(card.pdf);
      expect(boxesOutside(boxes)).toEqual([]);
      expect(overlappingWords(boxes)).toEqual([]);
    }
  });

  it(rehearsal ? "marks every page as a rehearsal" : "carries no rehearsal mark", () => {
    for (const card of cards) {
      if (rehearsal) {
        for (let page = 1; page <= pageCount(card.pdf); page++) {
          expect(pdfText(card.pdf, "raw", page)).toContain("REHEARSAL — NOT A REAL SHARE");
        }
      } else {
        expect(card.flat).not.toMatch(/rehearsal|not a real share/i);
      }
    }
  });
});

describe("share card edge cases", () => {
  it("gives identical bytes for identical input, dated from the ceremony", async () => {
    const input = fakeShareCard(1);
    const [a, b] = await Promise.all([renderShareCard(input), renderShareCard(input)]);
    expect(a.equals(b)).toBe(true);
    const later = await renderShareCard({ ...input, ceremonyDate: "2025-06-04T09:41:00Z" });
    expect(later.equals(a)).toBe(false);
  });

  it("names the share in the PDF metadata but keeps its words out", async () => {
    const input = fakeShareCard(2, { rehearsal: true });
    const info = pdfInfo(await renderShareCard(input));
    expect(info["Title"]).toBe("REHEARSAL Share 2 of 5: payments-kek-2025, Bjørn Lukasiewicz");
    expect(info["CreationDate"]).toMatch(/2025/);
    const metadata = Object.values(info).join(" ");
    for (const word of input.share.words) expect(metadata).not.toMatch(new RegExp(`\\b${word}\\b`));
  });

  it("prints share 255 of 255 and share 16 of 16 on one page within the margins", async () => {
    for (const [index, k, n] of [
      [255, 200, 255],
      [16, 9, 16],
    ] as const) {
      const base = fakeShareCard(1);
      const pdf = await renderShareCard({ ...base, share: { ...base.share, index, k, n } });
      expect(pageCount(pdf)).toBe(1);
      expect(flatText(pdf)).toContain(`Share ${index} of ${n} — ${k} needed to recover`);
      expect(boxesOutside(wordBoxes(pdf))).toEqual([]);
    }
  });

  it("wraps and cuts very long holder names and organisations instead of running off the card", async () => {
    const base = fakeShareCard(1);
    const name = "Maximiliana Alexandrovna Wolfeschlegelsteinhausenbergerdorff-Vanderbilt Featherstonehaugh-Cholmondeley III";
    const pdf = await renderShareCard({
      ...base,
      holder: { name, role: "Share holder and alternate key custodian for the European region", organisation: "Group Treasury, Payments Infrastructure and Settlement Operations Division, London and Frankfurt" },
    });
    const boxes = wordBoxes(pdf);
    expect(pageCount(pdf)).toBe(1);
    expect(boxesOutside(boxes)).toEqual([]);
    expect(overlappingWords(boxes)).toEqual([]);
    expect(flatText(pdf)).toContain("Maximiliana Alexandrovna");
    expect(decodeQrCodes(pdf)).toEqual([base.share.qrText]);
  });

  it("continues a long word list on a second page, numbered, with the QR still readable", async () => {
    const input = fakeShareCard(3, { wordCount: 90, rehearsal: true });
    const pdf = await renderShareCard(input);
    expect(pageCount(pdf)).toBe(2);
    const printed = numberedWords(pdfText(pdf, "layout"));
    input.share.words.forEach((word, i) => expect(printed.get(i + 1), `word ${i + 1}`).toBe(word));
    expect(pdfText(pdf, "raw", 2)).toContain("REHEARSAL — NOT A REAL SHARE");
    expect(pdfText(pdf, "raw", 2)).toContain("Share 3 of 5, continued");
    expect(decodeQrCodes(pdf)).toEqual([input.share.qrText]);
    expect(boxesOutside(wordBoxes(pdf))).toEqual([]);
  });

  it("fits a short 12-word share on one page", async () => {
    const input = fakeShareCard(4, { wordCount: 12 });
    const pdf = await renderShareCard(input);
    expect(pageCount(pdf)).toBe(1);
    expect(decodeQrCodes(pdf)).toEqual([input.share.qrText]);
  });
});
