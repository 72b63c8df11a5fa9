import { CeremonyError, wipe } from "../errors.ts";
import { formatFingerprint, formatSetId } from "../common/index.ts";
import { type DecodedShare, decodeShare } from "../escrow/index.ts";
import { readInputFile } from "../input-file.ts";
import type { CliIo } from "./io.ts";

const USAGE =
  "usage: ceremony shares inspect FILE...   (each FILE holds one share: its words or QR text; give - to read shares from standard input, separated by blank lines)";
// A card's words or QR text is a few hundred bytes; anything much bigger is not a share.
const MAX_SHARE_FILE_BYTES = 16 * 1024;

export interface ShareSource {
  label: string;
  text: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SHARE_FILE_BYTES * 64) throw new CeremonyError("SHARE_INPUT_TOO_LARGE", "Standard input holds more than any set of share cards could. Give the cards' words or QR text only.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Shares come from files or standard input only: words typed as arguments would sit in the shell
 * history and in `ps` for anyone to read, and a mistyped file name must not be read as words.
 */
async function shareSources(args: string[], stdin: () => Promise<string>): Promise<ShareSource[]> {
  const sources: ShareSource[] = [];
  for (const arg of args) {
    if (arg === "-") {
      const blocks = (await stdin()).split(/\r?\n\s*\r?\n/).map((b) => b.trim()).filter((b) => b !== "");
      blocks.forEach((text, i) => sources.push({ label: `standard input, share ${i + 1}`, text }));
      continue;
    }
    const bytes = await readInputFile(arg, "a share file (shares are read from files or standard input, never from the command line)", MAX_SHARE_FILE_BYTES);
    sources.push({ label: arg, text: bytes.toString("utf8") });
    wipe(bytes);
  }
  return sources;
}

/** Warnings about a set of cards that each decoded: mixed sets, the same card twice, two cards claiming one x. */
export function setWarnings(decoded: ReadonlyArray<{ label: string; share: Pick<DecodedShare, "setId" | "index" | "fingerprint"> }>): string[] {
  const warnings: string[] = [];
  const sets = [...new Set(decoded.map((d) => d.share.setId))];
  if (sets.length > 1) {
    warnings.push(`WARNING: these cards come from ${sets.length} different card sets (${sets.map(formatSetId).join(", ")}); cards of different sets never combine. Collect the cards of one set.`);
  }
  for (let i = 0; i < decoded.length; i++) {
    for (let j = i + 1; j < decoded.length; j++) {
      const a = decoded[i]!;
      const b = decoded[j]!;
      if (a.share.fingerprint === b.share.fingerprint) warnings.push(`WARNING: ${a.label} and ${b.label} are the same card (fingerprint ${formatFingerprint(a.share.fingerprint)}); each card counts once.`);
      else if (a.share.setId === b.share.setId && a.share.index === b.share.index) {
        warnings.push(`WARNING: ${a.label} and ${b.label} both claim x=${a.share.index} of set ${formatSetId(a.share.setId)} but differ: at least one of them is wrong or forged.`);
      }
    }
  }
  return warnings;
}

/**
 * `ceremony shares inspect FILE... | -`: decodes and checks each share without combining
 * anything, then checks the cards against each other. Prints only public facts.
 */
export async function sharesCommand(io: CliIo, args: string[], stdin: () => Promise<string> = readStdin): Promise<number> {
  const [sub, ...files] = args;
  if (sub !== "inspect" || files.length === 0) {
    io.err(USAGE);
    return 2;
  }
  const sources = await shareSources(files, stdin);
  if (sources.length === 0) {
    io.err("ceremony shares inspect: standard input held no share. Type or paste each card's words, a blank line between cards.");
    return 2;
  }
  let failed = 0;
  const decoded: Array<{ label: string; share: DecodedShare }> = [];
  for (const source of sources) {
    try {
      const d = decodeShare(source.text, { label: source.label });
      wipe(d.payload);
      decoded.push({ label: source.label, share: d });
      io.out(`${source.label}: OK — format v${d.version}, set ${formatSetId(d.setId)}, ${d.k} of ${d.n} needed, x=${d.index}, fingerprint ${formatFingerprint(d.fingerprint)}`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      failed++;
      io.err(`${source.label}: ${e.message} [${e.code}]`);
    }
  }
  const warnings = setWarnings(decoded);
  for (const w of warnings) io.err(w);
  return failed > 0 || warnings.length > 0 ? 1 : 0;
}
