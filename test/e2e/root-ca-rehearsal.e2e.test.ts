/**
 * (a) A complete root CA rehearsal through the renderer, served by the browser harness: start
 * screen → parameters → four people sign in → two witnesses override the air gap → every step
 * run by the officer and attested by witnesses (in the main window's panel and in the separate
 * witness view) → finish → the auditor screen verifies the bundle. The root key is RSA-4096,
 * the slowest key the script offers.
 */
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, openPage, VIEWPORT, type WatchedPage, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  chooseScript,
  clickForRpc,
  closeSignIn,
  confirmPreview,
  finishCeremony,
  runAction,
  shownStepTitle,
  signIn,
  startRehearsal,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { ADMIN, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";

const ROOT_CA_STEPS = [
  "Confirm the workstation is offline",
  "Log in to the HSM",
  "Find or create the transcript-signing key",
  "Generate the root key in the HSM",
  "Issue the self-signed root certificate",
];

describe.skipIf(chromiumMissing)("root CA rehearsal through the UI", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("a-root-ca");

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

  it("runs from the start screen to a VERIFIED bundle", async () => {
    const main: WatchedPage = await openPage(context, harness.url);
    const page = main.page;
    await page.getByRole("heading", { level: 1, name: "Prepare the ceremony" }).waitFor();
    await page.getByRole("radio", { name: /^Root CA key generation/ }).waitFor();
    await screens.capture(page, "01-start");

    await chooseScript(page, "Root CA key generation");
    await page.locator("#param-validityYears").fill("40");
    await page.getByText("Must be at most 25").waitFor();
    await expect(page.getByRole("button", { name: "Start the rehearsal" }).isDisabled()).resolves.toBe(true);
    await screens.capture(page, "02-start-parameter-problem");
    await page.locator("#param-validityYears").fill("20");
    await page.locator("#param-algorithm").selectOption("RSA-4096");
    await page.getByText("The script and its parameters are valid.").waitFor();

    await startRehearsal(page);
    await screens.capture(page, "03-sign-in-empty");
    await signIn(page, [ADMIN, OFFICER, WITNESSES[0]!]);
    await page.getByText("Still missing: 1 × Internal witness.").waitFor();
    await screens.capture(page, "04-sign-in-one-witness-missing");
    await signIn(page, [WITNESSES[1]!]);
    await closeSignIn(page);

    await page.getByRole("heading", { level: 1, name: "The workstation is connected to a network" }).waitFor();
    await screens.capture(page, "05-air-gap-override");
    await attestAirGapOverride(page, WITNESSES[0]!);
    await page.getByRole("heading", { name: "Attested: 1 of 2" }).waitFor();
    await attestAirGapOverride(page, WITNESSES[1]!);
    await waitForStep(page, ROOT_CA_STEPS[0]!);

    const witness = await openPage(context, harness.witnessUrl);
    await waitForStep(witness.page, ROOT_CA_STEPS[0]!);
    await screens.capture(witness.page, "06-witness-view-waiting");

    for (const [index, title] of ROOT_CA_STEPS.entries()) {
      // The window in use is in front, as on a desk: Chromium pauses painting and animation
      // frames of a tab behind another, and Playwright's waits poll on animation frames.
      await page.bringToFront();
      await waitForStep(page, title);
      expect(await shownStepTitle(page)).toBe(title);
      const n = String(index + 1).padStart(2, "0");
      if (title === "Log in to the HSM") {
        await screens.capture(page, `step-${n}-hsm-pin`);
        // A mistyped PIN: the step fails in plain words and offers a retry.
        await page.getByLabel("HSM user PIN").fill("not-the-pin");
        await page.getByRole("button", { name: "Run the action" }).click();
        await page.getByText(`Step ${index + 1} failed`).waitFor();
        await page.getByRole("button", { name: "Retry the action" }).waitFor();
        await screens.capture(page, `step-${n}-wrong-pin-error`);
        await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      } else if (title === "Generate the root key in the HSM") {
        // Confirm, then act: what the HSM will make is on screen and confirmed before it runs.
        await confirmPreview(page, WITNESSES);
        await screens.capture(page, `step-${n}-preview-confirmed`);
        await expect(page.getByRole("button", { name: "Run the action" }).isEnabled()).resolves.toBe(true);
        // SoftHSM2 makes even an RSA-4096 key faster than a photograph: every answer of the
        // core (the action's and the state polls') reaches this window three seconds late, so
        // the progress display can be seen and audited.
        await page.route("**/rpc", async (route) => {
          const response = await route.fetch();
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          await route.fulfill({ response });
        });
        const answered = clickForRpc(page, page.getByRole("button", { name: "Run the action" }), "ceremony:run-action");
        await page.getByText(/^Elapsed [1-9]\.\d s/).waitFor();
        await screens.capture(page, `step-${n}-action-running`);
        await answered;
        await page.unrouteAll({ behavior: "wait" });
      } else {
        if (index === 0) await screens.capture(page, `step-${n}-officer-console`);
        await runAction(page);
      }
      await waitForAwaitingWitnesses(page);
      await screens.capture(page, `step-${n}-outputs-awaiting-witnesses`);

      // Odd steps are attested on the projector's witness view, even ones in the main window.
      const where = index % 2 === 0 ? witness.page : page;
      await where.bringToFront();
      await waitForAwaitingWitnesses(where);
      if (index === 0) await screens.capture(where, `step-${n}-witness-view-checklist`);
      await attest(where, WITNESSES[0]!);
      if (index === 3) {
        // One of two: the progress line says so (the core's shortfall sentence is not repeated).
        await where.getByText("Attested by 1 of the 2 internal witnesses this step needs.").waitFor();
        await screens.capture(where, `step-${n}-witness-view-one-attested`);
      }
      await attest(where, WITNESSES[1]!);
    }

    await page.bringToFront();
    await page.getByRole("heading", { level: 1, name: "Finish the ceremony" }).waitFor();
    await screens.capture(page, "07-ready-to-finish");
    await witness.page.bringToFront();
    await witness.page.getByRole("heading", { level: 1, name: "Every step is attested" }).waitFor();
    await screens.capture(witness.page, "08-witness-view-all-attested");

    await page.bringToFront();
    await finishCeremony(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toContain("VERIFIED");
    await screens.capture(page, "09-ceremony-complete");

    await verifyInAuditor(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    await page.getByRole("heading", { name: /^Certificate: root-ca-r1/ }).waitFor();
    await screens.capture(page, "10-auditor-verified");

    await page.getByRole("link", { name: "Ceremony" }).click();
    await clickForRpc(page, page.getByRole("button", { name: "Start another ceremony" }), "app:info").catch(() => undefined);
    expect(main.problems).toEqual([]);
    expect(witness.problems).toEqual([]);
  }, 300_000); // a bound only: twenty audited screens and two witness windows on a busy 2-core machine
});
