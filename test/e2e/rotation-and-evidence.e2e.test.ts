/**
 * Issue 15 on screen: the start screen lists the keys due or overdue for rotation with the
 * ceremony that rotates each, and the auditor's policy-evidence screen verifies every bundle,
 * leaves a tampered one out, shows which requirement is evidenced or missing, and saves the
 * report as PDF (read back with pdftotext) and JSON.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/index.ts";
import { startHarness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { clickForRpc } from "./support/ceremony-driver.ts";
import { rehearseRootCaDirectly } from "./support/drive-service.ts";
import { ScreenRecorder } from "./support/screens.ts";

const SCRIPTS = path.resolve(import.meta.dirname, "../../ceremony-scripts");

describe.skipIf(chromiumMissing)("rotation due and policy evidence", () => {
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("r-rotation-evidence");

  beforeAll(async () => {
    await ensureRendererBuild();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
  });

  it("the start screen lists keys due or overdue for rotation, most urgent first, each with the ceremony that rotates it", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "rotation-due-"));
    const journal = Journal.open(path.join(dataDir, "journal.db"));
    const day = 86_400_000;
    const iso = (days: number): string => new Date(Date.now() + days * day).toISOString();
    const token = { tokenSerial: "7f3a9c01d2e4b566", tokenLabel: "root-hsm", createdByCeremony: null };
    journal.upsertKey({ ...token, label: "ROOT-CA-R1", ckaId: "a1b2c3d4e5f60718", algorithm: "EC-P384", purpose: "ca-signing", spkiSha256: "ab".repeat(32), createdAt: iso(-3640), rotationDueAt: iso(12) });
    journal.upsertKey({ ...token, label: "KEK-01", ckaId: "0f1e2d3c4b5a6978", algorithm: "AES-256", purpose: "kek", kcvEcb0: "F29000", kcvCmac: "377822C093", createdAt: iso(-400), rotationDueAt: iso(-35) });
    journal.upsertKey({ ...token, label: "KEK-02", ckaId: "1122334455667788", algorithm: "AES-256", purpose: "kek", kcvEcb0: "ABCDEF", kcvCmac: "0123456789", createdAt: iso(-10), rotationDueAt: iso(355) });
    journal.close();
    const harness = await startHarness({ dataDir });
    try {
      const { page, problems } = await openPage(context, harness.url);
      const panel = page.getByRole("region", { name: "2 keys are due for rotation" });
      await panel.waitFor(LONG);
      const items = await panel.getByRole("listitem").allInnerTexts();
      expect(items).toHaveLength(2);
      expect(items[0]).toMatch(/^\W*OVERDUE KEK-01 \(AES-256, kek\) on token root-hsm, ID 0F1E 2D3C…: was due \d{4}-\d{2}-\d{2}\. Rotate it with kek-rotation\.yaml/);
      expect(items[1]).toMatch(/^\W*Due soon ROOT-CA-R1 \(EC-P384, ca-signing\) on token root-hsm, ID A1B2 C3D4…: due \d{4}-\d{2}-\d{2}\. Rotate it with root-rotation\.yaml/);
      expect(items.join("\n")).not.toContain("KEK-02");
      await screens.capture(page, "01-start-rotation-due");
      // The button chooses the rotation script and fills in which key it replaces (label and full ID).
      expect(existsSync(path.join(SCRIPTS, "kek-rotation.yaml"))).toBe(true);
      await panel.getByRole("button", { name: "Choose kek-rotation.yaml" }).click();
      await expect(page.getByRole("group", { name: "1. Ceremony script" }).getByRole("radio", { checked: true }).getAttribute("value")).resolves.toBe("kek-rotation.yaml");
      await expect(page.getByLabel(/^Label of the KEK being replaced/).inputValue()).resolves.toBe("KEK-01");
      await expect(page.getByLabel(/^The old KEK's full CKA_ID/).inputValue()).resolves.toBe("0f1e2d3c4b5a6978");
      // With the key filled in, the script and its parameters validate as they stand.
      await page.getByText("The script and its parameters are valid.").waitFor(LONG);
      await screens.capture(page, "01b-kek-rotation-chosen");
      expect(problems).toEqual([]);
    } finally {
      await harness.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("the policy-evidence screen verifies every bundle, leaves the tampered one out, shows each requirement's status and saves PDF and JSON", async () => {
    const harness = await startHarness();
    try {
      const bundleDir = await rehearseRootCaDirectly(harness.service);
      const tampered = `${bundleDir}-tampered`;
      await cp(bundleDir, tampered, { recursive: true });
      const file = path.join(tampered, "transcript.json");
      const bytes = await readFile(file);
      const at = bytes.indexOf("Root CA key generation") + 5;
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(file, bytes);

      const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/evidence&token="));
      await page.getByRole("heading", { level: 1, name: "Policy evidence from the bundles" }).waitFor(LONG);
      await page.getByLabel("Also save the report as PDF and JSON").check();
      const value = (await clickForRpc(page, page.getByRole("button", { name: "Check the policy" }), "report:evidence")) as { saved: { pdf: string; json: string } };
      await page.getByRole("heading", { level: 2, name: /^\d+ of 11 requirements evidenced$/ }).waitFor(LONG);

      const bundles = page.getByRole("table", { name: /^Bundles read \(2\)/ });
      const bad = bundles.getByRole("row").filter({ has: page.getByRole("rowheader", { name: tampered }) });
      await expect(bad.innerText()).resolves.toMatch(/NOT VERIFIED — excluded[\s\S]*MANIFEST_HASH_MISMATCH/);
      const good = bundles.getByRole("row").filter({ has: page.getByRole("rowheader", { name: bundleDir, exact: true }) });
      await expect(good.innerText()).resolves.toContain("used as evidence");

      const generation = page.getByRole("region", { name: /^1\. Keys are generated inside the HSM/ });
      await expect(generation.getByRole("heading", { level: 3 }).innerText()).resolves.toMatch(/EVIDENCED$/);
      await expect(generation.getByRole("table", { name: "Evidence for requirement 1" }).innerText()).resolves.toMatch(/ROOT-CA-R1 \(EC-P384 root CA key, SPKI .*\) generated inside the HSM on token/);
      const ciso = page.getByRole("region", { name: /^4\. Key rotation ceremonies have at least two witnesses/ });
      await expect(ciso.getByRole("heading", { level: 3 }).innerText()).resolves.toMatch(/MISSING$/);
      await expect(ciso.getByRole("list", { name: /What is missing/ }).innerText()).resolves.toContain("No verified bundle is a key rotation ceremony");
      await expect(ciso.innerText()).resolves.toContain("Key rotation ceremonies must include at least two witnesses, one being the CISO or Director of Cybersecurity.");
      await expect(page.getByRole("table", { name: /^PCI-DSS 3\.7\.1 to 3\.7\.7/ }).getByRole("row").count()).resolves.toBe(8);

      await page.getByText("The report is saved.").waitFor(LONG);
      expect(path.dirname(value.saved.pdf)).toBe(path.dirname(value.saved.json));
      expect(value.saved.pdf.startsWith(path.join(harness.dataDir, "reports"))).toBe(true);
      const text = execFileSync("pdftotext", ["-raw", value.saved.pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
      expect(text).toContain("POLICY EVIDENCE REPORT");
      expect(text).toContain("NOT VERIFIED: excluded");
      const json = JSON.parse(readFileSync(value.saved.json, "utf8")) as { format: string; bundles: Array<{ path: string; use: string }> };
      expect(json.format).toBe("ceremony-workstation.evidence-report.v1");
      expect(json.bundles.map((b) => [b.path, b.use])).toEqual(
        expect.arrayContaining([
          [bundleDir, "evidence"],
          [tampered, "not-verified"],
        ]),
      );
      await screens.capture(page, "02-policy-evidence");
      expect(problems).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});
