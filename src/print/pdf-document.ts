import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import type PDFDocument from "pdfkit";
import { PAGE } from "./page-geometry.ts";
import { winAnsi } from "./win-ansi.ts";

export type Pdf = PDFKit.PDFDocument;

export interface PdfMetadata {
  title: string;
  subject: string;
  /** Written as CreationDate and ModDate; pdfkit derives the file ID from them, so a fixed date gives identical bytes. */
  date: Date;
}

/**
 * Runs `draw` on a fresh A4 document and resolves with the finished PDF. Pages are buffered so a
 * document can go back and number its pages ("page 2 of 3") once it knows how many there are.
 * Margins are zero: every draw call places itself inside SAFE, and pdfkit never breaks pages on
 * its own behind our back.
 * pdfkit is loaded here, on first use, not when a module that can print is imported: loading it
 * (fonts included) costs ~150 ms, which `ceremony verify` and other verbs that print nothing
 * would pay at every start.
 */
export async function renderPdf(meta: PdfMetadata, draw: (doc: Pdf) => void): Promise<Buffer> {
  const PdfKitDocument = loadPdfKit();
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PdfKitDocument({
      size: [PAGE.width, PAGE.height],
      margin: 0,
      bufferPages: true,
      autoFirstPage: false,
      pdfVersion: "1.4",
      lang: "en",
      info: {
        Title: winAnsi(meta.title),
        Subject: winAnsi(meta.subject),
        Author: "Ceremony Workstation",
        Creator: "Ceremony Workstation",
        Producer: "Ceremony Workstation (PDFKit)",
        CreationDate: meta.date,
        ModDate: meta.date,
      },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    try {
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

let pdfKit: typeof PDFDocument | undefined;

/**
 * pdfkit, through CommonJS, with three of its dependencies deferred. pdfkit requires them when it
 * loads, and they were more than half of its load time (~70, ~20 and ~12 of ~150 ms, in every
 * process that prints): fontkit, for TrueType and OpenType fonts it would embed (this app draws
 * only the PDF standard fonts: AFM metrics, nothing embedded); linebreak, for its line wrapper
 * (every line here is placed and aligned by text-fit.ts, and pdfkit is never given a width to wrap
 * in); and @noble/ciphers' AES, for encrypted PDFs (none here), which builds its lookup tables
 * when it loads. A stand-in in the CommonJS module cache takes the place of each and loads the
 * real module on first use. Should anything of this not resolve, pdfkit loads as it would.
 */
export function loadPdfKit(): typeof PDFDocument {
  if (pdfKit) return pdfKit;
  const requireCjs = createRequire(import.meta.url);
  const pdfkitPath = requireCjs.resolve("pdfkit");
  for (const name of ["fontkit", "linebreak", "@noble/ciphers/aes"]) {
    try {
      deferModule(requireCjs, requireCjs.resolve(name, { paths: [dirname(pdfkitPath)] }));
    } catch {
      // Not where pdfkit would find it: pdfkit's own require reports that, as it would.
    }
  }
  pdfKit = requireCjs(pdfkitPath) as typeof PDFDocument;
  return pdfKit;
}

/** Puts a stand-in for the module at `path` in the CommonJS cache; the real one loads when the stand-in is first used. */
function deferModule(requireCjs: NodeJS.Require, path: string): void {
  const cache = requireCjs.cache;
  if (cache[path]) return;
  let real: ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown>;
  const load = (): typeof real => {
    if (!real) {
      delete cache[path];
      real = requireCjs(path) as typeof real;
    }
    return real;
  };
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  // A function, so that a module whose export is a class (linebreak's) can be constructed.
  standIn.exports = new Proxy(function deferred() {}, {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    construct: (_, args) => Reflect.construct(load(), args) as object,
    apply: (_, self, args) => Reflect.apply(load(), self, args),
  });
  cache[path] = standIn;
}
