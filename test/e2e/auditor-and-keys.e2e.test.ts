/**
 * (c) After ceremonies: the key inventory lists what they made, the auditor screen shows a
 * tampered bundle as NOT VERIFIED with each failure, and an aborted ceremony still ends in a
 * signed transcript, with who aborted it and why.
 */
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { chooseScript, clickForRpc, signIn, startRehearsal } from "./support/ceremony-driver.ts";
import { abortAfterRootKeyDirectly, rehearseRootCaDirectly } from "./support/drive-service.ts";
import { ADMIN, HOLDERS, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";


describe.skipIf(chromiumMissing)("key inventory, auditor and abort", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  let bundleDir: string;
  const screens = new ScreenRecorder("c-auditor-keys");

  beforeAll(async () => {
    await ensureRendererBuild();
    harness = await startHarness();
    bundleDir = await rehearseRootCaDirectly(harness.service);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
  });

  it("lists the keys the ceremony made, with their status", async () => {
    const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/keys&token="));
    await page.getByRole("heading", { level: 1, name: "Keys made in ceremonies" }).waitFor();
    const table = page.getByRole("table", { name: /keys, most urgent first/ });
    await table.waitFor(LONG);
    const root = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: /^ROOT-CA-R1/ }) });
    await expect(root.getByText(/Active$/).isVisible()).resolves.toBe(true);
    await expect(root.getByText("EC-P384").isVisible()).resolves.toBe(true);
    await expect(table.getByRole("rowheader", { name: /^ceremony-transcript-signing/ }).isVisible()).resolves.toBe(true);
    await screens.capture(page, "01-key-inventory");
    expect(problems).toEqual([]);
  });

  it("shows a bundle with one flipped byte in transcript.json as NOT VERIFIED, naming each failure", async () => {
    const tampered = `${bundleDir}-tampered`;
    await cp(bundleDir, tampered, { recursive: true });
    const file = path.join(tampered, "transcript.json");
    const bytes = await readFile(file);
    // One bit of one letter of the ceremony's title: still valid JSON, no longer what was signed.
    const at = bytes.indexOf("Root CA key generation") + 5;
    bytes[at] = bytes[at]! ^ 0x01;
    await writeFile(file, bytes);

    const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/auditor&token="));
    await page.getByRole("heading", { level: 1, name: "Verify a ceremony bundle" }).waitFor();
    await page.getByLabel("Bundles on this workstation").selectOption({ label: path.basename(tampered) });
    await clickForRpc(page, page.getByRole("button", { name: "Verify this bundle" }), "bundle:verify");
    const verdict = page.locator(".verdict");
    await verdict.waitFor(LONG);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/NOT VERIFIED$/);
    const failures = await verdict.getByRole("listitem").allInnerTexts();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.some((f) => f.startsWith("MANIFEST_HASH_MISMATCH") && f.includes("transcript.json"))).toBe(true);
    await screens.capture(page, "02-auditor-tampered-not-verified");

    // The untouched original, typed as a path, still verifies.
    await page.getByLabel("Or the bundle folder’s path").fill(bundleDir);
    await clickForRpc(page, page.getByRole("button", { name: "Verify this bundle" }), "bundle:verify");
    await page.locator(".verdict-ok").waitFor(LONG);
    expect(problems).toEqual([]);
  });

  it("asks who aborts, why and a witness's PIN (never a share holder deciding), then signs the aborted transcript, not in green", async () => {
    const { page, problems } = await openPage(context, harness.url);
    // The window opens on the last ceremony, finished; the officer starts a new one from there.
    await page.getByRole("heading", { level: 1, name: "Ceremony complete" }).waitFor(LONG);
    await page.getByRole("button", { name: "Start another ceremony" }).click();
    await chooseScript(page, "Root CA key generation");
    await startRehearsal(page);
    const [witness] = WITNESSES;
    await signIn(page, [ADMIN, OFFICER, witness!, HOLDERS[0]!]);
    await page.getByRole("button", { name: "Abort the ceremony…" }).click();
    const dialog = page.getByRole("dialog", { name: "Abort the ceremony?" });
    await dialog.waitFor();
    await expect(dialog.getByRole("button", { name: "Abort the ceremony" }).isDisabled()).resolves.toBe(true);
    // Only administrators, officers and witnesses decide; the share holder is not offered.
    const deciders = await dialog.getByLabel("Who decides to abort").locator("option").allInnerTexts();
    expect(deciders).toEqual([`${ADMIN.name} — ${ADMIN.roleTitle}`, `${OFFICER.name} — ${OFFICER.roleTitle}`, `${witness!.name} — ${witness!.roleTitle}`]);
    await dialog.getByLabel("Who decides to abort").selectOption({ label: `${ADMIN.name} — ${ADMIN.roleTitle}` });
    await dialog.getByLabel("Reason (goes into the transcript)").fill("Second witness could not attend; rescheduled.");
    // Dual control: without the witness and their PIN the button stays disabled.
    await expect(dialog.getByRole("button", { name: "Abort the ceremony" }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Internal witness confirming the abort").selectOption({ label: `${witness!.name} — ${witness!.roleTitle}` });
    await dialog.getByLabel("The witness’s attestation PIN").fill("not-the-pin");
    await expect(clickForRpc(page, dialog.getByRole("button", { name: "Abort the ceremony" }), "ceremony:abort")).rejects.toThrow(/ATTESTATION_PIN_WRONG/);
    await dialog.getByText(`That is not ${witness!.name}'s attestation PIN`).waitFor(LONG);
    await expect(dialog.getByLabel("The witness’s attestation PIN").inputValue()).resolves.toBe("");
    await dialog.getByLabel("The witness’s attestation PIN").fill(witness!.pin);
    // A modal covers the window, not the page: photographed as the screen shows it.
    await screens.capture(page, "03-abort-dialog", { fullPage: false });
    await clickForRpc(page, dialog.getByRole("button", { name: "Abort the ceremony" }), "ceremony:abort");

    await page.getByText("Aborted: Second witness could not attend; rescheduled.").waitFor(LONG);
    await screens.capture(page, "04-aborted-sign-transcript");
    await page.getByLabel("HSM user PIN").fill(REHEARSAL_HSM_PIN);
    await clickForRpc(page, page.getByRole("button", { name: "Sign the transcript and write the bundle" }), "ceremony:finish");
    await page.getByRole("heading", { level: 1, name: "Ceremony aborted — transcript signed" }).waitFor(LONG);
    // Genuine, and aborted: the abort colour, never the success green.
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED — ABORTED CEREMONY$/);
    const colours = await page.locator(".verdict").evaluate((el) => {
      const root = getComputedStyle(document.documentElement);
      const probe = (v: string) => {
        const d = document.createElement("div");
        d.style.background = root.getPropertyValue(v);
        document.body.append(d);
        const c = getComputedStyle(d).backgroundColor;
        d.remove();
        return c;
      };
      return { shown: getComputedStyle(el).backgroundColor, success: probe("--success"), aborted: probe("--aborted") };
    });
    expect(colours.shown).not.toBe(colours.success);
    expect(colours.shown).toBe(colours.aborted);
    await screens.capture(page, "05-aborted-transcript-verified");
    expect(problems).toEqual([]);
  });

  it("lists a key that an aborted ceremony made as ABORTED, with what to do, as ceremony keys does", async () => {
    const ceremonyId = await abortAfterRootKeyDirectly(harness.service);
    const keys = await harness.service["keys:list"]({});
    const aborted = keys.find((k) => k.abortedCeremony === ceremonyId && k.label === "ROOT-CA-R1");
    expect(aborted, "the aborted ceremony's root key is flagged").toBeDefined();
    const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/keys&token="));
    const table = page.getByRole("table", { name: /keys, most urgent first/ });
    await table.waitFor(LONG);
    // Most urgent first: keys of the aborted ceremony head the table, in the abort colour, each with what to do.
    await expect(table.getByRole("row").nth(1).getByText(/ABORTED$/).isVisible()).resolves.toBe(true);
    const roots = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: /^ROOT-CA-R1/ }) });
    await expect(roots.count()).resolves.toBe(2);
    await expect(roots.filter({ hasText: "ABORTED" }).count()).resolves.toBe(1);
    await expect(roots.filter({ hasText: "Active" }).count()).resolves.toBe(1);
    await table
      .getByText(`ROOT-CA-R1 was made by ceremony ${ceremonyId}, which was aborted: adopt the key in a new witnessed ceremony, or destroy it (key-destruction.yaml with expectedId ${aborted!.ckaId}).`)
      .waitFor(LONG);
    await page.getByText(`${keys.filter((k) => k.abortedCeremony).length} made by aborted ceremonies`).waitFor();
    await screens.capture(page, "06-key-inventory-aborted-key");
    expect(problems).toEqual([]);
  });
});
