/**
 * Re-escrow on screen. The workstation's journal holds a master key escrowed 3 of 5 (rehearsed
 * directly on a SoftHSM2 token, as an earlier session in the room would have); Hugo left. The
 * re-escrow runs through the screens on that token: the start screen takes the old set's bundle,
 * the old cards handed in and the reason; the check step shows the old set's ID and what becomes
 * of each old card (Hugo's is not handed in), and the witnesses attest it on the projector; the
 * new 2-of-3 cards are read back (the printed card's QR code → zbarimg → the scan field) and a
 * trial recovery matches; the witnesses confirm which old cards are destroyed and which stay out
 * before the old set is revoked, and attest it on the projector; the auditor screen verifies the
 * bundle and names the revoked set. Then a recovery given the old bundle is refused on the start
 * screen before anybody signs in, naming the re-escrow and the set that replaced it; a recovery
 * given the new bundle names its set on the recovery screen and recovers the key from two new cards.
 */
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFingerprint, formatSetId } from "../../src/common/index.ts";
import type { EventBody } from "../../src/events/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import type { Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  clickForRpc,
  closeSignIn,
  finishCeremony,
  runAction,
  runAndAttest,
  shownOutput,
  shownOutputLabels,
  signIn,
  startRehearsal,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { rehearseEarlierCeremony, splitOfBundle } from "./support/earlier-ceremonies.ts";
import { ADMIN, HOLDERS, OFFICER, type Person, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { attestationStepProblems, PROJECTOR } from "./support/projector.ts";
import { chooseBundleFolder, chooseRealToken, startOnToken, type TokenWorkstation, workstationWithToken } from "./support/real-token.ts";
import { ScreenRecorder } from "./support/screens.ts";
import { enterRecoveryCard, readBackEveryCard } from "./support/share-cards.ts";

const NEW_HOLDER: Person = { name: "Pia Nakamura", role: "share-holder", roleTitle: "Share holder", organisation: "Key Custodians", pin: "pin-pia-2468" };
/** Hugo left: Hana and Hiro keep a card of the new set, and Pia joins. */
const NEW_HOLDERS = [HOLDERS[0]!, HOLDERS[2]!, NEW_HOLDER];
const HUGO = HOLDERS[1]!;
const REASON = "Hugo Lefebvre left the company";

/** The witness view's table of old cards: number, holder, fingerprint digits and fate of each row shown. */
function oldCardRows(projector: Page): Promise<string[][]> {
  return projector
    .locator(".old-cards-table tbody tr")
    .evaluateAll((rows) => rows.map((tr) => [...tr.children].map((cell) => (cell.textContent ?? "").replace(/^[✂■✖○]\s*/u, "").trim())));
}

/** The step awaiting attestation fits the projector, the old cards' rows included, in type of at least 32 px. */
function oldCardsFit(projector: Page): Promise<string[]> {
  return attestationStepProblems(projector, [{ name: "old card row", locator: projector.locator(".old-cards-table tbody td, .old-cards-table tbody th"), minFontPx: 32 }]);
}

describe.skipIf(chromiumMissing)("re-escrow on screen", () => {
  let room: TokenWorkstation;
  let browser: SharedBrowser;
  let context: BrowserContext;
  let projectorContext: BrowserContext;
  let harness: Harness;
  const dirs = { master: "", reEscrow: "" };
  let oldSet: EventBody<"escrow.split">;
  let newSetId = "";
  /** The new cards as their holders took them home: the text each card's QR code holds. */
  let newCards = new Map<string, string>();
  const screens = new ScreenRecorder("r-re-escrow");

  beforeAll(async () => {
    await ensureRendererBuild();
    // The re-escrow runs on the token that holds KEK-01, whose master key the journal recorded.
    room = await workstationWithToken({
      name: "re-escrow-ui",
      tokenLabel: "re-ui",
      scripts: ["re-escrow.yaml"],
      async earlier(env, journal, dir) {
        dirs.master = path.join(dir, "earlier", "master-key");
        await rehearseEarlierCeremony({
          env,
          tokenLabel: "re-ui",
          journal,
          outDir: dirs.master,
          file: "master-key.yaml",
          params: "parameters:\n  threshold: 3\n  cardCount: 5\n",
          people: [ADMIN, OFFICER, ...WITNESSES, ...HOLDERS],
        });
        oldSet = await splitOfBundle(dirs.master);
      },
    });
    harness = room.harness;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
    projectorContext = await browser.newContext({ viewport: PROJECTOR });
  }, 600_000);

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await room?.close();
  });

  // A whole ceremony through the UI: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("re-escrows KEK-01 onto 2-of-3 new cards: old set checked, new cards read back, old cards accounted for, old set revoked, verified", { timeout: 900_000 }, async () => {
    const { page, problems } = await openPage(context, harness.url);
    const token = room.token;
    const oldSetShown = formatSetId(oldSet.setId);
    /** Each old card handed in, as printed on it: its number and the first 16 hex digits of its share fingerprint. */
    const collected = [1, 3, 4, 5].map((n) => `${n} ${oldSet.cards[n - 1]!.fingerprint.slice(0, 16)}`);

    await page.getByRole("radio", { name: /^Master key re-escrow onto new share cards/ }).check();
    await page.locator("#param-trigger").selectOption("holder-left");
    await page.locator("#param-reason").fill(REASON);
    await page.locator("#param-threshold").fill("2");
    await page.locator("#param-cardCount").fill("3");
    // Nothing names the set being replaced yet: the form says which parameter to give.
    await page.getByText(/Give the bundle that made the card set being replaced, or \(when this workstation's key inventory holds the set\) its set ID/).waitFor(LONG);
    await page.locator("#param-previousBundle").fill(dirs.master);
    await page.locator("#param-cardsCollected").fill(collected.join("\n"));
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await chooseRealToken(page, token);
    const bundleDir = path.join(room.dir, "re-escrow-bundle");
    await chooseBundleFolder(page, bundleDir);
    await screens.capture(page, "01-re-escrow-parameters");
    await startOnToken(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...NEW_HOLDERS]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM that holds the master key"]) await runAndAttest(page, title, { hsmPin: token.userPin });

    // The old set is named and checked against the KEK on the token before anything is made.
    await waitForStep(page, "Check the card set being replaced against the master key on this HSM");
    await runAction(page, { hsmPin: token.userPin });
    await waitForAwaitingWitnesses(page);
    // The set being replaced is read first, then why, its KCVs, and each old card in number order.
    await expect(shownOutputLabels(page)).resolves.toEqual([
      "Card set being replaced",
      "Why",
      "KCV-ECB0 (key on this token = the set's)",
      "KCV-CMAC (key on this token = the set's)",
      ...[1, 2, 3, 4, 5].map((n) => `Old card ${n}`),
    ]);
    await expect(shownOutput(page, "Card set being replaced")).resolves.toMatch(new RegExp(`^set ${oldSetShown} of KEK-01, 3 of 5 cards, split by master-key-\\S+; its bundle verified \\(signer [0-9A-F ]+…\\)$`));
    await expect(shownOutput(page, "Why")).resolves.toBe(`a share holder left: ${REASON}`);
    await expect(shownOutput(page, "Old card 2")).resolves.toMatch(new RegExp(`^${HUGO.name}, share fingerprint [0-9A-F ]+…: NOT handed in: it stays out, a card of a revoked set$`));
    await expect(shownOutput(page, "Old card 3")).resolves.toMatch(/: to be handed in and destroyed in this ceremony$/);
    await screens.capture(page, "02-check-old-set");
    // The room reads the same values on the projector, and the witnesses attest there: the old
    // cards as one table (number, holder, the fingerprint digits printed on the card, fate), and
    // everything within 1920×1080.
    const projector = await openPage(projectorContext, harness.witnessUrl);
    await waitForAwaitingWitnesses(projector.page);
    await expect(shownOutput(projector.page, "Card set being replaced")).resolves.toContain(`set ${oldSetShown} of KEK-01`);
    await expect(oldCardRows(projector.page)).resolves.toEqual(
      oldSet.cards.map((c) => [`${c.card}`, c.holder, formatFingerprint(c.fingerprint.slice(0, 16)), c.card === 2 ? "NOT handed in" : "to destroy"]),
    );
    await expect(projector.page.locator(".old-cards h2").innerText()).resolves.toContain(oldSetShown);
    await screens.capture(projector.page, "02b-witness-check-old-set");
    await expect(oldCardsFit(projector.page)).resolves.toEqual([]);
    for (const w of WITNESSES) await attest(projector.page, w);
    await page.bringToFront();

    await runAndAttest(page, "Find or create the transcript-signing key", { hsmPin: token.userPin });
    await waitForStep(page, "Escrow the master key again onto new share cards");
    await runAction(page, { hsmPin: token.userPin });
    await waitForAwaitingWitnesses(page);
    const split = /^2 of 3 cards needed; set ([0-9A-F ]+)$/.exec(await shownOutput(page, "Escrow split"));
    expect(split, "the escrow step names the new set").not.toBeNull();
    newSetId = split![1]!.replace(/ /g, "");
    expect(newSetId).not.toBe(oldSet.setId.toUpperCase());
    for (const w of WITNESSES) await attest(page, w);

    await waitForStep(page, "Every new holder reads back their own card");
    newCards = await readBackEveryCard(page, NEW_HOLDERS, { paper: (n) => room.printer.printedCard(n) });
    await screens.capture(page, "03-new-cards-read-back");
    await runAction(page, { button: "Record the read-back of all 3 cards" });
    await waitForAwaitingWitnesses(page);
    for (const w of WITNESSES) await attest(page, w);

    await waitForStep(page, "Trial recovery with 2 new cards");
    for (const [i, holder] of [NEW_HOLDERS[0]!, NEW_HOLDERS[2]!].entries()) await enterRecoveryCard(page, i + 1, holder, newCards.get(holder.name)!);
    await runAction(page, { button: "Recover with these 2 cards" });
    await waitForAwaitingWitnesses(page);
    await page.getByText("2 cards recovered the key; KCVs match").waitFor(LONG);
    for (const w of WITNESSES) await attest(page, w);

    // Before the old set is revoked, the witnesses confirm the fate of every old card: each card
    // handed in is checked by number and fingerprint and shredded; Hugo's stays out.
    await waitForStep(page, "Revoke the old card set; destroy the old cards handed in");
    const preview = page.locator(".preview-panel");
    // Revoking records; no HSM acts in this step, and the panel does not say one does.
    await expect(preview.getByRole("heading", { level: 2 }).innerText()).resolves.toBe("Before this step records anything: what it will do");
    await clickForRpc(page, preview.getByRole("button", { name: "Show what this step will do" }), "ceremony:preview");
    const item = (label: string) => preview.locator("dl.preview-items > div").filter({ has: page.locator(`dt:text-is(${JSON.stringify(label)})`) }).locator("dd");
    await expect(item("Card set to revoke").innerText()).resolves.toContain(`set ${oldSetShown} of KEK-01 (3 of 5 cards`);
    await expect(item(`Old card 1 (${HOLDERS[0]!.name})`).innerText()).resolves.toContain(`handed in now: check its number and share fingerprint ${formatFingerprint(oldSet.cards[0]!.fingerprint)}`);
    await expect(item(`Old card 2 (${HUGO.name})`).innerText()).resolves.toBe("NOT handed in: it stays out, a card of a revoked set");
    await screens.capture(page, "04-old-cards-collection-preview");
    await runAction(page);
    await waitForAwaitingWitnesses(page);
    await expect(shownOutputLabels(page)).resolves.toEqual(["Revoked", "Superseded by", "Old cards destroyed here", "Old cards still out"]);
    await expect(shownOutput(page, "Revoked")).resolves.toMatch(new RegExp(`^set ${oldSetShown} of KEK-01 \\(3 of 5 cards`));
    await expect(shownOutput(page, "Superseded by")).resolves.toMatch(new RegExp(`^set ${formatSetId(newSetId)} \\(2 of 3 cards\\)`));
    await expect(shownOutput(page, "Old cards destroyed here")).resolves.toBe(`card 1 (${HOLDERS[0]!.name}), card 3 (${HOLDERS[2]!.name}), card 4 (${HOLDERS[3]!.name}), card 5 (${HOLDERS[4]!.name})`);
    await expect(shownOutput(page, "Old cards still out")).resolves.toBe(`card 2 (${HUGO.name}): collect and destroy them; each is a card of a revoked set`);
    await screens.capture(page, "05-old-set-revoked");
    await projector.page.bringToFront();
    await waitForStep(projector.page, "Revoke the old card set; destroy the old cards handed in");
    await waitForAwaitingWitnesses(projector.page);
    // The projector shows each old card's number and printed fingerprint digits for the cards
    // shredded in front of the room, and names the card still out with its holder.
    await expect(shownOutputLabels(projector.page)).resolves.toEqual(["Revoked", "Superseded by"]);
    await expect(oldCardRows(projector.page)).resolves.toEqual(
      oldSet.cards.map((c) => [`${c.card}`, c.holder, formatFingerprint(c.fingerprint.slice(0, 16)), c.card === 2 ? "NOT handed in" : "destroyed"]),
    );
    await screens.capture(projector.page, "05b-witness-old-set-revoked");
    await expect(oldCardsFit(projector.page)).resolves.toEqual([]);
    for (const w of WITNESSES) await attest(projector.page, w);
    await page.bringToFront();

    await finishCeremony(page);
    dirs.reEscrow = bundleDir;
    await verifyInAuditor(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    await page.getByText(`card set ${oldSetShown} of KEK-01 REVOKED, superseded by set ${formatSetId(newSetId)}: 4 old cards destroyed, 0 lost, 1 still out`).waitFor(LONG);
    await screens.capture(page, "06-auditor-names-revoked-set");
    const v = await verifyBundle(bundleDir);
    expect(v.failures).toEqual([]);
    await expect(splitOfBundle(bundleDir)).resolves.toMatchObject({ setId: newSetId, k: 2, n: 3 });
    expect(problems).toEqual([]);
  });

  it("a recovery given the revoked set's bundle is refused on the start screen, before anybody signs in", async () => {
    expect(dirs.reEscrow, "the re-escrow above finished").not.toBe("");
    const { page, problems } = await openPage(context, harness.url);
    // The workstation shows the re-escrow it finished until someone starts another.
    await page.getByRole("button", { name: "Start another ceremony", exact: true }).click();
    await page.getByRole("radio", { name: /^Master key recovery from share cards/ }).check();
    await page.locator("#param-bundle").fill(dirs.master);
    const refusal = page.getByText(new RegExp(`Set ${formatSetId(oldSet.setId)} of KEK-01 was REVOKED by re-escrow-\\S+ on \\d{4}-\\d{2}-\\d{2} \\(Hugo Lefebvre left the company\\)`));
    await refusal.waitFor(LONG);
    await expect(page.getByText(`set ${formatSetId(newSetId)} replaced it`, { exact: false }).count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole("button", { name: "Start the rehearsal" }).isDisabled()).resolves.toBe(true);
    await screens.capture(page, "07-recovery-of-revoked-set-refused");
    expect(problems).toEqual([]);
  });

  it("a recovery given the new bundle names its set on the recovery screen and recovers the key from two new cards", { timeout: 420_000 }, async () => {
    expect(dirs.reEscrow, "the re-escrow above finished").not.toBe("");
    const { page, problems } = await openPage(context, harness.url);
    // The workstation shows the re-escrow it finished until someone starts another.
    await page.getByRole("button", { name: "Start another ceremony", exact: true }).click();
    await page.getByRole("radio", { name: /^Master key recovery from share cards/ }).check();
    await page.locator("#param-bundle").fill(dirs.reEscrow);
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await startRehearsal(page);
    const holders = [NEW_HOLDERS[0]!, NEW_HOLDERS[2]!];
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...holders]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM that receives the key", "Find or create this token's transcript-signing key"]) {
      await runAndAttest(page, title, { hsmPin: REHEARSAL_HSM_PIN });
    }
    await waitForStep(page, "Holders enter their cards; the key is recovered");
    await page.getByText(new RegExp(`Cards of set ${formatSetId(newSetId)} of KEK-01: 2 of its 3 cards are needed; 0 entered and checked\\. Each holder checks the set printed on their card`)).waitFor(LONG);
    // The set's k is known before any card: an entry for each of the two holders is already there.
    await expect(page.getByRole("region", { name: /^Holder \d$/ }).count()).resolves.toBe(2);
    await screens.capture(page, "08-recovery-names-the-new-set");
    for (const [i, holder] of holders.entries()) {
      const entry = page.getByRole("region", { name: `Holder ${i + 1}`, exact: true });
      await entry.getByLabel("Holder’s name").selectOption({ label: `${holder.name} — ${holder.organisation}` });
      await entry.getByLabel(/^Scan the card/).fill(newCards.get(holder.name)!);
      await entry.getByText(new RegExp(`${holder.name}’s card checks: set ${formatSetId(newSetId)}`)).waitFor(LONG);
    }
    await runAction(page, { button: "Recover with these 2 cards" });
    await waitForAwaitingWitnesses(page);
    for (const w of WITNESSES) await attest(page, w);
    await finishCeremony(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    expect(problems).toEqual([]);
  });
});
