/**
 * Reads a printed card back the way a holder with a scanner would: the PDF's first page rendered
 * by poppler's pdftoppm (150 dpi, grey), the QR code decoded by zbarimg. Used by rehearsals and
 * the demo, so the read-back step exercises the real print path.
 *
 * Only QR codes are decoded. zbarimg tries every symbology by default, and its linear decoders
 * (DataBar, Code 128, …) now and then find a "barcode" in a card's printed words; that stray token
 * came back as one more word of the card and failed its read-back.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CeremonyError } from "../errors.ts";

const run = promisify(execFile);

export async function scanCardQr(pdfPath: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "card-scan-"));
  try {
    // Grey and uncompressed (PGM): what a scanner hands over, and a tenth of the CPU of a PNG,
    // whose compression took 0.3 s of the 0.4 s a card's scan cost.
    await run("pdftoppm", ["-r", "150", "-gray", "-f", "1", "-l", "1", pdfPath, join(dir, "page")]);
    const [image] = (await readdir(dir)).filter((f) => f.endsWith(".pgm"));
    if (!image) throw new Error("pdftoppm wrote no page");
    // zbarimg exits 4 when it finds no symbol at all.
    const { stdout } = await run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", join(dir, image)]).catch((e: { code?: unknown }) => {
      if (e.code === 4) return { stdout: "" };
      throw e;
    });
    // --raw writes one symbol per line; a card's QR text is one line.
    const symbols = stdout.split("\n").filter((line) => line.trim() !== "");
    if (symbols.length === 0) throw new Error("no QR code found");
    if (symbols.length > 1) throw new Error(`${symbols.length} QR codes found on the page, a card has one`);
    return symbols[0]!.trim();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new CeremonyError(
      "CARD_SCAN_FAILED",
      missing
        ? "pdftoppm or zbarimg is not installed; run scripts/setup.sh (Debian packages poppler-utils, zbar-tools)."
        : `Could not read the QR code of ${pdfPath}: ${(e as Error).message}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
