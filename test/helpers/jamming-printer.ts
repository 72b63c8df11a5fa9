/**
 * A stand-in for CUPS `lp` on PATH, as the card sink calls it (`lp [-d P] -t TITLE -`, the card
 * on standard input): every job is kept in the printer's own spool folder — the paper that came
 * out — and one chosen job jams: `lp` exits 1 with a jam message, as a printer that fails
 * mid-set does. The spool stands for paper in the room, so tests may read it; our code never
 * writes a card to disk.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeShare } from "../../src/escrow/index.ts";
import { scanCardQr } from "../../src/ceremony/card-scanner.ts";

export const JAM_MESSAGE = "lp: Error - printer jammed (paper feed); open the front cover";

export interface JammingPrinter {
  /** Put first on PATH of the process that prints. */
  binDir: string;
  spoolDir: string;
  /** PATH with the stand-in first. */
  path: string;
  /** The jobs printed so far, in order: file, title (`share card N`), and whether it jammed. */
  jobs(): Promise<Array<{ job: number; pdf: string; title: string; jammed: boolean }>>;
  /** The QR text of each card that came out whole, with its set ID and card number, in job order. */
  cards(): Promise<Array<{ job: number; card: number; setId: string; text: string }>>;
}

/** A printer whose `jamAt`-th job (1-based, counted over its life) jams; 0 never jams. */
export async function jammingPrinter(jamAt: number): Promise<JammingPrinter> {
  const root = await mkdtemp(join(tmpdir(), "jamming-lp-"));
  const binDir = join(root, "bin");
  const spoolDir = join(root, "spool");
  await mkdir(binDir);
  await mkdir(spoolDir);
  // The count lives in a file: each card is its own lp process.
  await writeFile(
    join(binDir, "lp"),
    [
      "#!/bin/sh",
      `spool='${spoolDir}'`,
      'n=$(( $(cat "$spool/count" 2>/dev/null || echo 0) + 1 ))',
      'echo "$n" > "$spool/count"',
      'job=$(printf "%02d" "$n")',
      'title=""',
      'while [ $# -gt 0 ]; do if [ "$1" = "-t" ]; then title="$2"; shift; fi; shift; done',
      'cat > "$spool/job-$job.pdf"',
      'echo "$title" > "$spool/job-$job.title"',
      `if [ "$n" = "${jamAt}" ]; then touch "$spool/job-$job.jammed"; echo "${JAM_MESSAGE}" >&2; exit 1; fi`,
      'echo "request id is ceremony-printer-$n (1 file(s))"',
      "",
    ].join("\n"),
  );
  await chmod(join(binDir, "lp"), 0o755);
  const jobs = async () => {
    const names = await readdir(spoolDir);
    return Promise.all(
      names
        .filter((n) => /^job-\d+\.pdf$/.test(n))
        .sort()
        .map(async (n) => {
          const base = n.replace(/\.pdf$/, "");
          return { job: Number(base.slice(4)), pdf: join(spoolDir, n), title: (await readFile(join(spoolDir, `${base}.title`), "utf8")).trim(), jammed: names.includes(`${base}.jammed`) };
        }),
    );
  };
  return {
    binDir,
    spoolDir,
    path: `${binDir}:${process.env.PATH ?? ""}`,
    jobs,
    async cards() {
      const out: Array<{ job: number; card: number; setId: string; text: string }> = [];
      for (const j of (await jobs()).filter((x) => !x.jammed)) {
        const text = await scanCardQr(j.pdf);
        const decoded = decodeShare(text, { label: `job ${j.job}` });
        decoded.payload.fill(0);
        out.push({ job: j.job, card: Number(j.title.replace("share card ", "")), setId: decoded.setId, text });
      }
      return out;
    },
  };
}
