/**
 * (b) A complete 3-of-5 master key rehearsal through the renderer: nine people sign in, the KEK
 * is generated and split onto five cards, every holder reads back their card — the QR code on
 * the card image the screen shows is decoded with zbarimg and typed into the read-back field,
 * as a USB scanner types — then three holders enter their cards for the trial recovery, the
 * ceremony is finished and the auditor screen verifies the bundle. Then a key-recovery ceremony
 * takes that bundle's path as its parameter and recovers the key from three of those cards into
 * a fresh token.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupWord, suggestWords } from "../../src/escrow/wordlist.ts";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  chooseScript,
  closeSignIn,
  finishCeremony,
  runAction,
  signIn,
  startRehearsal,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { ADMIN, HOLDERS, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";
import { cardMatches, enterRecoveryCard, scanIntoReadBack, showCard } from "./support/share-cards.ts";

const BEFORE_ESCROW = ["Confirm the workstation is offline", "Log in to the HSM", "Find or create the transcript-signing key", "Generate the master key in the HSM"];

describe.skipIf(chromiumMissing)("master key rehearsal through the UI", () => {
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("b-master-key");
  /** The cards as their holders took them home: the text each card's QR code holds. */
  const cards = new Map<string, string>();

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

  // A whole ceremony through the UI: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("splits onto five cards, reads every card back, recovers from three, and verifies", { timeout: 420_000 }, async () => {
    const main = await openPage(context, harness.url);
    const page = main.page;
    await chooseScript(page, "Master key generation and escrow");
    await startRehearsal(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...HOLDERS]);
    await screens.capture(page, "01-sign-in-nine-people");
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);

    for (const title of BEFORE_ESCROW) {
      await waitForStep(page, title);
      await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      await waitForAwaitingWitnesses(page);
      for (const w of WITNESSES) await attest(page, w);
    }

    await waitForStep(page, "Escrow the master key onto share cards");
    await runAction(page);
    await waitForAwaitingWitnesses(page);
    await page.getByRole("table", { name: /Cards printed/ }).waitFor();
    await screens.capture(page, "02-escrow-split-outputs-and-cards");
    const witness = await openPage(context, harness.witnessUrl);
    await waitForAwaitingWitnesses(witness.page);
    await screens.capture(witness.page, "03-witness-view-escrow");
    for (const w of WITNESSES) await attest(witness.page, w);
    await page.bringToFront();

    await waitForStep(page, "Every holder reads back their own card");
    await page.getByRole("heading", { name: "Share cards: every holder reads back their card" }).waitFor();
    await screens.capture(page, "04-read-back-board");
    // Each turn button's name begins with the word it shows, so "click Start" by voice reaches it
    // (WCAG 2.5.3), and goes on to say whose card it is.
    await expect(turnButtons(page)).resolves.toEqual(
      HOLDERS.map((h, i) => (i === 0 ? ["Now", `Now reading back: card 1, ${h.name}`] : ["Start", `Start read-back: card ${i + 1}, ${h.name}`])),
    );

    for (const [i, holder] of HOLDERS.entries()) {
      const text = await showCard(page, i + 1, holder);
      cards.set(holder.name, text);
      if (i === 0) {
        await screens.capture(page, "05-read-back-card-preview");
        const typo = await typeWithTypo(page, text);
        await screens.capture(page, "06-read-back-typo-feedback");
        await page.getByLabel(`Word ${typo.index + 1}`, { exact: true }).fill(typo.word);
        await page.getByText(`card 1 matches what was printed for ${holder.name}`).waitFor(LONG);
        await screens.capture(page, "07-read-back-card-matches");
      } else {
        await scanIntoReadBack(page, text);
      }
      await cardMatches(page, i + 1, holder);
    }
    await page.getByText(`All ${HOLDERS.length} cards read back and verified.`).waitFor(LONG);
    await expect(page.getByRole("table", { name: /5 of 5 read back/ }).isVisible()).resolves.toBe(true);
    await screens.capture(page, "08-read-back-all-verified");
    await expect(turnButtons(page)).resolves.toEqual(HOLDERS.map((h, i) => ["Again", `Again: read back card ${i + 1}, ${h.name}`]));
    await runAction(page, { button: `Record the read-back of all ${HOLDERS.length} cards` });
    await waitForAwaitingWitnesses(page);
    for (const w of WITNESSES) await attest(page, w);

    await waitForStep(page, "Trial recovery with 3 cards");
    await screens.capture(page, "09-trial-recovery-empty");
    const recoveryHolders = [HOLDERS[0]!, HOLDERS[2]!, HOLDERS[4]!];
    for (const [i, holder] of recoveryHolders.entries()) {
      await enterRecoveryCard(page, i + 1, holder, cards.get(holder.name)!);
    }
    await screens.capture(page, "10-trial-recovery-three-cards");
    await runAction(page, { button: "Recover with these 3 cards" });
    await waitForAwaitingWitnesses(page);
    await page.getByText("3 cards recovered the key; KCVs match").waitFor();
    await screens.capture(page, "11-trial-recovery-kcvs");
    for (const w of WITNESSES) await attest(page, w);

    await page.getByRole("heading", { level: 1, name: "Finish the ceremony" }).waitFor(LONG);
    await finishCeremony(page);
    await screens.capture(page, "12-ceremony-complete");
    await verifyInAuditor(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    await page.getByRole("heading", { name: /^Share card fingerprints: KEK-01/ }).waitFor();
    await screens.capture(page, "13-auditor-verified");

    expect(main.problems).toEqual([]);
    expect(witness.problems).toEqual([]);
  });

  // A whole ceremony through the UI: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("recovers the key from three of those cards into a fresh token", { timeout: 420_000 }, async () => {
    expect(cards.size, "the master key rehearsal above gave every holder a card").toBe(HOLDERS.length);
    const [bundle] = await harness.service["bundle:list"]({});
    const main = await openPage(context, harness.url);
    const page = main.page;
    await page.getByRole("button", { name: "Start another ceremony" }).click();
    await page.getByRole("radio", { name: /^Master key recovery from share cards/ }).check();
    await page.getByText(/Is required; give it a value/).first().waitFor(LONG);
    await page.locator("#param-bundle").fill(bundle!.dir);
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await screens.capture(page, "14-recovery-ceremony-parameters");
    await startRehearsal(page);
    const holders = [HOLDERS[1]!, HOLDERS[3]!, HOLDERS[4]!];
    // The script names 2 holders, but the bundle's split needs k = 3: sign-in asks for 3.
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, holders[0]!, holders[1]!]);
    await page.getByText("Still missing: 1 × Share holder.").waitFor(LONG);
    await signIn(page, [holders[2]!]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM that receives the key", "Find or create this token's transcript-signing key"]) {
      await waitForStep(page, title);
      await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      await waitForAwaitingWitnesses(page);
      for (const w of WITNESSES) await attest(page, w);
    }
    await waitForStep(page, "Holders enter their cards; the key is recovered");
    // Hugo holds card 2; Helen's card 4 entered under his name is refused, naming both cards.
    const first = page.getByRole("region", { name: "Holder 1", exact: true });
    await first.getByLabel("Holder’s name").selectOption({ label: `${holders[0]!.name} — ${holders[0]!.organisation}` });
    await first.getByLabel(/^Scan the card/).fill(cards.get(holders[1]!.name)!);
    await first.getByText(new RegExp(`That is card 4 of set [0-9A-F ]+, printed for ${holders[1]!.name}; ${holders[0]!.name}'s card is card 2\\.`)).waitFor(LONG);
    await screens.capture(page, "15a-recovery-card-of-another-holder");
    for (const [i, holder] of holders.entries()) {
      if (i === 1) {
        // The same card a second time is refused at entry, before any HSM work.
        const second = page.getByRole("region", { name: "Holder 2", exact: true });
        await second.getByLabel("Holder’s name").selectOption({ label: `${holder.name} — ${holder.organisation}` });
        await second.getByLabel(/^Scan the card/).fill(cards.get(holders[0]!.name)!);
        await second.getByText(new RegExp(`Card 2 of set [0-9A-F ]+ was already entered for ${holders[0]!.name}\\.`)).waitFor(LONG);
        await screens.capture(page, "15b-recovery-same-card-twice");
      }
      await enterRecoveryCard(page, i + 1, holder, cards.get(holder.name)!);
    }
    await screens.capture(page, "15-recovery-three-cards-entered");
    await runAction(page, { button: "Recover with these 3 cards" });
    await waitForAwaitingWitnesses(page);
    await screens.capture(page, "16-recovery-outputs");
    for (const w of WITNESSES) await attest(page, w);
    await finishCeremony(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    expect(main.problems).toEqual([]);
  });
});

/**
 * The first holder types the words by hand and swaps two letters of one word. The word is
 * chosen so that the slip is no list word (nor a prefix of one) and the core's first suggestion
 * is the word on the card; the screen must point at it and make that suggestion.
 */
async function typeWithTypo(page: Page, text: string): Promise<{ index: number; word: string }> {
  const words = text.replace(/^CWS1:/, "").toLowerCase().split(" ");
  const swap = (w: string) => `${w[0]}${w[2]}${w[1]}${w.slice(3)}`;
  const index = words.findIndex((w, i) => i >= 2 && lookupWord(swap(w)) === undefined && suggestWords(swap(w))[0] === w);
  expect(index, "some word on the card has a typo the checker can name").toBeGreaterThanOrEqual(0);
  for (const [i, word] of words.entries()) {
    await page.getByLabel(`Word ${i + 1}`, { exact: true }).fill(i === index ? swap(word) : word);
  }
  const typo = swap(words[index]!);
  await page.getByText(`not a list word — ${words[index]}?`).waitFor(LONG);
  await page.getByText(`word ${index + 1} "${typo}" is not in the word list; did you mean "${words[index]}"?`).waitFor(LONG);
  return { index, word: words[index]! };
}

/** The share board's turn buttons, each as [the word it shows, its accessible name]. */
function turnButtons(page: Page): Promise<Array<[string | null, string | null]>> {
  return page
    .getByRole("table", { name: /read back$/ })
    .getByRole("button")
    .evaluateAll((buttons) => buttons.map((b): [string | null, string | null] => [b.textContent, b.getAttribute("aria-label")]));
}
