/**
 * Where share cards go. A real ceremony pipes each card to CUPS `lp` on standard input (here a
 * stand-in `lp` on PATH that records what it received), so our code never writes a card to disk;
 * saving is refused until the warning is confirmed; rehearsal cards are never overwritten.
 */
import { chmod, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { PrinterCardSink, RehearsalCardSink, SavedCardSink } from "../../../src/ceremony/card-sinks.ts";

const holder = { id: "p-1", name: "Hana Holder", role: "share-holder" as const, organisation: "Eng" };
const pdf = Buffer.from("%PDF-1.7 card bytes");

test("the printer sink sends each card to lp on stdin as its own job, and writes nothing itself", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lp-"));
  const log = join(dir, "jobs.log");
  await writeFile(join(dir, "lp"), `#!/bin/sh\necho "args: $*" >> "${log}"\nwc -c >> "${log}"\n`);
  await chmod(join(dir, "lp"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path}`;
  try {
    const sink = new PrinterCardSink("ceremony-printer");
    await sink.deliver({ holder, index: 1, fileName: "card-01.pdf", pdf });
    await sink.deliver({ holder, index: 2, fileName: "card-02.pdf", pdf });
  } finally {
    process.env.PATH = path;
  }
  const jobs = await readFile(log, "utf8");
  expect(jobs).toContain("args: -d ceremony-printer -t share card 1 -");
  expect(jobs).toContain("args: -d ceremony-printer -t share card 2 -");
  expect(jobs.match(new RegExp(`^${pdf.length}$`, "gm"))).toHaveLength(2);
  expect((await readdir(dir)).sort()).toEqual(["jobs.log", "lp"]);
});

test("a failing printer is a clear error that says to retry", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lp-fail-"));
  await writeFile(join(dir, "lp"), `#!/bin/sh\ncat > /dev/null\necho "lp: The printer or class does not exist." >&2\nexit 1\n`);
  await chmod(join(dir, "lp"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path}`;
  try {
    const error = await new PrinterCardSink("nope").deliver({ holder, index: 3, fileName: "c.pdf", pdf }).catch((e: Error & { code: string }) => e);
    expect((error as { code: string }).code).toBe("PRINTER_FAILED");
    expect((error as Error).message).toBe("The printer refused card 3: lp: The printer or class does not exist. Check the printer and retry the step.");
  } finally {
    process.env.PATH = path;
  }
});

test("saving cards needs the warning confirmed; saved and rehearsal cards are never overwritten", async () => {
  const dir = await mkdtemp(join(tmpdir(), "saved-"));
  expect(() => new SavedCardSink(dir, false)).toThrow(/writes secrets to disk/);
  const saved = new SavedCardSink(dir, true);
  await saved.deliver({ holder, index: 1, fileName: "card-01.pdf", pdf });
  await expect(saved.deliver({ holder, index: 1, fileName: "card-01.pdf", pdf: Buffer.from("other") })).rejects.toMatchObject({ code: "CARD_EXISTS" });
  expect(await readFile(join(dir, "card-01.pdf"))).toEqual(pdf);
  const rehearsal = new RehearsalCardSink(join(dir, "rehearsal"));
  await rehearsal.deliver({ holder, index: 1, fileName: "card-01-ABCDEF0123-hana.pdf", pdf });
  expect(await rehearsal.cardsOf("ABCDEF0123")).toEqual([{ card: 1, fileName: "card-01-ABCDEF0123-hana.pdf", path: join(dir, "rehearsal", "card-01-ABCDEF0123-hana.pdf") }]);
  expect(await rehearsal.cardsOf("0000000000")).toEqual([]);
});
