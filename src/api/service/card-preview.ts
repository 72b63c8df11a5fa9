/** A holder's printed card as a picture for the read-back screen (rehearsals only: real cards go to the printer). */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { recordedSplit } from "../../ceremony/actions/escrow-common.ts";
import { RehearsalCardSink } from "../../ceremony/card-sinks.ts";
import { lastEventOfType } from "../../events/index.ts";
import type { ActiveCeremony } from "./active.ts";
import { ServiceError } from "./service-error.ts";

const run = promisify(execFile);

export async function cardPreview(a: ActiveCeremony, participantId: string): Promise<{ card: number; holder: string; pngDataUrl: string | null; destination: string }> {
  const split = recordedSplit(a.runner, lastEventOfType(a.runner.events(), "escrow.split")?.body.keyLabel ?? "");
  const card = split.cards.find((c) => c.participantId === participantId);
  if (!card) throw new ServiceError("CARD_UNKNOWN", "That participant holds no card of this ceremony.");
  a.previews.add(participantId);
  if (!(a.sink instanceof RehearsalCardSink)) {
    return { card: card.card, holder: card.holder, pngDataUrl: null, destination: a.sink.description };
  }
  // The card of this split: a set voided before (a failed split made again) is never shown.
  const printed = (await a.sink.cardsOf(split.setId)).find((d) => d.card === card.card);
  if (!printed) throw new ServiceError("CARD_UNKNOWN", "That card was not printed.");
  const dir = await mkdtemp(join(a.env!.dir, "preview-"));
  try {
    await run("pdftoppm", ["-r", "70", "-png", "-f", "1", "-l", "1", printed.path, join(dir, "p")]);
    const png = (await readdir(dir)).find((f) => f.endsWith(".png"))!;
    return { card: card.card, holder: card.holder, pngDataUrl: `data:image/png;base64,${(await readFile(join(dir, png))).toString("base64")}`, destination: a.sink.description };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
