/**
 * pdfkit loads with fontkit deferred (src/print/pdf-document.ts): printing with the standard
 * fonts never loads fontkit, and the stand-in loads the real one when something does use it.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { expect, it } from "vitest";
import { renderShareCard } from "../../../src/print/index.ts";
import { fakeShareCard } from "./print-fixtures.ts";

const requireCjs = createRequire(import.meta.url);
/** Whether a module of fontkit's own (its dependency restructure) has been loaded in this process. */
const fontkitLoaded = (): boolean => Object.keys(requireCjs.cache).some((path) => path.includes("/node_modules/restructure/"));

it("prints a card without loading fontkit, and the stand-in loads it on first use", async () => {
  expect(fontkitLoaded()).toBe(false);
  const pdf = await renderShareCard(fakeShareCard(1));
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(fontkitLoaded()).toBe(false);

  const fontkitPath = requireCjs.resolve("fontkit", { paths: [dirname(requireCjs.resolve("pdfkit"))] });
  const standIn = requireCjs.cache[fontkitPath]?.exports as { create?: unknown };
  expect(typeof standIn.create).toBe("function");
  expect(fontkitLoaded()).toBe(true);
});
