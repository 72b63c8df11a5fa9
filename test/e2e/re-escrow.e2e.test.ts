/**
 * Re-escrow on screen. The workstation's journal holds a master key escrowed 3 of 5 and a
 * re-escrow that revoked that set for a new 2-of-3 set (rehearsed on a SoftHSM2 token before the
 * app starts, as an earlier session in the room would have). The start screen lists the re-escrow
 * script with its parameters; a recovery given the old bundle is refused on the start screen
 * before anybody signs in, naming the re-escrow and the set that replaced it; a recovery given the
 * new bundle names its set on the recovery screen and recovers the key from two new cards.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScript, parseParams } from "../../src/ceremony/load-script.ts";
import { rehearseScript, type RehearsalResult } from "../../src/ceremony/rehearsal.ts";
import type { ScriptedParticipant } from "../../src/ceremony/rehearsal-driver.ts";
import type { Role } from "../../src/ceremony/roles.ts";
import { formatSetId } from "../../src/common/index.ts";
import type { EventBody } from "../../src/events/index.ts";
import { createRehearsalEnvironment } from "../../src/hsm/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { type Harness, startHarness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT } from "./support/browser.ts";
import { attest, attestAirGapOverride, closeSignIn, finishCeremony, runAction, signIn, startRehearsal, waitForAwaitingWitnesses, waitForStep } from "./support/ceremony-driver.ts";
import { ADMIN, HOLDERS, OFFICER, type Person, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { ScreenRecorder } from "./support/screens.ts";

const SCRIPTS = path.resolve(import.meta.dirname, "../../ceremony-scripts");
const NEW_HOLDER: Person = { name: "Pia Nakamura", role: "share-holder", roleTitle: "Share holder", organisation: "Key Custodians", pin: "pin-pia-2468" };
/** Hugo left: Hana and Hiro keep a card of the new set, and Pia joins. */
const NEW_HOLDERS = [HOLDERS[0]!, HOLDERS[2]!, NEW_HOLDER];

const cast = (people: Person[]): ScriptedParticipant[] => people.map((p) => ({ name: p.name, role: p.role as Role, organisation: p.organisation, attestationPin: p.pin }));

describe.skipIf(chromiumMissing)("re-escrow on screen", () => {
  let browser: Browser;
  let context: BrowserContext;
  let harness: Harness;
  let dataDir: string;
  const dirs = { master: "", reEscrow: "" };
  let reEscrow: RehearsalResult;
  let oldSetId = "";
  let newSetId = "";
  const screens = new ScreenRecorder("r-re-escrow");

  beforeAll(async () => {
    await ensureRendererBuild();
    dataDir = await mkdtemp(path.join(tmpdir(), "re-escrow-ui-"));
    const env = await createRehearsalEnvironment([{ label: "re-ui" }]);
    const journal = Journal.open(path.join(dataDir, "journal.db"));
    const ceremony = async (name: string, file: string, params: string, people: Person[]): Promise<RehearsalResult> =>
      rehearseScript({
        script: loadScript(await readFile(path.join(SCRIPTS, file), "utf8"), file, parseParams(params, name)),
        env,
        tokenLabel: "re-ui",
        journal,
        outDir: path.join(dataDir, "earlier", name),
        participants: cast(people),
      });
    try {
      await ceremony("master-key", "master-key.yaml", "parameters:\n  threshold: 3\n  cardCount: 5\n", [ADMIN, OFFICER, ...WITNESSES, ...HOLDERS]);
      dirs.master = path.join(dataDir, "earlier", "master-key");
      const old = (JSON.parse(await readFile(path.join(dirs.master, "transcript.json"), "utf8")) as { events: Array<{ type: string; body: unknown }> }).events.find((e) => e.type === "escrow.split")!
        .body as EventBody<"escrow.split">;
      oldSetId = old.setId;
      const printed = (n: number): string => JSON.stringify(`${n} ${old.cards[n - 1]!.fingerprint.slice(0, 16)}`);
      reEscrow = await ceremony(
        "re-escrow",
        "re-escrow.yaml",
        `parameters:\n  previousBundle: ${JSON.stringify(dirs.master)}\n  trigger: holder-left\n  reason: "Hugo Lefebvre left the company"\n  threshold: 2\n  cardCount: 3\n  cardsCollected: [${[1, 3, 4, 5].map(printed).join(", ")}]\n`,
        [ADMIN, OFFICER, ...WITNESSES, ...NEW_HOLDERS],
      );
      dirs.reEscrow = path.join(dataDir, "earlier", "re-escrow");
      newSetId = journal.escrowSetsOf("KEK-01").find((s) => s.revoked === null)!.setId;
    } finally {
      journal.close();
      await env.cleanup();
    }
    harness = await startHarness({ dataDir });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("the start screen lists the re-escrow ceremony, and its parameters validate", async () => {
    const { page, problems } = await openPage(context, harness.url);
    await page.getByRole("radio", { name: /^Master key re-escrow onto new share cards/ }).check();
    await page.locator("#param-trigger").selectOption("holder-left");
    await page.locator("#param-reason").fill("Pia Nakamura moves to another office");
    await page.locator("#param-threshold").fill("2");
    await page.locator("#param-cardCount").fill("3");
    // Nothing names the set being replaced yet: the form says which parameter to give.
    await page.getByText(/Give the bundle that made the card set being replaced, or \(when this workstation's key inventory holds the set\) its set ID/).waitFor(LONG);
    await page.locator("#param-previousBundle").fill(dirs.reEscrow);
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await screens.capture(page, "01-re-escrow-parameters");
    expect(problems).toEqual([]);
  });

  it("a recovery given the revoked set's bundle is refused on the start screen, before anybody signs in", async () => {
    const { page, problems } = await openPage(context, harness.url);
    await page.getByRole("radio", { name: /^Master key recovery from share cards/ }).check();
    await page.locator("#param-bundle").fill(dirs.master);
    const refusal = page.getByText(new RegExp(`Set ${formatSetId(oldSetId)} of KEK-01 was REVOKED by re-escrow-\\S+ on \\d{4}-\\d{2}-\\d{2} \\(Hugo Lefebvre left the company\\)`));
    await refusal.waitFor(LONG);
    await expect(page.getByText(`set ${formatSetId(newSetId)} replaced it`, { exact: false }).count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole("button", { name: "Start the rehearsal" }).isDisabled()).resolves.toBe(true);
    await screens.capture(page, "02-recovery-of-revoked-set-refused");
    expect(problems).toEqual([]);
  });

  it("a recovery given the new bundle names its set on the recovery screen and recovers the key from two new cards", { timeout: 420_000 }, async () => {
    const { page, problems } = await openPage(context, harness.url);
    await page.getByRole("radio", { name: /^Master key recovery from share cards/ }).check();
    await page.locator("#param-bundle").fill(dirs.reEscrow);
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await startRehearsal(page);
    const holders = [NEW_HOLDERS[0]!, NEW_HOLDERS[2]!];
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES, ...holders]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM that receives the key", "Find or create this token's transcript-signing key"]) {
      await waitForStep(page, title);
      await runAction(page, { hsmPin: REHEARSAL_HSM_PIN });
      await waitForAwaitingWitnesses(page);
      for (const w of WITNESSES) await attest(page, w);
    }
    await waitForStep(page, "Holders enter their cards; the key is recovered");
    await page.getByText(new RegExp(`Cards of set ${formatSetId(newSetId)} of KEK-01: 2 of its 3 cards are needed; 0 entered and checked\\. Each holder checks the set printed on their card`)).waitFor(LONG);
    // The set's k is known before any card: an entry for each of the two holders is already there.
    await expect(page.getByRole("region", { name: /^Holder \d$/ }).count()).resolves.toBe(2);
    await screens.capture(page, "03-recovery-names-the-new-set");
    for (const [i, holder] of holders.entries()) {
      const entry = page.getByRole("region", { name: `Holder ${i + 1}`, exact: true });
      await entry.getByLabel("Holder’s name").selectOption({ label: `${holder.name} — ${holder.organisation}` });
      await entry.getByLabel(/^Scan the card/).fill(reEscrow.cardTexts.get(holder.name)!);
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
