/**
 * pdfkit loads with fontkit, linebreak and @noble/ciphers' AES deferred (src/print/pdf-document.ts):
 * printing loads none of them, and each stand-in loads the real module when something does use it.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { expect, it } from "vitest";
import { renderShareCard, renderTranscriptSummary, renderWitnessSheet } from "../../../src/print/index.ts";
import { fakeShareCard, fakeTranscriptSummary, fakeWitnessSheet } from "./print-fixtures.ts";

const requireCjs = createRequire(import.meta.url);
/** Whether a module of fontkit's own (restructure), of linebreak's (unicode-trie) or of AES's (@noble/ciphers/_polyval.js) has been loaded in this process. */
const loaded = (dependency: string): boolean => Object.keys(requireCjs.cache).some((path) => path.includes(`/node_modules/${dependency}`));
const standIn = (name: string): Record<string, unknown> & (new (text: string) => { nextBreak(): unknown }) =>
  requireCjs.cache[requireCjs.resolve(name, { paths: [dirname(requireCjs.resolve("pdfkit"))] })]?.exports;

it("prints a card, a witness sheet and a summary (centred and right-aligned lines included) without loading fontkit, linebreak or AES", async () => {
  for (const pdf of await Promise.all([renderShareCard(fakeShareCard(1)), renderWitnessSheet(fakeWitnessSheet()), renderTranscriptSummary(fakeTranscriptSummary())])) {
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  }
  expect(loaded("restructure")).toBe(false);
  expect(loaded("unicode-trie")).toBe(false);
  expect(loaded("@noble/ciphers/_polyval.js")).toBe(false);
});

it("a stand-in loads the real module on first use", () => {
  expect(typeof standIn("fontkit").create).toBe("function");
  expect(loaded("restructure")).toBe(true);
  const breaker = new (standIn("linebreak"))("two words");
  expect(breaker.nextBreak()).toMatchObject({ position: 4 });
  expect(loaded("unicode-trie")).toBe(true);
  const aes = standIn("@noble/ciphers/aes") as unknown as { cbc(key: Uint8Array, iv: Uint8Array): { encrypt(data: Uint8Array): Uint8Array } };
  expect(aes.cbc(new Uint8Array(16), new Uint8Array(16)).encrypt(new Uint8Array(16))).toHaveLength(32);
  expect(loaded("@noble/ciphers/_polyval.js")).toBe(true);
});
