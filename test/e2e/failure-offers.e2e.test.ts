/**
 * A failed step offers what its error's advice kind allows (docs/errors.md), on the real screens
 * against the real core and SoftHSM2: a mistyped HSM PIN (retry) offers "Retry the action" with
 * focus on the PIN field; a token that refuses the root key's algorithm (CKR_MECHANISM_INVALID,
 * choose another) offers no Retry at all — its advice says why, focus is on Abort — also after a
 * reload, when the failure comes from the journal; the ceremony is then aborted under dual
 * control and its transcript signed.
 *
 * The token refuses EC because the ceremony's own HSM session is masked (src/hsm/capability-mask.ts)
 * once the rehearsal has started: the preflight saw the whole token, as a preflight without the
 * PIN cannot run the known-answer tests that would have shown the refusal.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADVICE_TEXT } from "../../src/common/advice.ts";
import { CKM, HsmClient, type HsmClientOptions } from "../../src/hsm/index.ts";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  chooseScript,
  clickForRpc,
  closeSignIn,
  confirmPreview,
  runAction,
  signIn,
  startRehearsal,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { ADMIN, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";

/** The accessible name (or text) of the focused element, and whether it sits in the step's error notice. */
function focused(page: Page): Promise<{ tag: string; text: string; label: string; inNotice: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const label = el?.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "") : "";
    return { tag: el?.tagName ?? "", text: (el?.textContent ?? "").trim(), label: label.trim(), inNotice: el?.closest(".notice-error") !== null };
  });
}

async function attestBoth(page: Page): Promise<void> {
  await waitForAwaitingWitnesses(page);
  for (const w of WITNESSES) await attest(page, w);
}

describe.skipIf(chromiumMissing)("what a failed step offers", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("failure-offers");
  const open = HsmClient.open.bind(HsmClient);
  let maskEc = false;

  beforeAll(async () => {
    HsmClient.open = (options: HsmClientOptions = {}) => open(maskEc ? { ...options, mask: { hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.ECDSA] } } : options);
    await ensureRendererBuild();
    harness = await startHarness();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    HsmClient.open = open;
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
  });

  it("offers Retry for a wrong PIN, and for an algorithm the token refuses only Abort", async () => {
    const { page, problems } = await openPage(context, harness.url);
    await chooseScript(page, "Root CA key generation");
    await startRehearsal(page);
    // From here on the HSM sessions are the ceremony's: no EC on this token.
    maskEc = true;
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES]);
    await closeSignIn(page);
    const first = page.getByRole("heading", { level: 1, name: "Confirm the workstation is offline", exact: true });
    const override = page.getByRole("heading", { level: 1, name: "The workstation is connected to a network" });
    await first.or(override).waitFor(LONG);
    if (await override.isVisible()) for (const w of WITNESSES) await attestAirGapOverride(page, w);

    await waitForStep(page, "Confirm the workstation is offline");
    await runAction(page);
    await attestBoth(page);

    // Retry kind: a mistyped PIN. Retrying can help, so Retry is offered and the PIN is typed again.
    await waitForStep(page, "Log in to the HSM");
    await page.getByLabel("HSM user PIN").fill("not-the-pin");
    await expect(clickForRpc(page, page.getByRole("button", { name: "Run the action" }), "ceremony:run-action")).rejects.toThrow(/CKR_PIN_INCORRECT/);
    const pinNotice = page.locator(".notice-error");
    await pinNotice.getByText(ADVICE_TEXT.retry).waitFor(LONG);
    await page.getByRole("button", { name: "Retry the action" }).waitFor(LONG);
    await expect.poll(() => focused(page)).toMatchObject({ tag: "INPUT", label: "HSM user PIN" });
    await screens.capture(page, "01-retry-offered");
    await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
    await attestBoth(page);

    await waitForStep(page, "Find or create the transcript-signing key");
    await runAction(page);
    await attestBoth(page);

    // Choose-another kind: the token cannot make an EC-P384 key. Retrying the same cannot help.
    await waitForStep(page, "Generate the root key in the HSM");
    await confirmPreview(page, WITNESSES);
    await expect(clickForRpc(page, page.getByRole("button", { name: "Run the action" }), "ceremony:run-action")).rejects.toThrow(/CKR_MECHANISM_INVALID/);
    const assertNoRetry = async (shot: string) => {
      const notice = page.locator(".notice-error");
      await notice.getByText("Step 4 failed").waitFor(LONG);
      await notice.getByText(ADVICE_TEXT["choose-another"]).waitFor(LONG);
      await notice.getByText("Error code: CKR_MECHANISM_INVALID").waitFor(LONG);
      await expect.poll(() => focused(page)).toEqual(expect.objectContaining({ tag: "BUTTON", text: "Abort the ceremony…", inNotice: true }));
      expect(await page.getByRole("button", { name: /retry/i }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /Run the action|Enter different/ }).count()).toBe(0);
      await screens.capture(page, shot);
    };
    await assertNoRetry("02-choose-another-no-retry");
    // After a reload the failure comes from the journal, with the same advice and offers.
    await page.reload();
    await waitForStep(page, "Generate the root key in the HSM");
    await assertNoRetry("03-choose-another-after-reload");

    // Abort stays dual-controlled; the aborted ceremony's transcript is signed.
    await page.locator(".notice-error").getByRole("button", { name: "Abort the ceremony…" }).click();
    const dialog = page.getByRole("dialog", { name: "Abort the ceremony?" });
    await dialog.getByLabel("Who decides to abort").selectOption({ label: `${ADMIN.name} — ${ADMIN.roleTitle}` });
    await dialog.getByLabel("Reason (goes into the transcript)").fill("The HSM offers no EC-P384 (CKR_MECHANISM_INVALID).");
    await dialog.getByLabel("Internal witness confirming the abort").selectOption({ label: `${WITNESSES[0]!.name} — ${WITNESSES[0]!.roleTitle}` });
    await dialog.getByLabel("The witness’s attestation PIN").fill(WITNESSES[0]!.pin);
    await clickForRpc(page, dialog.getByRole("button", { name: "Abort the ceremony" }), "ceremony:abort");
    await page.getByText("Aborted: The HSM offers no EC-P384 (CKR_MECHANISM_INVALID).").waitFor(LONG);
    await screens.capture(page, "04-aborted-sign-transcript");
    const pin = page.getByLabel("HSM user PIN");
    if ((await pin.count()) > 0) await pin.fill(REHEARSAL_HSM_PIN);
    await clickForRpc(page, page.getByRole("button", { name: "Sign the transcript and write the bundle" }), "ceremony:finish");
    await page.getByRole("heading", { level: 1, name: "Ceremony aborted — transcript signed" }).waitFor(LONG);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED — ABORTED CEREMONY$/);
    expect(problems).toEqual([]);
  }, 600_000);
});
