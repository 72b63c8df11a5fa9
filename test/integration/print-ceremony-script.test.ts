/**
 * The printed ceremony script, made by the real command (`ceremony print-script`) and read back
 * with poppler's pdftotext: every step, every blank the screens ask witnesses to fill, and both
 * hashes on every page — the same hashes a ceremony started from that script records.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScriptFile } from "../../src/ceremony/load-script.ts";
import { CeremonyRunner } from "../../src/ceremony/runner.ts";
import { formatHexGroups } from "../../src/common/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { renderWitnessSheet } from "../../src/print/index.ts";
import { fakeWitnessSheet } from "../unit/print/print-fixtures.ts";
import { boxesOutside, flatText, overlappingWords, pageCount, pdfText, wordBoxes } from "./print-tools.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const exec = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "print-script-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function printScript(script: string, params: string, out: string): Promise<{ stdout: string; pdf: Buffer }> {
  const paramsFile = join(dir, `${out}.params.yaml`);
  await writeFile(paramsFile, params);
  const pdfPath = join(dir, out);
  const { stdout } = await exec(process.execPath, [join(ROOT, "bin/ceremony.js"), "print-script", join(ROOT, "ceremony-scripts", script), "--params", paramsFile, "--out", pdfPath], { cwd: ROOT });
  return { stdout, pdf: await readFile(pdfPath) };
}

describe("ceremony print-script", () => {
  it("prints every master-key step with checklist, blanks for fingerprints, KCVs, bag number and journal heads, and initials boxes", async () => {
    const { pdf, stdout } = await printScript("master-key.yaml", "parameters:\n  threshold: 2\n  cardCount: 3\n", "master-key.pdf");
    const { script } = await loadScriptFile(join(ROOT, "ceremony-scripts/master-key.yaml"), join(dir, "master-key.pdf.params.yaml"));
    expect(stdout).toContain(formatHexGroups(script.parametersSha256));
    const flat = flatText(pdf);
    for (const step of script.steps) expect(flat).toContain(`Step ${step.index + 1} · ${step.title}`);
    for (const item of script.steps.flatMap((s) => s.checklist)) expect(flat).toContain(item);
    expect(flat).toContain("HSM tamper-evident bag number as printed on the bag");
    expect(flat).toContain("Token serial all of it");
    expect(flat).toContain("Transcript-signing key fingerprint first 16 hex digits");
    expect(flat).toContain("KCV-ECB0 all 6 hex digits");
    expect(flat).toContain("KCV-CMAC all 10 hex digits");
    expect(flat.match(/Journal head after this step first 8 hex digits/g)).toHaveLength(script.steps.length);
    // Three holders from cardCount: their codes are on the roster.
    expect(flat).toContain("H3 Share holder");
    expect(flat).not.toContain("H4 ");
    expect(flat).toContain("Cards needed to recover (k) 2");
    expect(flat).toContain("Final journal head first 8 hex digits");
    expect(flat).toContain("Transcript signer fingerprint first 16 hex digits");

    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThan(2);
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(pdf, "raw", page).replace(/\s+/g, " ");
      expect(text, `page ${page}`).toContain(`Script SHA-256 ${formatHexGroups(script.sha256)}`);
      expect(text, `page ${page}`).toContain(`Parameters SHA-256 ${formatHexGroups(script.parametersSha256)}`);
      expect(text, `page ${page}`).toContain(`page ${page} of ${pages}`);
    }
    const boxes = wordBoxes(pdf);
    expect(boxesOutside(boxes)).toEqual([]);
    expect(overlappingWords(boxes)).toEqual([]);
  });

  it("gives different parameters a different hash, and a ceremony started from them records it", async () => {
    const a = await printScript("root-ca.yaml", "parameters: {}\n", "root-a.pdf");
    const b = await printScript("root-ca.yaml", "parameters:\n  validityYears: 19\n", "root-b.pdf");
    const hashOf = (stdout: string): string => /parameters SHA-256 ([0-9A-F ]+)/.exec(stdout)![1]!.trim();
    expect(hashOf(a.stdout)).not.toBe(hashOf(b.stdout));
    expect(flatText(a.pdf)).toContain("Root certificate fingerprint (SHA-256) first 16 hex digits");

    const { script } = await loadScriptFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), join(dir, "root-b.pdf.params.yaml"));
    const journal = Journal.open(join(dir, "journal.db"));
    try {
      const runner = CeremonyRunner.start(script, {
        journal,
        credentials: journal.credentials,
        openHsm: () => Promise.reject(new Error("starting a ceremony opens no HSM")),
        token: { label: "unused" },
        cards: { description: "none", deliver: () => Promise.reject(new Error("no cards")) },
        rehearsal: true,
        pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
      });
      const started = runner.events()[0]!;
      if (started.type !== "ceremony.started") throw new Error("the journal does not begin with ceremony.started");
      expect(formatHexGroups(String(started.body.parametersSha256))).toBe(hashOf(b.stdout));
      expect(formatHexGroups(String(started.body.scriptSha256))).toBe(/SHA-256 ([0-9A-F ]+)\n/.exec(b.stdout)![1]!.trim());
    } finally {
      journal.close();
    }
  });

  it("refuses to overwrite a printed script and names the bad parameter", async () => {
    await expect(printScript("root-ca.yaml", "parameters: {}\n", "root-a.pdf")).rejects.toMatchObject({ stderr: expect.stringContaining("already exists") });
    await expect(printScript("root-ca.yaml", "parameters:\n  validityYears: 99\n", "bad.pdf")).rejects.toMatchObject({ stderr: expect.stringContaining("validityYears") });
  });
});

describe("witness sheet of an aborted ceremony", () => {
  it("says ABORTED with the reason and strikes out every step not done", async () => {
    const input = fakeWitnessSheet();
    const steps = input.steps.map((s, i) => ({ ...s, done: i < 4 }));
    const pdf = await renderWitnessSheet({ ...input, steps, aborted: { reason: "HSM bag number did not match the inventory" } });
    const flat = flatText(pdf);
    expect(flat).toContain("ABORTED — this ceremony did not complete");
    expect(flat).toContain("Reason recorded: HSM bag number did not match the inventory");
    expect(flat.match(/NOT DONE/g)).toHaveLength(steps.length - 4);
    const boxes = wordBoxes(pdf);
    expect(boxesOutside(boxes)).toEqual([]);
    expect(overlappingWords(boxes)).toEqual([]);
    const completed = flatText(await renderWitnessSheet(input));
    expect(completed).not.toContain("ABORTED");
    expect(completed).not.toContain("NOT DONE");
  });
});
