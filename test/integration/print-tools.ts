import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Independent tools read back what src/print wrote (docs/architecture.md, Testing doctrine): poppler's
 * pdftotext/pdfinfo/pdftoppm and zbar's zbarimg. Nothing here uses pdfkit or qrcode.
 */

function withPdf<T>(pdf: Buffer, use: (dir: string, file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "print-test-"));
  try {
    const file = join(dir, "doc.pdf");
    writeFileSync(file, pdf);
    return use(dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
}

/** Text in content order (`-raw`), or laid out as on the page (`-layout`). */
export function pdfText(pdf: Buffer, mode: "raw" | "layout" = "raw", page?: number): string {
  const range = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
  return withPdf(pdf, (_, file) => run("pdftotext", [`-${mode}`, ...range, file, "-"]));
}

/** Whitespace collapsed to single spaces, so wrapped lines read as one string. */
export function flatText(pdf: Buffer): string {
  return pdfText(pdf, "raw").replace(/\s+/g, " ");
}

export function pdfInfo(pdf: Buffer): Record<string, string> {
  const out = withPdf(pdf, (_, file) => run("pdfinfo", [file]));
  return Object.fromEntries(out.split("\n").filter((l) => l.includes(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
}

export function pageCount(pdf: Buffer): number {
  return Number(pdfInfo(pdf)["Pages"]);
}

/**
 * Every QR code zbarimg finds on `page`, rasterised at `dpi` in grey as a cheap printer or scanner
 * would see it. An uncompressed PGM, as the card scanner uses (src/ceremony/card-scanner.ts).
 */
export function decodeQrCodes(pdf: Buffer, page = 1, dpi = 150): string[] {
  return withPdf(pdf, (dir, file) => {
    run("pdftoppm", ["-r", String(dpi), "-gray", "-f", String(page), "-l", String(page), file, join(dir, "page")]);
    const image = readdirSync(dir).find((f) => f.endsWith(".pgm"));
    if (image === undefined) throw new Error("pdftoppm wrote no image");
    let out: string;
    try {
      out = run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", join(dir, image)]);
    } catch {
      return []; // zbarimg exits 4 when it finds no symbol
    }
    // --raw prints each symbol followed by a newline; share texts never contain one.
    return out.split("\n").slice(0, -1);
  });
}

export interface WordBox {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Every word's bounding box, in points from the page's top-left (pdftotext -bbox). */
export function wordBoxes(pdf: Buffer): WordBox[] {
  const html = withPdf(pdf, (_, file) => run("pdftotext", ["-bbox", file, "-"]));
  const boxes: WordBox[] = [];
  let page = 0;
  for (const line of html.split("\n")) {
    if (line.includes("<page ")) page += 1;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
    if (m) boxes.push({ page, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5] ?? "" });
  }
  return boxes;
}

/**
 * Where A4 content must stay to print on US Letter at 100% as well: A4 centred on Letter loses
 * ~25 pt top and bottom, and printers cannot reach the last ~18 pt of the sheet.
 */
export const LETTER_SAFE = { xMin: 18, xMax: 595.28 - 18, yMin: 25 + 18, yMax: 841.89 - 25 - 18 };

export function boxesOutside(boxes: readonly WordBox[], area = LETTER_SAFE): WordBox[] {
  return boxes.filter((b) => b.xMin < area.xMin || b.xMax > area.xMax || b.yMin < area.yMin || b.yMax > area.yMax);
}

/** Pairs of words on the same page whose boxes overlap by more than a sliver: text running into text. */
export function overlappingWords(boxes: readonly WordBox[]): Array<[WordBox, WordBox]> {
  const pairs: Array<[WordBox, WordBox]> = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i] as WordBox;
      const b = boxes[j] as WordBox;
      if (a.page !== b.page) continue;
      const w = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const h = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      if (w <= 0 || h <= 0) continue;
      const smaller = Math.min((a.xMax - a.xMin) * (a.yMax - a.yMin), (b.xMax - b.xMin) * (b.yMax - b.yMin));
      if (w * h > 0.15 * smaller) pairs.push([a, b]);
    }
  }
  return pairs;
}
