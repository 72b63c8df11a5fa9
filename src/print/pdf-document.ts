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
  const { default: PdfKitDocument } = (await import("pdfkit")) as { default: typeof PDFDocument };
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
