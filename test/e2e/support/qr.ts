import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * What a holder's QR scanner would read off the card image the screen shows: the PNG data URL
 * saved to a file and decoded by zbarimg (an independent tool, as docs/architecture.md's doctrine asks).
 */
export async function scanQrFromDataUrl(dataUrl: string): Promise<string> {
  const match = /^data:image\/png;base64,(.+)$/.exec(dataUrl);
  if (!match?.[1]) throw new Error("the card preview is not a PNG data URL");
  const dir = await mkdtemp(path.join(tmpdir(), "card-scan-"));
  try {
    const file = path.join(dir, "card.png");
    await writeFile(file, Buffer.from(match[1], "base64"));
    const { stdout } = await run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file]);
    const text = stdout.trim();
    if (!text) throw new Error("zbarimg found no QR code on the card preview");
    return text;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
