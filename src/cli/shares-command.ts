import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { CeremonyError, wipe } from "../errors.ts";
import { formatFingerprint, formatSetId } from "../common/index.ts";
import { decodeShare } from "../escrow/index.ts";
import type { CliIo } from "./io.ts";

/**
 * `ceremony shares inspect SHARE...`: decodes and checks each share (words or QR text, given as a
 * file path or as text) without combining anything. Prints only public facts.
 */
export async function sharesCommand(io: CliIo, args: string[]): Promise<number> {
  const [sub, ...shares] = args;
  if (sub !== "inspect" || shares.length === 0) {
    io.err("usage: ceremony shares inspect SHARE...   (each SHARE is a file holding the words or QR text, or the text itself)");
    return 2;
  }
  let failed = 0;
  for (const [i, arg] of shares.entries()) {
    const label = existsSync(arg) ? arg : `share ${i + 1}`;
    const text = existsSync(arg) ? await readFile(arg, "utf8") : arg;
    try {
      const d = decodeShare(text, { label });
      wipe(d.payload);
      io.out(`${label}: OK — format v${d.version}, set ${formatSetId(d.setId)}, ${d.k} of ${d.n} needed, x=${d.index}, fingerprint ${formatFingerprint(d.fingerprint)}`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      failed++;
      io.err(`${label}: ${e.message} [${e.code}]`);
    }
  }
  return failed ? 1 : 0;
}
