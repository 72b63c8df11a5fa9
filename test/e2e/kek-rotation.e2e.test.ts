/**
 * KEK rotation through the renderer (issue 15), on a "real" token that holds the master key a
 * master-key ceremony made earlier (rehearsed directly, recorded in this workstation's journal):
 * the start screen takes the old KEK's full ID; sign-in will not close until the CISO or Director
 * of Cybersecurity the script requires has signed in with that title; the step that checks the old
 * KEK shows its ID and KCVs, on the console and on the projector, before any new key exists; the
 * new KEK's cards are each read back (QR → zbarimg → the scan field) with the projector following,
 * a trial recovery matches both KCVs, the old KEK is scheduled for destruction; and the auditor
 * screen verifies the bundle and shows the date by which the old KEK is to be destroyed.
 */
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatKcv, formatKeyId, formatUtcDate } from "../../src/common/index.ts";
import type { InventoryKey } from "../../src/journal/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import type { Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  closeSignIn,
  expectNamedWitnessMissing,
  finishCeremony,
  runAction,
  runAndAttest,
  shownOutput,
  signIn,
  signInWithTitle,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { rehearseEarlierCeremony } from "./support/earlier-ceremonies.ts";
import { ADMIN, DIRECTOR, HOLDERS, OFFICER, WITNESSES } from "./support/people.ts";
import { attestationStepProblems, PROJECTOR, projectorProblems } from "./support/projector.ts";
import { chooseBundleFolder, chooseRealToken, startOnToken, type TokenWorkstation, workstationWithToken } from "./support/real-token.ts";
import { ScreenRecorder } from "./support/screens.ts";
import { enterRecoveryCard, readBackEveryCard } from "./support/share-cards.ts";

const CISO_RULE = "CISO or Director of Cybersecurity";
const NAMED = `Named by policy: ${CISO_RULE} — ${DIRECTOR.name} (${DIRECTOR.title})`;
/** The Director and one more internal witness attest every step: the script's "including: [ciso]". */
const ATTESTERS = [DIRECTOR, WITNESSES[0]!];
const THREE = HOLDERS.slice(0, 3);

describe.skipIf(chromiumMissing)("KEK rotation through the UI, the Director of Cybersecurity witnessing", () => {
  let room: TokenWorkstation;
  let harness: Harness;
  let browser: SharedBrowser;
  let officerContext: BrowserContext;
  let projectorContext: BrowserContext;
  /** KEK-01 as the master-key ceremony recorded it in the key inventory. */
  let oldKek: InventoryKey;
  const screens = new ScreenRecorder("e-kek-rotation");

  beforeAll(async () => {
    await ensureRendererBuild();
    // The workstation's own journal holds the master key: its key inventory knows KEK-01.
    room = await workstationWithToken({
      name: "kek-rotation-ui",
      tokenLabel: "kek-hsm",
      scripts: ["kek-rotation.yaml"],
      async earlier(env, journal, dir) {
        await rehearseEarlierCeremony({
          env,
          tokenLabel: "kek-hsm",
          journal,
          outDir: path.join(dir, "earlier", "master-key"),
          file: "master-key.yaml",
          params: "parameters:\n  threshold: 2\n  cardCount: 3\n",
          people: [ADMIN, OFFICER, ...WITNESSES, ...THREE],
        });
        oldKek = journal.listKeys().find((k) => k.label === "KEK-01")!;
      },
    });
    harness = room.harness;
    browser = await launchChromium();
    officerContext = await browser.newContext({ viewport: VIEWPORT });
    projectorContext = await browser.newContext({ viewport: PROJECTOR });
  }, 600_000);

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await room?.close();
  });

  const kekLabels = async (): Promise<string[]> => (await harness.service["keys:list"]({})).filter((k) => k.purpose === "kek").map((k) => k.label);

  /** The projector's witness view at this step: everything a witness needs fits, and is photographed. */
  async function projectorFits(projector: Page, title: string, shot: string): Promise<void> {
    await projector.bringToFront();
    await waitForStep(projector, title);
    await waitForAwaitingWitnesses(projector);
    const problems = await attestationStepProblems(projector, [{ name: "named witness", locator: projector.locator(".named-witnesses-line") }]);
    await screens.capture(projector, shot);
    expect(problems).toEqual([]);
  }

  // A whole ceremony through the UI: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("rotates KEK-01: old key checked first, new cards read back, trial recovery, old key scheduled for destruction, verified", { timeout: 900_000 }, async () => {
    expect(oldKek, "the master-key ceremony recorded KEK-01").toBeDefined();
    const { page, problems } = await openPage(officerContext, harness.url);
    const token = room.token;

    // Start screen: the rotation script, the old KEK's full ID as `ceremony keys --full-ids` shows it.
    await page.getByRole("radio", { name: /^Master key \(KEK\) rotation/ }).check();
    await expect(page.getByLabel(/^Label of the KEK being replaced/).inputValue()).resolves.toBe("KEK-01");
    await page.getByLabel(/^The old KEK's full CKA_ID/).fill(oldKek.ckaId);
    await page.locator("#param-threshold").fill("2");
    await page.locator("#param-cardCount").fill("3");
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await chooseRealToken(page, token);
    const bundleDir = path.join(room.dir, "kek-rotation-bundle");
    await chooseBundleFolder(page, bundleDir);
    await screens.capture(page, "01-start");
    await startOnToken(page);

    // Two internal witnesses fill the role, not the policy: sign-in cannot close without the Director.
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...THREE]);
    await expectNamedWitnessMissing(page, CISO_RULE);
    await screens.capture(page, "02-sign-in-named-witness-missing");
    await signInWithTitle(page, DIRECTOR);
    await page.locator(".named-witnesses").getByText(new RegExp(`${CISO_RULE} among the internal witnesses: ${DIRECTOR.name} \\(${DIRECTOR.title}\\)`)).waitFor(LONG);
    await screens.capture(page, "02b-sign-in-named-witness-filled");
    await closeSignIn(page);
    for (const w of ATTESTERS) await attestAirGapOverride(page, w);

    const projector = await openPage(projectorContext, harness.witnessUrl);
    await projector.page.getByText(NAMED).waitFor(LONG);
    await page.bringToFront();
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM that holds the old KEK", "Find or create the transcript-signing key"]) {
      await runAndAttest(page, title, { hsmPin: token.userPin, witnesses: ATTESTERS });
    }

    // The old KEK is found and identified before anything is made: its ID and both KCVs, as recorded.
    const checkOld = "Find the old master key on this token";
    await waitForStep(page, checkOld);
    await page.getByText(NAMED).waitFor(LONG);
    await runAction(page, { hsmPin: token.userPin, witnesses: ATTESTERS });
    await waitForAwaitingWitnesses(page);
    const oldShown = `KEK-01 (ID ${formatKeyId(oldKek.ckaId)})`;
    const kcvsShown = `KCV ${formatKcv(oldKek.kcvEcb0!)} / ${formatKcv(oldKek.kcvCmac!)}`;
    await expect(shownOutput(page, "Key being replaced")).resolves.toBe(oldShown);
    await expect(shownOutput(page, "Its check values")).resolves.toBe(kcvsShown);
    await expect(shownOutput(page, "Key inventory")).resolves.toMatch(/^made \d{4}-\d{2}-\d{2} by ceremony master-key-\S+; due for rotation \d{4}-\d{2}-\d{2}$/);
    await expect(kekLabels()).resolves.toEqual(["KEK-01"]);
    await screens.capture(page, "03-check-old-kek");
    // The room reads the same on the projector, and attests there.
    await projectorFits(projector.page, checkOld, "04-witness-check-old-kek");
    await expect(shownOutput(projector.page, "Key being replaced")).resolves.toBe(oldShown);
    await expect(shownOutput(projector.page, "Its check values")).resolves.toBe(kcvsShown);
    for (const w of ATTESTERS) await attest(projector.page, w);
    await page.bringToFront();

    for (const title of ["Generate the new master key in the HSM", "Escrow the new master key onto share cards"]) {
      await runAndAttest(page, title, { hsmPin: token.userPin, witnesses: ATTESTERS });
    }
    await expect(kekLabels()).resolves.toEqual(expect.arrayContaining(["KEK-01", "KEK-02"]));

    // Every new card read back by scanner; after the first, the projector shows the progress.
    await waitForStep(page, "Every holder reads back their own card");
    const cards = await readBackEveryCard(page, THREE, { paper: (n) => room.printer.printedCard(n), afterCard: async (n) => {
      if (n !== 1) return;
      await screens.capture(page, "05-read-back-card-1-matches");
      const p = projector.page;
      await p.bringToFront();
      await p.getByText(`Next: ${THREE[1]!.name} (card 2)`).waitFor(LONG);
      await expect(p.locator(".witness-read-back").innerText()).resolves.toMatch(/1 of 3\s+cards read back/);
      const fit = await projectorProblems(p, [
        { name: "step title", locator: p.getByRole("heading", { level: 1 }) },
        { name: "read-back progress", locator: p.locator(".witness-read-back .witness-big"), minFontPx: 32 },
        { name: "card list", locator: p.locator(".witness-card-list li"), minFontPx: 32 },
        { name: "named witness", locator: p.locator(".named-witnesses-line") },
      ]);
      await screens.capture(p, "06-witness-read-back-one-of-three");
      expect(fit).toEqual([]);
      await page.bringToFront();
    } });
    await runAction(page, { button: "Record the read-back of all 3 cards", witnesses: ATTESTERS });
    await waitForAwaitingWitnesses(page);
    for (const w of ATTESTERS) await attest(page, w);

    await waitForStep(page, "Trial recovery with 2 cards");
    for (const [i, holder] of [THREE[0]!, THREE[2]!].entries()) await enterRecoveryCard(page, i + 1, holder, cards.get(holder.name)!);
    await runAction(page, { button: "Recover with these 2 cards", witnesses: ATTESTERS });
    await waitForAwaitingWitnesses(page);
    await page.getByText("2 cards recovered the key; KCVs match").waitFor(LONG);
    for (const w of ATTESTERS) await attest(page, w);

    // The old KEK is replaced and scheduled for destruction after the script's 30-day overlap.
    const schedule = "Replace the old master key and schedule its destruction";
    await waitForStep(page, schedule);
    await runAction(page, { hsmPin: token.userPin, witnesses: ATTESTERS });
    await waitForAwaitingWitnesses(page);
    const old = (await harness.service["keys:list"]({})).find((k) => k.label === "KEK-01")!;
    const newKek = (await harness.service["keys:list"]({})).find((k) => k.label === "KEK-02")!;
    expect(old.replacedBy?.label).toBe("KEK-02");
    const destroyBy = formatUtcDate(old.destructionDueAt!);
    const overlapDays = (Date.parse(old.destructionDueAt!) - Date.now()) / 86_400_000;
    expect(overlapDays).toBeGreaterThan(29);
    expect(overlapDays).toBeLessThanOrEqual(30);
    await expect(shownOutput(page, "Replaced")).resolves.toBe(oldShown);
    await expect(shownOutput(page, "Replaced by")).resolves.toBe(`KEK-02 (ID ${formatKeyId(newKek.ckaId)})`);
    await expect(shownOutput(page, "Old key's destruction")).resolves.toContain(destroyBy);
    await screens.capture(page, "07-old-kek-scheduled");
    for (const w of ATTESTERS) await attest(page, w);

    await finishCeremony(page);
    await verifyInAuditor(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    await page.getByText(`${oldShown} replaced by KEK-02 (ID ${formatKeyId(newKek.ckaId)}); scheduled for destruction by ${destroyBy}`).waitFor(LONG);
    await page.getByText(new RegExp(`${DIRECTOR.name} \\(Internal witness`)).first().waitFor(LONG);
    await screens.capture(page, "08-auditor-verified");

    const v = await verifyBundle(bundleDir);
    expect(v.failures).toEqual([]);
    expect(v.transcript!.participants.find((p) => p.name === DIRECTOR.name)?.title).toBe(DIRECTOR.title);
    expect(problems).toEqual([]);
    expect(projector.problems).toEqual([]);
  });
});
