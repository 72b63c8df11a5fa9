/**
 * Where share cards go. In a real ceremony: the printer, never the disk; saving a card is an
 * explicit, warned choice. In a rehearsal: the bundle's print/ folder, every page marked
 * REHEARSAL by the card renderer.
 */
import { spawn } from "node:child_process";
import { mkdir, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { CeremonyError } from "../errors.ts";
import type { CardSink } from "./action-api.ts";

export class CardDeliveryError extends CeremonyError {}

/** Rehearsal: cards are written (exclusive create) to a staging folder, later the bundle's print/. */
export class RehearsalCardSink implements CardSink {
  readonly description = "rehearsal print/ folder";
  readonly delivered: Array<{ participantId: string; card: number; path: string; fileName: string }> = [];
  constructor(readonly dir: string) {}

  async deliver(card: Parameters<CardSink["deliver"]>[0]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, card.fileName);
    await writeExclusive(path, card.pdf);
    this.delivered.push({ participantId: card.holder.id, card: card.index, path, fileName: card.fileName });
  }

  /**
   * The cards of one split (by set ID) in this folder, including those a crashed process
   * printed: what a resumed rehearsal reads back and puts in the bundle.
   */
  cardsOf(setId: string): Promise<Array<{ card: number; fileName: string; path: string }>> {
    return cardsInFolder(this.dir, setId);
  }
}

/** The cards of one split (by set ID) in a folder, by their file names (escrow-split.ts cardFileName). */
export async function cardsInFolder(dir: string, setId: string): Promise<Array<{ card: number; fileName: string; path: string }>> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .map((fileName) => ({ fileName, m: /^card-(\d+)-([0-9A-F]+)-.*\.pdf$/.exec(fileName) }))
    .filter((x) => x.m && x.m[2] === setId)
    .map((x) => ({ card: Number(x.m![1]), fileName: x.fileName, path: join(dir, x.fileName) }))
    .sort((a, b) => a.card - b.card);
}

/**
 * A real ceremony's default: each card is piped to CUPS `lp` on standard input, so it never
 * touches the disk. Each card is its own print job, so they come out separately.
 */
export class PrinterCardSink implements CardSink {
  readonly description: string;
  constructor(private readonly printer?: string) {
    this.description = printer ? `printer ${printer}` : "default printer";
  }

  deliver(card: Parameters<CardSink["deliver"]>[0]): Promise<void> {
    const args = [...(this.printer ? ["-d", this.printer] : []), "-t", `share card ${card.index}`, "-"];
    return new Promise((resolve, reject) => {
      const lp = spawn("lp", args, { stdio: ["pipe", "ignore", "pipe"] });
      let stderr = "";
      lp.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      lp.on("error", (e) =>
        reject(new CardDeliveryError("PRINTER_UNAVAILABLE", `Card ${card.index} could not be sent to the printer (${e.message}). Check the printer and retry the step.`)),
      );
      lp.on("close", (code) =>
        code === 0
          ? resolve()
          : reject(new CardDeliveryError("PRINTER_FAILED", `The printer refused card ${card.index}: ${stderr.trim().replace(/\.$/, "")}. Check the printer and retry the step.`)),
      );
      lp.stdin.end(card.pdf);
    });
  }
}

/**
 * The officer chose, after a warning, to save cards to a folder (e.g. for a printer that only
 * reads USB sticks). Files are created exclusively and readable only by this user.
 */
export class SavedCardSink implements CardSink {
  readonly description: string;
  constructor(private readonly dir: string, acknowledgedWarning: boolean) {
    if (!acknowledgedWarning) {
      throw new CardDeliveryError(
        "CARD_SAVE_NOT_CONFIRMED",
        "Saving share cards writes secrets to disk. Confirm the warning explicitly, or print the cards instead.",
      );
    }
    this.description = `saved to ${dir} (explicitly confirmed)`;
  }

  async deliver(card: Parameters<CardSink["deliver"]>[0]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeExclusive(join(this.dir, card.fileName), card.pdf);
  }
}

async function writeExclusive(path: string, bytes: Buffer): Promise<void> {
  const handle = await open(path, "wx", 0o600).catch((e: NodeJS.ErrnoException) => {
    throw new CardDeliveryError(
      e.code === "EEXIST" ? "CARD_EXISTS" : "CARD_WRITE_FAILED",
      e.code === "EEXIST" ? `${path} already exists; cards are never overwritten. Choose an empty folder.` : `Could not write ${path}: ${e.message}`,
    );
  });
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
