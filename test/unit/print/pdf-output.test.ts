import { describe, expect, it } from "vitest";
import { renderShareCard, renderTranscriptSummary, renderWitnessSheet } from "../../../src/print/index.ts";
import { hexLines } from "../../../src/print/hex-lines.ts";
import { renderPdf, type Pdf } from "../../../src/print/pdf-document.ts";
import { truncateToWidth, widthOf, wrapToWidth, type Type } from "../../../src/print/text-fit.ts";
import { fakeHex, fakeShareCard, fakeTranscriptSummary, fakeWitnessSheet } from "./print-fixtures.ts";

describe("PDF output", () => {
  it.each([
    ["share card", () => renderShareCard(fakeShareCard(1))],
    ["witness sheet", () => renderWitnessSheet(fakeWitnessSheet())],
    ["transcript summary", () => renderTranscriptSummary(fakeTranscriptSummary())],
  ])("%s is the same bytes on every render, dated from its input", async (_, render) => {
    const [a, b] = [await render(), await render()];
    expect(a.subarray(0, 5).toString()).toBe("%PDF-");
    expect(a.equals(b)).toBe(true);
    // pdfkit writes Info strings uncompressed; the date is the ceremony's, not the clock's.
    expect(a.toString("latin1")).toContain("(D:20250603094100Z)");
  });
});

describe("text fitting", () => {
  const type: Type = { font: "Helvetica", size: 10 };

  it("wraps at spaces, never wider than asked, and breaks an over-long word", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const lines = wrapToWidth(doc, type, `Group Treasury ${"x".repeat(80)} Operations`, 120);
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) expect(widthOf(doc, type, line)).toBeLessThanOrEqual(120);
      expect(lines[0]).toBe("Group Treasury");
      expect(lines.join("").replace(/ /g, "")).toBe(`GroupTreasury${"x".repeat(80)}Operations`);
      doc.addPage();
    });
  });

  it("breaks an over-long ID after a hyphen, not inside its random part", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const id = "intermediate-signing-20261201-73051b";
      const width = widthOf(doc, type, "intermediate-signing-20261201-7");
      const lines = wrapToWidth(doc, type, `${id} seq 48`, width);
      expect(lines).toEqual(["intermediate-signing-20261201-", "73051b seq 48"]);
      for (const line of lines) expect(widthOf(doc, type, line)).toBeLessThanOrEqual(width);
      doc.addPage();
    });
  });

  it("ends the last kept line with an ellipsis when lines run out", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const lines = wrapToWidth(doc, type, "one two three four five six seven eight nine ten", 60, 2);
      expect(lines).toHaveLength(2);
      expect(lines[1]?.endsWith("…")).toBe(true);
      expect(truncateToWidth(doc, type, "short", 100)).toBe("short");
      doc.addPage();
    });
  });

  it("splits a SHA-256 into two equal lines of eight groups", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const lines = hexLines(doc, { font: "Courier-Bold", size: 12 }, fakeHex("x", 32), 300);
      expect(lines.map((l) => l.split(" ").length)).toEqual([8, 8]);
      doc.addPage();
    });
  });

  // Fitting measures with its own sums of pdfkit's metrics; pdfkit's own measure is the oracle.
  const FONTS = ["Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Courier", "Courier-Bold"] as const;
  const SAMPLES = ["AVATAR To Wy. LT Yo", "Ærøskøbing — “quoted” … €5", "KCV-ECB0 F290 00", "Amara Okonkwo-Castellanos", "", " ", "Ж\u0308"];
  const oracle = (doc: Pdf, type: Type, text: string): number => doc.font(type.font).fontSize(type.size).widthOfString(text);

  it("measures text exactly as pdfkit does, in every font and size", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      for (const font of FONTS) {
        for (const size of [6, 7.5, 8.5, 10.5, 13, 30]) {
          for (const text of SAMPLES) expect(widthOf(doc, { font, size }, text), `${font} ${size} ${text}`).toBe(oracle(doc, { font, size }, text));
        }
      }
      doc.addPage();
    });
  });

  it("cuts text to the longest start that fits with its ellipsis", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const text = "Dolores Fitzgerald-Abernathy  ·  AVATAR To Wy. Treasury";
      for (const font of FONTS) {
        const type: Type = { font, size: 9 };
        for (let width = 10; width < oracle(doc, type, text); width += 17) {
          const cut = truncateToWidth(doc, type, text, width);
          expect(cut.endsWith("…")).toBe(true);
          const kept = cut.slice(0, -1);
          expect(text.startsWith(kept)).toBe(true);
          if (kept !== "") expect(oracle(doc, type, cut)).toBeLessThanOrEqual(width);
          for (let end = 0; end <= text.length; end++) {
            const longer = text.slice(0, end).trimEnd();
            if (longer.length > kept.length) expect(oracle(doc, type, `${longer}…`), `${font} ${width}: "${longer}…" fits too`).toBeGreaterThan(width);
          }
        }
      }
      doc.addPage();
    });
  });

  it("fills each wrapped line with as many words as fit", async () => {
    await renderPdf({ title: "t", subject: "s", date: new Date(0) }, (doc) => {
      const text = "Seal each card in a tamper-evident bag AVATAR To Wy. and record the bag numbers; “quoted” words — and a €5 note";
      for (const font of FONTS) {
        const type: Type = { font, size: 10 };
        for (let width = 90; width < 400; width += 13) {
          const lines = wrapToWidth(doc, type, text, width);
          expect(lines.join(" ")).toBe(text);
          lines.forEach((line, i) => {
            expect(oracle(doc, type, line)).toBeLessThanOrEqual(width);
            const next = lines[i + 1]?.split(" ")[0];
            if (next !== undefined) expect(oracle(doc, type, `${line} ${next}`)).toBeGreaterThan(width);
          });
        }
      }
      doc.addPage();
    });
  });
});
