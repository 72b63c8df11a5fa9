/**
 * The paper script from the start screen, and the screens marking exactly the digits it asks
 * witnesses to copy: the PDF the button saves is read back with pdftotext and must carry the
 * hashes the screen shows; the transcript signer's fingerprint has its first 16 hex digits (and
 * their 8 PGP words) marked on the officer's console and on the witness view.
 */
import { execFileSync } from "node:child_process";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { attestAirGapOverride, attest, chooseScript, clickForRpc, closeSignIn, runAction, signIn, startRehearsal, waitForAwaitingWitnesses, waitForStep } from "./support/ceremony-driver.ts";
import { ADMIN, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";

/**
 * A witness mistypes their PIN: the name they chose stays, the cursor is in the PIN field, and
 * retyping the PIN and pressing Enter attests. Focus then goes to the next witness's first box.
 */
async function wrongPinThenRight(page: Page): Promise<void> {
  const panel = page.locator(".witness-attestation");
  const boxes = panel.getByRole("checkbox");
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  const witness = WITNESSES[0]!;
  await panel.getByLabel("Your name").selectOption({ label: `${witness.name} — ${witness.roleTitle}` });
  await panel.getByLabel("Your attestation PIN").fill("not-my-pin");
  await page.keyboard.press("Enter");
  await panel.getByText("Not attested").waitFor();
  await expect(panel.getByLabel("Your name").inputValue()).resolves.not.toBe("");
  await expect(panel.getByLabel("Your name").locator("option:checked").innerText()).resolves.toBe(`${witness.name} — ${witness.roleTitle}`);
  await expect(page.evaluate(() => document.activeElement?.getAttribute("type"))).resolves.toBe("password");
  await page.keyboard.type(witness.pin);
  await page.keyboard.press("Enter");
  await panel.getByText(new RegExp(`${witness.name} at `)).waitFor();
  await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.toBe("checkbox");
  // The second witness attests as usual.
  const second = WITNESSES[1]!;
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  await panel.getByLabel("Your name").selectOption({ label: `${second.name} — ${second.roleTitle}` });
  await panel.getByLabel("Your attestation PIN").fill(second.pin);
  await clickForRpc(page, panel.getByRole("button", { name: "Attest this step" }), "ceremony:attest");
}

describe.skipIf(chromiumMissing)("paper script", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("paper-script");

  beforeAll(async () => {
    await ensureRendererBuild();
    harness = await startHarness();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
  });

  it("prints the script from the start screen with the hashes shown, and marks the digits to copy", async () => {
    const { page, problems } = await openPage(context, harness.url);
    await chooseScript(page, "Root CA key generation");
    const scriptHash = (await page.locator(".paper-hashes dd").nth(0).innerText()).trim();
    const paramsHash = (await page.locator(".paper-hashes dd").nth(1).innerText()).trim();
    expect(scriptHash).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    const printed = (await clickForRpc(page, page.getByRole("button", { name: "Print the ceremony script" }), "scripts:print")) as { path: string };
    await page.getByText(/Saved as .*Print it and hand it to the witnesses/).waitFor();
    await screens.capture(page, "01-start-printed");
    const text = execFileSync("pdftotext", ["-raw", printed.path, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain(`Script SHA-256 ${scriptHash}`);
    expect(text).toContain(`Parameters SHA-256 ${paramsHash}`);
    expect(text).toContain("Find or create the transcript-signing key");

    // Another value: the paper already printed no longer matches, and the screen says so.
    await page.locator("#param-validityYears").fill("19");
    await page.getByText("The parameters changed after printing").waitFor();
    await page.locator("#param-validityYears").fill("20");
    await page.getByText("The script and its parameters are valid.").waitFor();

    await startRehearsal(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES]);
    await closeSignIn(page);
    await attestAirGapOverride(page, WITNESSES[0]!);
    await page.getByRole("heading", { name: "Attested: 1 of 2" }).waitFor();
    await attestAirGapOverride(page, WITNESSES[1]!);
    const witness = await openPage(context, harness.witnessUrl);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM", "Find or create the transcript-signing key"]) {
      await page.bringToFront();
      await waitForStep(page, title);
      await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      await waitForAwaitingWitnesses(page);
      // After "Run the action", attesting is next: the first checklist box has focus.
      await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.toBe("checkbox");
      await expect(page.evaluate(() => Boolean(document.activeElement?.closest(".witness-attestation")))).resolves.toBe(true);
      if (title === "Log in to the HSM") await wrongPinThenRight(page);
      if (title === "Confirm the workstation is offline") {
        await attest(page, WITNESSES[0]!);
        await attest(page, WITNESSES[1]!);
      }
    }
    for (const where of [page, witness.page]) {
      await where.bringToFront();
      const output = where.locator(".read-aloud-kind-fingerprint").first();
      await output.waitFor();
      await expect(output.locator("mark.copy-digits").innerText()).resolves.toMatch(/^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} ?$/);
      await expect(output.locator("li.copy-word").count()).resolves.toBe(8);
      await expect(output.innerText()).resolves.toContain("Write on the paper script: first 16 hex digits");
      await screens.capture(where, where === page ? "02-officer-signer-marked" : "03-witness-signer-marked");
    }
    expect(problems).toEqual([]);
    expect(witness.problems).toEqual([]);
  });
});
