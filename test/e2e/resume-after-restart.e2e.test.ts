/**
 * "A crash at any point loses nothing", in the app: a root-CA ceremony on a "real" token, started
 * through the screens, runs up to the HSM generating the root key; then the app dies (the harness
 * and its core stop; the journal and the token stay). A new harness on the same data folder shows
 * the unfinished ceremony above the script list (what, where, when, which token); the officer
 * chooses the token and resumes; the console and the projector show the ceremony at that step with
 * the key's outputs again, to read aloud before attesting; the HSM PIN is asked again at the next
 * step that needs the HSM; the ceremony completes and the auditor screen verifies its bundle.
 * A rehearsal's throwaway token does not survive the restart: the panel says so and the rehearsal
 * is abandoned under dual control, its ABORTED transcript signed on a fresh throwaway token.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../../src/transcript/index.ts";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  chooseScript,
  clickForRpc,
  closeSignIn,
  finishCeremony,
  runAction,
  runAndAttest,
  shownOutput,
  shownOutputLabels,
  signIn,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { ADMIN, OFFICER, REHEARSAL_HSM_PIN, WITNESSES } from "./support/people.ts";
import { PROJECTOR } from "./support/projector.ts";
import { chooseBundleFolder, chooseRealToken, startOnToken, type TokenWorkstation, workstationWithToken } from "./support/real-token.ts";
import { ScreenRecorder } from "./support/screens.ts";

const ROOT_KEY_STEP = "Generate the root key in the HSM";
const CERT_STEP = "Issue the self-signed root certificate";

/** Every value a step shows to read aloud, by label, as the screen shows it. */
async function shownOutputs(page: Page): Promise<Record<string, string>> {
  const shown: Record<string, string> = {};
  for (const label of await shownOutputLabels(page)) shown[label] = await shownOutput(page, label);
  return shown;
}

describe.skipIf(chromiumMissing)("resuming a ceremony after the app stopped mid-ceremony", () => {
  let room: TokenWorkstation;
  let browser: SharedBrowser;
  let officerContext: BrowserContext;
  let projectorContext: BrowserContext;
  const screens = new ScreenRecorder("e-resume");

  beforeAll(async () => {
    await ensureRendererBuild();
    room = await workstationWithToken({ name: "resume-ui", tokenLabel: "root-hsm", scripts: ["root-ca.yaml"], earlier: async () => undefined });
    browser = await launchChromium();
    officerContext = await browser.newContext({ viewport: VIEWPORT });
    projectorContext = await browser.newContext({ viewport: PROJECTOR });
  }, 600_000);

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await room?.close();
  });

  // A ceremony through the UI twice over: minutes on a loaded 2-core machine; the bound only stops a hang.
  it("lists the unfinished ceremony after a restart, resumes it on its token at the step it stopped, completes and verifies it", { timeout: 900_000 }, async () => {
    const token = room.token;
    const first = await openPage(officerContext, room.harness.url);
    let page = first.page;

    await chooseScript(page, "Root CA key generation");
    await chooseRealToken(page, token);
    const bundleDir = path.join(room.dir, "root-ca-bundle");
    await chooseBundleFolder(page, bundleDir);
    await startOnToken(page);
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES]);
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);
    for (const title of ["Confirm the workstation is offline", "Log in to the HSM", "Find or create the transcript-signing key"]) {
      await runAndAttest(page, title, { hsmPin: token.userPin });
    }
    // The HSM makes the root key; its outputs are on screen, nobody has attested yet.
    await waitForStep(page, ROOT_KEY_STEP);
    await runAction(page, { hsmPin: token.userPin });
    await waitForAwaitingWitnesses(page);
    const before = await shownOutputs(page);
    expect(Object.keys(before).length, "the root key step shows its outputs").toBeGreaterThan(0);
    const ceremonyId = (await room.harness.service["ceremony:state"]({}))!.ceremonyId;
    expect(first.problems).toEqual([]);

    // The app dies: the page loses its core; a new one starts on the same data folder.
    await page.close();
    const harness = await room.restart();
    const second = await openPage(officerContext, harness.url);
    page = second.page;

    // The start screen: the unfinished ceremony above the script list, what, where, when, which token.
    const panel = page.locator(".unfinished-panel");
    await panel.getByRole("heading", { level: 2, name: "Unfinished ceremony" }).waitFor(LONG);
    const item = panel.getByRole("article", { name: "Root CA key generation" });
    await expect(item.locator(".unfinished-where").innerText()).resolves.toBe(`Step 4 of 5: ${ROOT_KEY_STEP}`);
    await item.getByText(`${token.label}, serial ${token.serial}`, { exact: true }).waitFor(LONG);
    await item.getByText(ceremonyId, { exact: true }).waitFor(LONG);
    await item.getByText("root-ca.yaml", { exact: true }).waitFor(LONG);
    await expect(item.getByRole("button", { name: "Resume the ceremony" }).isDisabled()).resolves.toBe(true);
    // Above the script list, as the first thing the officer sees.
    const panelBox = (await panel.boundingBox())!;
    const scriptsBox = (await page.locator(".start-form").boundingBox())!;
    expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(scriptsBox.y);
    await screens.capture(page, "01-start-unfinished");

    await chooseRealToken(page, token);
    // The folder chosen at the start is not in the journal: the officer names it again (still empty).
    await chooseBundleFolder(page, bundleDir);
    await item.getByText(`Resumes on the token chosen under 3. HSM: ${token.label}, serial ${token.serial}.`).waitFor(LONG);
    await clickForRpc(page, item.getByRole("button", { name: "Resume the ceremony" }), "ceremony:resume");

    // The console at the step it stopped, the outputs re-shown to read aloud before attesting.
    await waitForStep(page, ROOT_KEY_STEP);
    await waitForAwaitingWitnesses(page);
    await page.getByText(/Resumed .* from the journal \(verified, \d+ events before the restart\)/).waitFor(LONG);
    await page.getByText("Step 4's action had already run before the restart: its outputs are shown again below.", { exact: false }).waitFor(LONG);
    await expect(shownOutputs(page)).resolves.toEqual(before);
    await screens.capture(page, "02-console-resumed");

    const projector = await openPage(projectorContext, harness.witnessUrl);
    await waitForStep(projector.page, ROOT_KEY_STEP);
    await projector.page.getByText(/Resumed .* from the journal/).waitFor(LONG);
    await expect(shownOutputs(projector.page)).resolves.toEqual(before);
    await screens.capture(projector.page, "03-projector-resumed");
    expect(projector.problems).toEqual([]);

    await page.bringToFront();
    for (const w of WITNESSES) await attest(page, w);
    // The next HSM step asks for the PIN again: the session died with the app.
    await waitForStep(page, CERT_STEP);
    await page.getByLabel("HSM user PIN").waitFor(LONG);
    await screens.capture(page, "04-pin-asked-again");
    await runAndAttest(page, CERT_STEP, { hsmPin: token.userPin });

    await finishCeremony(page);
    await verifyInAuditor(page);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED$/);
    await screens.capture(page, "05-auditor-verified");
    expect(second.problems).toEqual([]);

    // The bundle holds the whole ceremony, the restart included, and verifies on its own.
    const v = await verifyBundle(bundleDir);
    expect(v.failures).toEqual([]);
    expect(v.ok).toBe(true);
    const types = v.transcript!.events.map((e) => e.type);
    expect(types.filter((t) => t === "ceremony.resumed")).toHaveLength(1);
    // After the root key was made, before the certificate was issued.
    expect(types.indexOf("hsm.object.created")).toBeLessThan(types.indexOf("ceremony.resumed"));
    expect(types.indexOf("ceremony.resumed")).toBeLessThan(types.lastIndexOf("artifact.recorded"));
    expect(types.at(-1)).toBe("ceremony.completed");
    // The journal holds no unfinished ceremony any more: the start screen's panel is gone.
    await expect(harness.service["ceremony:unfinished"]({})).resolves.toEqual([]);
  });
});

describe.skipIf(chromiumMissing)("abandoning a rehearsal after the app stopped mid-rehearsal", () => {
  let dataDir: string;
  let harness: Harness | null = null;
  let browser: SharedBrowser;
  const screens = new ScreenRecorder("e-resume-rehearsal");
  const REASON = "The laptop lost power during the rehearsal.";

  beforeAll(async () => {
    await ensureRendererBuild();
    dataDir = await mkdtemp(path.join(tmpdir(), "abandon-ui-"));
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("says the rehearsal cannot be resumed, abandons it under dual control, and signs its ABORTED transcript", { timeout: 900_000 }, async () => {
    // The rehearsal signs everyone in and logs in to its throwaway token (another window could).
    harness = await startHarness({ dataDir });
    const first = harness.service;
    let view = await first["ceremony:start"]({ file: "root-ca.yaml", parameters: {}, rehearsal: true });
    for (const p of [ADMIN, OFFICER, ...WITNESSES]) view = await first["ceremony:add-participant"]({ name: p.name, role: p.role, organisation: p.organisation, attestationPin: p.pin });
    view = await first["ceremony:confirm-participants"]({});
    const idOf = (name: string) => view.participants.find((p) => p.name === name)!.id;
    if (view.phase === "air-gap") for (const w of WITNESSES) view = await first["ceremony:airgap-override"]({ participantId: idOf(w.name), pin: w.pin });
    for (let i = 0; i < 2; i++) {
      const step = view.steps[view.currentStep!]!;
      const performer = view.participants.find((p) => p.role === step.performerRole)!;
      view = await first["ceremony:run-action"]({ performerId: performer.id, ...(step.needs.includes("hsm-pin") ? { hsmPin: REHEARSAL_HSM_PIN } : {}) });
      for (const w of WITNESSES) view = await first["ceremony:attest"]({ participantId: idOf(w.name), pin: w.pin, confirmed: step.checklist });
    }
    const ceremonyId = view.ceremonyId;
    // The app dies; its throwaway token goes with it. A new one starts on the same data folder.
    await harness.close();
    harness = await startHarness({ dataDir });
    const { page, problems } = await openPage(await browser.newContext({ viewport: VIEWPORT }), harness.url);

    const item = page.locator(".unfinished-panel").getByRole("article", { name: "Root CA key generation — REHEARSAL" });
    await item.getByText("This rehearsal cannot be resumed").waitFor(LONG);
    await expect(item.locator(".unfinished-where").innerText()).resolves.toBe("Step 3 of 5: Find or create the transcript-signing key");
    await expect(item.getByRole("button", { name: /^Resume/ }).count()).resolves.toBe(0);
    await item.getByRole("button", { name: "Abandon the rehearsal…" }).click();
    await item.getByLabel("Who decides to abandon it").selectOption({ label: `${ADMIN.name} — ${ADMIN.roleTitle}` });
    await item.getByLabel("Reason (goes into the transcript)").fill(REASON);
    await item.getByLabel("Internal witness confirming it").selectOption({ label: `${WITNESSES[0]!.name} — ${WITNESSES[0]!.roleTitle}` });
    await item.getByLabel("The witness’s attestation PIN").fill(WITNESSES[0]!.pin);
    await screens.capture(page, "01-start-abandon");
    await clickForRpc(page, item.getByRole("button", { name: "Abandon the rehearsal", exact: true }), "ceremony:abandon");

    await page.getByText(`Aborted: ${REASON}`).waitFor(LONG);
    const pin = page.getByLabel("HSM user PIN");
    if ((await pin.count()) > 0) await pin.fill(REHEARSAL_HSM_PIN);
    await clickForRpc(page, page.getByRole("button", { name: "Sign the transcript and write the bundle" }), "ceremony:finish");
    await page.getByRole("heading", { level: 1, name: "Ceremony aborted — transcript signed" }).waitFor(LONG);
    await expect(page.locator(".verdict-word").innerText()).resolves.toMatch(/^\W*VERIFIED — ABORTED CEREMONY$/);
    await screens.capture(page, "02-aborted-signed");
    expect(problems).toEqual([]);
    const bundle = (await harness.service["ceremony:state"]({}))!.bundleDir!;
    const v = await verifyBundle(bundle);
    expect(v.ok).toBe(true);
    expect(v.transcript!.ceremony).toMatchObject({ id: ceremonyId, status: "aborted" });
    await expect(harness.service["ceremony:unfinished"]({})).resolves.toEqual([]);
  });
});
