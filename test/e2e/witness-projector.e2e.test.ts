/**
 * The witness view on a projector (1920×1080): for each kind of moment in a 2-of-3 master key
 * rehearsal — a fingerprint to copy, KCVs, the card read-back, VERIFIED at the end — and for an
 * aborted root-CA rehearsal (ABORTED), the page is no taller than the screen, every element a
 * witness needs (values, checklist, name, PIN and button) is inside it, and the checklist,
 * attestation progress and verdict are at least 32 px. The officer works in the main window;
 * the projector window only follows.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { attest, attestAirGapOverride, chooseScript, clickForRpc, closeSignIn, finishCeremony, runAction, signIn, startRehearsal, waitForAwaitingWitnesses, waitForStep } from "./support/ceremony-driver.ts";
import { ADMIN, HOLDERS, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { attestationStepProblems, PROJECTOR, projectorProblems } from "./support/projector.ts";
import { enterRecoveryCard } from "./support/share-cards.ts";
import { scanQrFromDataUrl } from "./support/qr.ts";
import { ScreenRecorder } from "./support/screens.ts";

const LONG = { timeout: 30_000 };
const THREE = HOLDERS.slice(0, 3);

describe.skipIf(chromiumMissing)("witness view on a projector", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let officerContext: BrowserContext;
  let projectorContext: BrowserContext;
  const screens = new ScreenRecorder("witness-projector");

  beforeAll(async () => {
    await ensureRendererBuild();
    harness = await startHarness();
    browser = await launchChromium();
    officerContext = await browser.newContext({ viewport: VIEWPORT });
    projectorContext = await browser.newContext({ viewport: PROJECTOR });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
  });

  /** The step's title, checklist, attestation progress and every marked value are in view. */
  async function expectStepFits(projector: Page, title: string, shot: string, options: { words: boolean }): Promise<void> {
    await projector.bringToFront();
    await waitForStep(projector, title);
    await waitForAwaitingWitnesses(projector);
    const problems = await attestationStepProblems(projector, [
      { name: "digits to copy", locator: projector.locator("mark.copy-digits") },
      ...(options.words ? [{ name: "words to copy", locator: projector.locator("li.copy-word") }] : []),
    ]);
    // A word read aloud is never cut short by its column.
    const clipped = await projector.locator(".pgp-words li").evaluateAll((items) => items.filter((li) => li.scrollWidth > li.clientWidth + 1).map((li) => li.textContent));
    await screens.capture(projector, shot);
    expect(problems).toEqual([]);
    expect(clipped).toEqual([]);
  }

  // A whole ceremony through the UI: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("keeps what witnesses need above the fold, from the first fingerprint to VERIFIED", { timeout: 420_000 }, async () => {
    const { page, problems: officerProblems } = await openPage(officerContext, harness.url);
    await chooseScript(page, "Master key generation and escrow");
    await page.locator("#param-cardCount").fill("3");
    await page.locator("#param-threshold").fill("2");
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await startRehearsal(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...THREE]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    const projector = await openPage(projectorContext, harness.witnessUrl);

    const attestAll = async (): Promise<void> => {
      await page.bringToFront();
      for (const w of WITNESSES) await attest(page, w);
    };
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM", "Find or create the transcript-signing key", "Generate the master key in the HSM", "Escrow the master key onto share cards"]) {
      await page.bringToFront();
      await waitForStep(page, title);
      await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      await waitForAwaitingWitnesses(page);
      if (title === "Find or create the transcript-signing key") await expectStepFits(projector.page, title, "01-signer-fingerprint", { words: true });
      if (title === "Generate the master key in the HSM") await expectStepFits(projector.page, title, "02a-kek-kcv", { words: false });
      if (title === "Escrow the master key onto share cards") await expectStepFits(projector.page, title, "02-escrow-kcvs", { words: false });
      await attestAll();
    }

    const cards = new Map<string, string>();
    const readBack = async (i: number, afterDone: boolean): Promise<void> => {
      const holder = THREE[i]!;
      await page.bringToFront();
      await page.getByRole("heading", { level: 3, name: `Card ${i + 1}: ${holder.name}’s turn` }).waitFor(LONG);
      // Focus follows the work: after "Done — next holder", the next holder's "Show the card"; then the scan field.
      if (afterDone) await page.waitForFunction(() => document.activeElement?.textContent === "Show the card", undefined, LONG);
      await clickForRpc(page, page.getByRole("button", { name: "Show the card" }), "cards:preview");
      const image = page.getByRole("img", { name: new RegExp(`^Share card ${i + 1} for ${holder.name}`) });
      const text = cards.get(holder.name) ?? (await scanQrFromDataUrl((await image.getAttribute("src")) ?? ""));
      cards.set(holder.name, text);
      // The card is shown after the core answers; the cursor then moves to the scan field.
      await page.waitForFunction((id) => document.activeElement?.id === id, `readback-${i + 1}-scan`, LONG);
      await page.keyboard.type(text, { delay: 0 });
      await page.keyboard.press("Enter");
      await page.getByText(`card ${i + 1} matches what was printed for ${holder.name}`).waitFor(LONG);
      await page.getByRole("button", { name: /^Done — / }).click();
    };
    await readBack(0, false);
    await readBack(1, true);
    {
      const p = projector.page;
      await p.bringToFront();
      await p.getByText("2 of 3").waitFor(LONG);
      await p.getByText(`Next: ${THREE[2]!.name} (card 3)`).waitFor(LONG);
      const fit = await projectorProblems(p, [
        { name: "step title", locator: p.getByRole("heading", { level: 1 }) },
        { name: "read-back progress", locator: p.locator(".witness-read-back .witness-big"), minFontPx: 32 },
        { name: "card list", locator: p.locator(".witness-card-list li"), minFontPx: 32 },
      ]);
      await expect(p.getByText("Read-back under way").count()).resolves.toBe(1);
      await screens.capture(p, "03-read-back-two-of-three");
      expect(fit).toEqual([]);
    }
    // The officer's window is reloaded: the two cards already read back are journaled
    // (share.read-back), so the board still shows them and only card 3 is left to read back.
    await page.bringToFront();
    await page.reload();
    await page.getByText(`Still to read back: card 3 (${THREE[2]!.name}).`).waitFor(LONG);
    await screens.capture(page, "03b-officer-reloaded-during-read-back");
    await readBack(2, false);
    await page.bringToFront();
    await runAction(page, { button: `Record the read-back of all ${THREE.length} cards` });
    await waitForAwaitingWitnesses(page);
    await attestAll();

    await waitForStep(page, "Trial recovery with 2 cards");
    for (const [i, holder] of [THREE[0]!, THREE[2]!].entries()) await enterRecoveryCard(page, i + 1, holder, cards.get(holder.name)!);
    await runAction(page, { button: "Recover with these 2 cards" });
    await waitForAwaitingWitnesses(page);
    await expectStepFits(projector.page, "Trial recovery with 2 cards", "04-trial-recovery-kcvs", { words: false });
    await attestAll();
    await page.getByRole("heading", { level: 1, name: "Finish the ceremony" }).waitFor(LONG);
    await finishCeremony(page);

    const p = projector.page;
    await p.bringToFront();
    await p.locator(".witness-verdict.verdict-ok").waitFor(LONG);
    await expect(p.locator(".witness-verdict").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    const fit = await projectorProblems(p, [
      { name: "verdict", locator: p.locator(".witness-verdict"), minFontPx: 32 },
      { name: "signer fingerprint hex", locator: p.locator(".witness-final .read-aloud-hex").first() },
      { name: "signer fingerprint words", locator: p.locator(".witness-final .pgp-words li") },
      { name: "final journal head", locator: p.locator(".witness-head") },
    ]);
    await expect(p.locator(".witness-final mark.copy-digits").first().innerText()).resolves.toMatch(/^([0-9A-F]{4} ){3}[0-9A-F]{4} ?$/);
    await expect(p.locator(".witness-final .pgp-words li").count()).resolves.toBe(32);
    await screens.capture(p, "05-verified-signer");
    expect(fit).toEqual([]);

    // An aborted ceremony ends on the projector as ABORTED, with its reason and the signer.
    await page.bringToFront();
    await page.getByRole("button", { name: "Start another ceremony" }).click();
    await chooseScript(page, "Root CA key generation");
    await startRehearsal(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES]);
    await abortCeremony(page, "The HSM bag number did not match the inventory sheet.");
    await page.getByLabel("HSM user PIN").fill(REHEARSAL_HSM_PIN);
    await clickForRpc(page, page.getByRole("button", { name: "Sign the transcript and write the bundle" }), "ceremony:finish");
    await p.bringToFront();
    await p.locator(".witness-verdict.verdict-aborted").waitFor(LONG);
    await p.locator(".witness-final .pgp-words").waitFor(LONG);
    await expect(p.locator(".witness-verdict").innerText()).resolves.toMatch(/^\W*ABORTED$/);
    const abortedFit = await projectorProblems(p, [
      { name: "verdict", locator: p.locator(".witness-verdict"), minFontPx: 32 },
      { name: "abort reason", locator: p.getByText("Reason: The HSM bag number did not match the inventory sheet."), minFontPx: 32 },
      { name: "signer fingerprint hex", locator: p.locator(".witness-final .read-aloud-hex").first() },
      { name: "signer fingerprint words", locator: p.locator(".witness-final .pgp-words li") },
      { name: "final journal head", locator: p.locator(".witness-head") },
    ]);
    await screens.capture(p, "06-aborted-signer");
    expect(abortedFit).toEqual([]);
    expect(officerProblems).toEqual([]);
    expect(projector.problems).toEqual([]);
  });
});

/** The officer aborts with dual control: the administrator decides, the first witness confirms. */
async function abortCeremony(page: Page, reason: string): Promise<void> {
  await page.getByRole("button", { name: "Abort the ceremony…" }).click();
  const dialog = page.getByRole("dialog", { name: "Abort the ceremony?" });
  await dialog.getByLabel("Who decides to abort").selectOption({ label: `${ADMIN.name} — ${ADMIN.roleTitle}` });
  await dialog.getByLabel("Reason (goes into the transcript)").fill(reason);
  await dialog.getByLabel("Internal witness confirming the abort").selectOption({ label: `${WITNESSES[0]!.name} — ${WITNESSES[0]!.roleTitle}` });
  await dialog.getByLabel("The witness’s attestation PIN").fill(WITNESSES[0]!.pin);
  await clickForRpc(page, dialog.getByRole("button", { name: "Abort the ceremony" }), "ceremony:abort");
  await page.getByText(`Aborted: ${reason}`).waitFor(LONG);
}
