/**
 * One rehearsed master-key ceremony, its compared values read off every surface a person reads
 * them from: the terminal (`ceremony rehearse` in a pseudo-terminal), the printed share card
 * and the transcript summary and witness sheet (pdftotext), and the auditor screen (Chromium).
 * Each KCV, the set ID and the transcript signer's fingerprint must be the same string on all
 * of them (docs/formats.md). The values themselves come from the signed transcript.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintWords, formatFingerprint, formatKcv, formatSetId } from "../../src/common/index.ts";
import { pemToDer } from "../../src/pki/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { PtySession } from "../helpers/pty-session.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { clickForRpc } from "./support/ceremony-driver.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");

/** Text with every run of whitespace (line breaks of wrapped hex lines too) as one space. */
const flat = (text: string): string => text.replace(/\s+/g, " ");

async function pdfText(file: string): Promise<string> {
  return flat((await run("pdftotext", ["-raw", file, "-"])).stdout);
}

describe.skipIf(chromiumMissing)("each compared value reads the same on terminal, paper and screen", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let bundle: string;
  let terminal: string;
  let values: { kcvEcb0: string; kcvCmac: string; setId: string; signer: string; signerWords: string[] };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "same-values-"));
    const params = join(dir, "params.yaml");
    await writeFile(params, "parameters:\n  threshold: 2\n  cardCount: 3\n");
    bundle = join(dir, "bundle");
    // `ceremony` runs the compiled CLI (bin/ceremony.js), built here as the unit run's global set-up does.
    // @ts-expect-error -- a JavaScript build script without type declarations
    const build = (await import("../../scripts/build-cli.mjs")) as { buildCli(o: { logLevel: string }): Promise<unknown>; isCliBuildStale(): string | undefined };
    if (build.isCliBuildStale() !== undefined) await build.buildCli({ logLevel: "error" });
    const session = new PtySession(["rehearse", join(ROOT, "ceremony-scripts/master-key.yaml"), "--params", params, "--out", bundle]);
    expect(await session.exit(), session.screen.slice(-2000)).toBe(0);
    terminal = session.screen;
    // The whole rehearsal's terminal output fits 100 columns.
    expect(session.linesWiderThan(100)).toEqual([]);

    const verified = await verifyBundle(bundle);
    expect(verified.failures).toEqual([]);
    const outputs = verified.transcript!.outputs;
    const kcv = outputs.find((o) => o.kind === "kcv")!.details;
    const split = outputs.find((o) => o.kind === "share-fingerprints")!.details;
    const signerSpki = pemToDer(await readFile(join(bundle, "signer.pub.pem"), "utf8"), ["PUBLIC KEY"]);
    const signerSha256 = createHash("sha256").update(signerSpki).digest("hex");
    values = {
      kcvEcb0: formatKcv(kcv.kcvEcb0!),
      kcvCmac: formatKcv(kcv.kcvCmac!),
      setId: formatSetId(split.setId!),
      signer: formatFingerprint(signerSha256),
      signerWords: fingerprintWords(signerSha256),
    };

    await ensureRendererBuild();
    harness = await startHarness();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("writes each kind in its one format (docs/formats.md)", () => {
    expect(values.kcvEcb0).toMatch(/^[0-9A-F]{4} [0-9A-F]{2}$/);
    expect(values.kcvCmac).toMatch(/^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{2}$/);
    expect(values.setId).toMatch(/^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{2}$/);
    expect(values.signer).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){15}$/);
    expect(values.signerWords).toHaveLength(32);
  });

  it("the terminal shows them", () => {
    const lines = terminal.split("\n").map((l) => l.trim());
    expect(lines).toContain(`KCV-ECB0: ${values.kcvEcb0}`);
    expect(lines).toContain(`KCV-CMAC: ${values.kcvCmac}`);
    expect(lines).toContain(`Escrow split: 2 of 3 cards needed; set ${values.setId}`);
    // A fingerprint too long to sit beside its label starts its own line (100 columns).
    expect(flat(terminal)).toContain(`Transcript-signing key SPKI SHA-256: ${values.signer}`);
    expect(flat(terminal)).toContain(values.signerWords.join(" "));
  });

  it("the share card, the transcript summary and the witness sheet print them", async () => {
    const cards = (await readdir(join(bundle, "print"))).filter((f) => f.endsWith(".pdf"));
    expect(cards).toHaveLength(3);
    const card = await pdfText(join(bundle, "print", cards[0]!));
    expect(card).toContain(`KCV-ECB0 ${values.kcvEcb0}`);
    expect(card).toContain(`KCV-CMAC ${values.kcvCmac}`);
    expect(card).toContain(`SET ID ${values.setId}`);
    expect(card).toContain(`set ${values.setId}`);

    const summary = await pdfText(join(bundle, "sheets/transcript-summary.pdf"));
    expect(summary).toContain(`${values.kcvEcb0} ${values.kcvCmac}`);
    expect(summary).toContain(values.signer);
    expect(summary).toContain(values.signerWords.join(" "));

    const witness = await pdfText(join(bundle, "sheets/witness-sheet.pdf"));
    expect(witness).toContain(values.signer);
    expect(witness).toContain(values.signerWords.join(" "));
  });

  it("the auditor screen shows them", async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/auditor&token="));
    await page.getByRole("heading", { level: 1, name: "Verify a ceremony bundle" }).waitFor(LONG);
    await page.getByLabel("Or the bundle folder’s path").fill(bundle);
    await clickForRpc(page, page.getByRole("button", { name: "Verify this bundle" }), "bundle:verify");
    await page.locator(".verdict-ok").waitFor(LONG);

    const kcvCard = page.getByRole("article", { name: /^Key check values: KEK-01/ });
    await expect(kcvCard.getByRole("definition").allInnerTexts()).resolves.toEqual(expect.arrayContaining([values.kcvEcb0, values.kcvCmac]));
    const shareCard = page.getByRole("article", { name: /^Share card fingerprints: KEK-01/ });
    await expect(shareCard.getByRole("definition").allInnerTexts()).resolves.toContain(values.setId);
    const signer = page.getByRole("region", { name: "Transcript signer fingerprint" });
    await expect(signer.locator(".read-aloud-hex").innerText()).resolves.toBe(values.signer);
    await expect(signer.getByRole("listitem").allInnerTexts()).resolves.toEqual(values.signerWords);
    expect(problems).toEqual([]);
    await context.close();
  });
});
