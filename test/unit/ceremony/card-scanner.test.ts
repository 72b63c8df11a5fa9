/**
 * The card scanner reads a card's QR code and nothing else: a page that also carries a linear
 * barcode (the kind of stray symbol zbarimg's default decoders once found in a card's words) still
 * reads as the QR's text alone, and a page with two QR codes or none is refused.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanCardQr } from "../../../src/ceremony/card-scanner.ts";
import { renderPdf, type Pdf } from "../../../src/print/pdf-document.ts";
import { drawQrCode } from "../../../src/print/qr-vector.ts";

const run = promisify(execFile);
const CARD_TEXT = "CWS1:ACCOUNT STILL SURGE VALVE DIZZY ACCUSE CONFIRM RIOT MAGNET WEASEL";

/** EAN-13 modules (1 = bar) of a 13-digit code, guard bars included. */
function ean13Modules(digits: string): string {
  const L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"];
  const R = L.map((c) => [...c].map((b) => (b === "1" ? "0" : "1")).join(""));
  const G = R.map((c) => [...c].reverse().join(""));
  const parity = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLL", "LGLGGL", "LGGLGL"][Number(digits[0])]!;
  const d = [...digits].map(Number);
  const left = d.slice(1, 7).map((n, i) => (parity[i] === "L" ? L : G)[n]).join("");
  const right = d.slice(7).map((n) => R[n]).join("");
  return `101${left}01010${right}101`;
}

function drawEan13(doc: Pdf, digits: string, x: number, y: number): void {
  const modules = ean13Modules(digits);
  const unit = 1.5;
  [...modules].forEach((bit, i) => {
    if (bit === "1") doc.rect(x + i * unit, y, unit, 70);
  });
  doc.fillColor("black").fill("nonzero");
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "card-scanner-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function page(name: string, draw: (doc: Pdf) => void): Promise<string> {
  const pdf = await renderPdf({ title: name, subject: "card scanner test", date: new Date(0) }, (doc) => {
    doc.addPage();
    draw(doc);
  });
  const path = join(dir, `${name}.pdf`);
  await writeFile(path, pdf);
  return path;
}

/** Every symbol zbarimg finds with its default decoders, as "TYPE:text" lines. */
async function allSymbols(pdfPath: string): Promise<string[]> {
  await run("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, join(dir, "all")]);
  const { stdout } = await run("zbarimg", ["-q", join(dir, "all.png")]);
  return stdout.split("\n").filter(Boolean);
}

describe("scanCardQr", () => {
  it("reads only the QR code of a page that also carries a linear barcode", async () => {
    const path = await page("qr-and-ean", (doc) => {
      drawQrCode(doc, CARD_TEXT, 60, 60, 200, "test");
      drawEan13(doc, "4006381333931", 60, 400);
    });
    // The page really holds a second symbol that zbarimg's default decoders read.
    expect((await allSymbols(path)).sort()).toEqual(["EAN-13:4006381333931", `QR-Code:${CARD_TEXT}`]);
    expect(await scanCardQr(path)).toBe(CARD_TEXT);
  });

  it("refuses a page with two QR codes", async () => {
    const path = await page("two-qr", (doc) => {
      drawQrCode(doc, CARD_TEXT, 60, 60, 200, "test");
      drawQrCode(doc, "CWS1:ANOTHER CARD", 60, 400, 200, "test");
    });
    await expect(scanCardQr(path)).rejects.toThrow(/2 QR codes found on the page, a card has one/);
  });

  it("says no QR code was found on a page without one", async () => {
    const path = await page("no-qr", (doc) => {
      drawEan13(doc, "4006381333931", 60, 400);
    });
    await expect(scanCardQr(path)).rejects.toThrow(/no QR code found/);
  });
});
