/**
 * Reads a printed card back the way a holder with a scanner would: the PDF rendered to PNG by
 * poppler's pdftoppm, the QR code decoded by zbarimg. Used by rehearsals and the demo, so the
 * read-back step exercises the real print path.
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
    await run("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", pdfPath, join(dir, "page")]);
    const [png] = (await readdir(dir)).filter((f) => f.endsWith(".png"));
    if (!png) throw new Error("pdftoppm wrote no page");
    const { stdout } = await run("zbarimg", ["--raw", "-q", join(dir, png)]);
    const text = stdout.trim();
    if (!text) throw new Error("no QR code found");
    return text;
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
