/**
 * pdfkit loads with fontkit and linebreak deferred (src/print/pdf-document.ts): printing never
 * loads either, and each stand-in loads the real module when something does use it.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { expect, it } from "vitest";
import { renderShareCard, renderTranscriptSummary, renderWitnessSheet } from "../../../src/print/index.ts";
import { fakeShareCard, fakeTranscriptSummary, fakeWitnessSheet } from "./print-fixtures.ts";

const requireCjs = createRequire(import.meta.url);
/** Whether a module of fontkit's own (restructure) or of linebreak's (unicode-trie) has been loaded in this process. */
const loaded = (dependency: string): boolean => Object.keys(requireCjs.cache).some((path) => path.includes(`/node_modules/${dependency}/`));
const standIn = (name: string): Record<string, unknown> & (new (text: string) => { nextBreak(): unknown }) =>
  requireCjs.cache[requireCjs.resolve(name, { paths: [dirname(requireCjs.resolve("pdfkit"))] })]?.exports;

it("prints a card, a witness sheet and a summary (centred and right-aligned lines included) without loading fontkit or linebreak", async () => {
  for (const pdf of await Promise.all([renderShareCard(fakeShareCard(1)), renderWitnessSheet(fakeWitnessSheet()), renderTranscriptSummary(fakeTranscriptSummary())])) {
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  }
  expect(loaded("restructure")).toBe(false);
  expect(loaded("unicode-trie")).toBe(false);
});

it("a stand-in loads the real module on first use", () => {
  expect(typeof standIn("fontkit").create).toBe("function");
  expect(loaded("restructure")).toBe(true);
  const breaker = new (standIn("linebreak"))("two words");
  expect(breaker.nextBreak()).toMatchObject({ position: 4 });
  expect(loaded("unicode-trie")).toBe(true);
});
