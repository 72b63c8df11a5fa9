/**
 * Root rotation through the renderer, on a "real" token that already holds the old root (made by
 * a root-CA ceremony, whose bundle's certificate is the rotation's parameter): the start screen
 * lists the script; sign-in will not close until the CISO or Director of Cybersecurity the
 * policy names has signed in with that job title (the sign-in screen says who is missing, then
 * who fills it); the officer console and the witness view name them; every step that makes, signs
 * or replaces a root key waits for their confirmation and attestation; the cross-certificates'
 * previews (subject, validity, extensions, SPKI) are confirmed before the HSM signs; the bundle
 * verifies on the auditor screen, and OpenSSL builds the chain through the cross-certificate.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScript, parseParams } from "../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../src/ceremony/rehearsal.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../src/hsm/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { verifyBundle } from "../../src/transcript/index.ts";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild, PROJECT_DIR } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import {
  attest,
  attestAirGapOverride,
  clickForRpc,
  closeSignIn,
  expectNamedWitnessMissing,
  finishCeremony,
  runAction,
  signIn,
  signInWithTitle,
  verifyInAuditor,
  waitForAwaitingWitnesses,
  waitForStep,
} from "./support/ceremony-driver.ts";
import { ADMIN, DIRECTOR, OFFICER, WITNESSES } from "./support/people.ts";
import { chooseBundleFolder, chooseRealToken, scriptsAllowingAirGapOverride, startOnToken } from "./support/real-token.ts";
import { ScreenRecorder } from "./support/screens.ts";

const run = promisify(execFile);

const STEPS = [
  "Confirm the workstation is offline",
  "Log in to the HSM that holds the old root key",
  "Find or create the transcript-signing key",
  "Check the old root key against the old root's certificate",
  "Generate the new root key in the HSM",
  "Issue the new root's self-signed certificate",
  "The old root certifies the new root's key",
  "The new root certifies the old root's key",
  "Record that the new root replaces the old one",
];

describe.skipIf(chromiumMissing)("root rotation through the UI, with the CISO or Director of Cybersecurity as named witness", () => {
  let env: RehearsalEnvironment;
  let harness: Harness;
  let browser: SharedBrowser;
  let context: BrowserContext;
  let work: string;
  let oldRoot: string;
  const screens = new ScreenRecorder("e-root-rotation");

  beforeAll(async () => {
    await ensureRendererBuild();
    env = await createRehearsalEnvironment([{ label: "root-hsm" }]);
    work = await mkdtemp(path.join(tmpdir(), "root-rotation-ui-"));
    // The old root, made earlier on this token by a root-CA ceremony (its own journal).
    const journal = Journal.open(path.join(work, "old-root-journal.db"));
    try {
      const text = await readFile(path.join(PROJECT_DIR, "ceremony-scripts", "root-ca.yaml"), "utf8");
      const script = loadScript(text, "root-ca.yaml", parseParams('parameters:\n  subject: "CN=Example Root CA R1, O=Example Corp, C=US"\n', "p.yaml"));
      await rehearseScript({ script, env, tokenLabel: "root-hsm", journal, outDir: path.join(work, "old-root-bundle"), participants: rehearsalCast(0) });
    } finally {
      journal.close();
    }
    oldRoot = path.join(work, "old-root-bundle", "certs", "root-ca-r1.pem");
    // The core runs in this process: the "real" token is found through SOFTHSM2_CONF.
    process.env.SOFTHSM2_CONF = env.env.SOFTHSM2_CONF;
    const scripts = await scriptsAllowingAirGapOverride(work, ["root-rotation.yaml"]);
    harness = await startHarness({ ceremonyScriptsDir: scripts, rehearsalOnly: false });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  }, 600_000);

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
    await harness?.close();
    await env?.cleanup();
    delete process.env.SOFTHSM2_CONF;
  });

  it("rotates the root with cross-certificates, the Director of Cybersecurity signed in and attesting", { timeout: 900_000 }, async () => {
    const main = await openPage(context, harness.url);
    const page = main.page;
    const token = env.tokens[0]!;

    // Start screen: the script is listed; its required parameter is the old root's certificate.
    await page.getByRole("radio", { name: /^Root CA rotation with cross-certificates/ }).check();
    await page.locator("#param-oldRootCertificate").fill(oldRoot);
    await page.getByText("The script and its parameters are valid.").waitFor(LONG);
    await chooseRealToken(page, token);
    const bundleDir = path.join(work, "rotation-bundle");
    await chooseBundleFolder(page, bundleDir);
    await screens.capture(page, "01-start");
    await startOnToken(page);

    // Everyone but the Director: the roles are met, the named witness is not, and the screen says so.
    await signIn(page, [ADMIN, OFFICER, ...WITNESSES]);
    await expectNamedWitnessMissing(page, "CISO or Director of Cybersecurity");
    await screens.capture(page, "02-sign-in-named-witness-missing");

    // The Director signs in with the job title the policy names.
    await signInWithTitle(page, DIRECTOR);
    await page.locator(".named-witnesses").getByText(`Dara Quinn (Director of Cybersecurity)`).waitFor(LONG);
    await screens.capture(page, "03-sign-in-named-witness-filled");
    await closeSignIn(page);
    for (const w of WITNESSES) await attestAirGapOverride(page, w);

    // The witness view names the Director on every step.
    const witness = await openPage(context, harness.witnessUrl);
    await witness.page.getByText("Named by policy: CISO or Director of Cybersecurity — Dara Quinn (Director of Cybersecurity)").waitFor(LONG);
    await page.bringToFront();

    const attesters = [DIRECTOR, WITNESSES[0]!];
    for (const title of STEPS) {
      await waitForStep(page, title);
      await page.getByText("Named by policy: CISO or Director of Cybersecurity — Dara Quinn (Director of Cybersecurity)").waitFor(LONG);
      if (title === "The old root certifies the new root's key") {
        // Confirm, then act: what the HSM will sign is on screen before anyone confirms it.
        await clickForRpc(page, page.locator(".preview-panel").getByRole("button", { name: "Show what the HSM will do" }), "ceremony:preview");
        for (const label of ["Subject (the certified root, as in its own certificate)", "Issuer", "Validity", "Extensions", "Public key certified (SPKI SHA-256)"]) {
          await page.locator(".preview-panel").getByText(label, { exact: true }).waitFor(LONG);
        }
        await page.locator(".preview-panel").getByText("CN=Example Root CA R2,O=Example Corp,C=US").first().waitFor(LONG);
        await screens.capture(page, "04-cross-certificate-preview");
      }
      await runAction(page, { hsmPin: token.userPin, witnesses: attesters });
      await waitForAwaitingWitnesses(page);
      if (title === "Generate the new root key in the HSM") {
        // Two witnesses without the Director do not complete a step that includes them.
        await page.getByText(/including the CISO or Director of Cybersecurity/).first().waitFor(LONG);
        await attest(page, WITNESSES[0]!);
        await attest(page, WITNESSES[1]!);
        await page.getByText(/Still missing: needs a CISO or Director of Cybersecurity .*among its attesters/).waitFor(LONG);
        await screens.capture(page, "05-step-waits-for-named-witness");
        await attest(page, DIRECTOR);
        continue;
      }
      for (const w of attesters) await attest(page, w);
    }
    await page.getByRole("button", { name: "Sign the transcript and write the bundle" }).waitFor(LONG);
    await finishCeremony(page);
    await verifyInAuditor(page);
    await page.getByText(/Dara Quinn/).first().waitFor(LONG);
    await screens.capture(page, "06-auditor");

    const v = await verifyBundle(bundleDir);
    expect(v.failures).toEqual([]);
    expect(v.transcript!.participants.find((p) => p.name === DIRECTOR.name)?.title).toBe(DIRECTOR.title);
    // OpenSSL, with only the old root trusted, builds a path to the new root through the cross-certificate.
    const r2 = path.join(bundleDir, "certs", "root-ca-r2.pem");
    const cross = path.join(bundleDir, "certs", "root-ca-r2-by-root-ca-r1.pem");
    const { stdout } = await run("openssl", ["verify", "-x509_strict", "-CAfile", oldRoot, cross]);
    expect(stdout).toContain(": OK");
    const text = (await run("openssl", ["x509", "-in", cross, "-noout", "-subject", "-issuer"])).stdout;
    expect(text).toContain("subject=C = US, O = Example Corp, CN = Example Root CA R2");
    expect(text).toContain("issuer=C = US, O = Example Corp, CN = Example Root CA R1");
    await expect(readFile(r2, "utf8")).resolves.toContain("BEGIN CERTIFICATE");
  });
});
