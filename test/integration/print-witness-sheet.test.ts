import { describe, expect, it } from "vitest";
import { formatHexGroups, pgpWords } from "../../src/common/index.ts";
import { renderWitnessSheet } from "../../src/print/index.ts";
import { fakeSixteenHolderWitnessSheet, fakeWitnessSheet } from "../unit/print/print-fixtures.ts";
import { boxesOutside, flatText, overlappingWords, pageCount, pdfText, wordBoxes } from "./print-tools.ts";

describe("witness sign-off sheet", () => {
  it("shows the checkpoint and the transcript signer's fingerprint as hex groups and PGP words", async () => {
    const input = fakeWitnessSheet();
    const flat = flatText(await renderWitnessSheet(input));
    expect(flat).toContain(input.checkpoint.ceremonyId);
    expect(flat).toContain(`EVENTS journal records, seq 0 to count-1 ${input.checkpoint.eventCount}`);
    const head = formatHexGroups(input.checkpoint.head);
    expect(flat).toContain(`${head.slice(0, 39)} ${head.slice(40)}`);
    const signer = formatHexGroups(input.transcriptSigner.spkiSha256);
    expect(flat).toContain(`${signer.slice(0, 39)} ${signer.slice(40)}`);
    expect(flat).toContain(pgpWords(input.transcriptSigner.spkiSha256).join(" "));
  });

  it("lists every participant, with a signature line each, and every step with its witnesses", async () => {
    const input = fakeWitnessSheet();
    const flat = flatText(await renderWitnessSheet(input));
    for (const p of input.participants) {
      expect(flat).toContain(p.role);
      expect(flat).toContain(p.organisation);
    }
    expect(flat).toContain("Rosa Delgado");
    expect(flat).toContain("Tomasz Wisniewski"); // ś has no WinAnsi glyph
    for (const step of input.steps) expect(flat).toContain(`${step.number} ${step.title}`);
    expect(flat).toContain("By signing I confirm");
  });

  it("goes onto several pages for 40 steps, every title whole and no text overflowing", async () => {
    const input = fakeWitnessSheet({ steps: 40 });
    const pdf = await renderWitnessSheet(input);
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThan(1);
    const flat = flatText(pdf);
    for (const step of input.steps) expect(flat, `step ${step.number}`).toContain(`${step.number} ${step.title}`);
    const boxes = wordBoxes(pdf);
    expect(boxesOutside(boxes)).toEqual([]);
    expect(overlappingWords(boxes)).toEqual([]);
    for (let page = 1; page <= pages; page++) expect(pdfText(pdf, "raw", page)).toContain(`page ${page} of ${pages}`);
  });

  it("takes 16 holders: a box each on the shared step, a signature line each, the fingerprint on every signature page", async () => {
    const input = fakeSixteenHolderWitnessSheet();
    const pdf = await renderWitnessSheet(input);
    const flat = flatText(pdf);
    const signer = formatHexGroups(input.transcriptSigner.spkiSha256);
    for (let i = 1; i <= 16; i++) expect(flat).toMatch(new RegExp(`Holder ${i} \\S+ Share holder · `));
    expect((flat.match(/initials time/g) ?? []).length).toBe(input.steps.reduce((n, s) => n + s.witnessIds.length, 0));
    const pages = pageCount(pdf);
    const signaturePages = Array.from({ length: pages }, (_, i) => pdfText(pdf, "raw", i + 1)).filter((t) => t.includes("SIGNATURE"));
    expect(signaturePages.length).toBeGreaterThan(1);
    for (const text of signaturePages) expect(text.replace(/\s+/g, " ")).toContain(signer.slice(0, 39));
    const boxes = wordBoxes(pdf);
    expect(boxesOutside(boxes)).toEqual([]);
    expect(overlappingWords(boxes)).toEqual([]);
  });

  it("marks every page of a rehearsal", async () => {
    const pdf = await renderWitnessSheet(fakeWitnessSheet({ steps: 40, rehearsal: true }));
    for (let page = 1; page <= pageCount(pdf); page++) {
      expect(pdfText(pdf, "raw", page)).toContain("REHEARSAL — NOT A REAL CEREMONY");
    }
    expect(flatText(await renderWitnessSheet(fakeWitnessSheet()))).not.toContain("NOT A REAL CEREMONY");
  });
});
