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
 * pdfkit, through CommonJS, with fontkit deferred. pdfkit requires fontkit when it loads, for
 * TrueType and OpenType fonts it would embed; this app draws only the PDF standard fonts (AFM
 * metrics, nothing embedded), and fontkit was half of pdfkit's load time (~70 of ~140 ms, in every
 * process that prints). A stand-in in the CommonJS module cache takes its place and loads the
 * real fontkit on first use. Should anything of this not resolve, pdfkit loads as it would.
 */
function loadPdfKit(): typeof PDFDocument {
  if (pdfKit) return pdfKit;
  const requireCjs = createRequire(import.meta.url);
  const pdfkitPath = requireCjs.resolve("pdfkit");
  try {
    const fontkitPath = requireCjs.resolve("fontkit", { paths: [dirname(pdfkitPath)] });
    const cache = requireCjs.cache;
    if (!cache[fontkitPath]) {
      let real: Record<PropertyKey, unknown> | undefined;
      const load = (): Record<PropertyKey, unknown> => {
        if (!real) {
          delete cache[fontkitPath];
          real = requireCjs(fontkitPath) as Record<PropertyKey, unknown>;
        }
        return real;
      };
      const standIn = new Module(fontkitPath);
      standIn.filename = fontkitPath;
      standIn.loaded = true;
      standIn.exports = new Proxy(
        {},
        {
          get: (_, key) => load()[key],
          has: (_, key) => key in load(),
          ownKeys: () => Reflect.ownKeys(load()),
          getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key),
        },
      );
      cache[fontkitPath] = standIn;
    }
  } catch {
    // fontkit not where pdfkit would find it: pdfkit's own require reports that, as it would.
  }
  pdfKit = requireCjs(pdfkitPath) as typeof PDFDocument;
  return pdfKit;
}
