/**
 * Ceremonies on a "real" token: a SoftHSM2 token made by the test (with the keys of earlier
 * ceremonies on it), chosen on the start screen by label and serial, as an officer chooses the
 * ceremony's HSM. The core runs in the test's process and finds the token through SOFTHSM2_CONF.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { startHarness, type Harness } from "../../harness/harness-server.ts";
import { PROJECT_DIR } from "../../harness/renderer-build.ts";
import { jammingPrinter } from "../../helpers/jamming-printer.ts";
import { LONG } from "./browser.ts";
import { clickForRpc } from "./ceremony-driver.ts";

/**
 * A copy of the ceremony scripts under `work` in which `files` allow a witnessed override of the
 * air gap: this test machine is connected, and the scripts block that. Returns the copy's folder.
 */
export async function scriptsAllowingAirGapOverride(work: string, files: string[]): Promise<string> {
  const scripts = path.join(work, "ceremony-scripts");
  await cp(path.join(PROJECT_DIR, "ceremony-scripts"), scripts, { recursive: true });
  for (const file of files) {
    const script = path.join(scripts, file);
    const text = await readFile(script, "utf8");
    if (!text.includes("airGap: block")) throw new Error(`${file} does not block on the air gap; nothing to allow`);
    await writeFile(script, text.replace("airGap: block", "airGap: allow-with-override"));
  }
  return scripts;
}

export interface StandInPrinter {
  /**
   * Card `n` of the set printed last, as its holder's scanner reads it: the QR code on the
   * printed page (pdftoppm, then zbarimg).
   */
  printedCard(n: number): Promise<string>;
  /** Puts PATH back and shreds the spool (the cards are secrets). */
  remove(): Promise<void>;
}

/** A real ceremony's share cards go to the printer (`lp`): a stand-in on PATH that never jams. */
export async function useStandInPrinter(): Promise<StandInPrinter> {
  const printer = await jammingPrinter(0);
  const saved = process.env.PATH;
  process.env.PATH = printer.path;
  return {
    async printedCard(n) {
      const cards = await printer.cards();
      const card = cards.find((c) => c.setId === cards.at(-1)?.setId && c.card === n);
      if (!card) throw new Error(`card ${n} of the last set was not printed`);
      return card.text;
    },
    async remove() {
      process.env.PATH = saved;
      await rm(path.dirname(printer.spoolDir), { recursive: true, force: true });
    },
  };
}

/** Start screen, section 3: the real HSM, its tokens listed, and this one chosen by label and serial. */
export async function chooseRealToken(page: Page, token: { label: string; serial: string }): Promise<void> {
  await page.getByRole("radio", { name: /^Real HSM/ }).check();
  await clickForRpc(page, page.getByRole("button", { name: "List tokens" }), "hsm:tokens");
  await page.getByRole("radio", { name: `${token.label}, serial ${token.serial}`, exact: true }).check();
}

/** Start screen: the folder the signed bundle goes to, checked by the core before anyone signs in. */
export async function chooseBundleFolder(page: Page, dir: string): Promise<void> {
  const folder = page.getByLabel("Folder for the signed bundle");
  await folder.fill(dir);
  await folder.blur();
  await page.getByText(`The bundle will be written to ${dir}.`).waitFor(LONG);
}

/** Starts the ceremony on the real token chosen (the preflight runs first) and waits for sign-in. */
export async function startOnToken(page: Page): Promise<void> {
  await clickForRpc(page, page.getByRole("button", { name: "Start the ceremony" }), "ceremony:start");
  await page.getByRole("heading", { level: 1, name: "Sign in everyone in the room" }).waitFor(LONG);
}

/** A workstation whose journal holds earlier ceremonies on its one "real" token, served to the browser. */
export interface TokenWorkstation {
  /** The workstation's data folder (its journal), where the test's bundles go too. */
  dir: string;
  env: RehearsalEnvironment;
  token: RehearsalEnvironment["tokens"][number];
  printer: StandInPrinter;
  harness: Harness;
  /**
   * The app dies and starts again: the harness (the core, its HSM session, its open ceremony) is
   * stopped, and a new one serves the same data folder, journal and token. Returns the new one.
   */
  restart(): Promise<Harness>;
  /** Stops the harness, deletes the token, the printer's spool and the folder. */
  close(): Promise<void>;
}

/**
 * Makes the token `tokenLabel`, runs `earlier` against it and the workstation's journal (the
 * ceremonies that came before, e.g. the master key a rotation replaces), then serves the
 * workstation with `scripts` allowing the air-gap override and a stand-in printer for its cards.
 */
export async function workstationWithToken(options: {
  name: string;
  tokenLabel: string;
  scripts: string[];
  earlier(env: RehearsalEnvironment, journal: Journal, dir: string): Promise<void>;
}): Promise<TokenWorkstation> {
  const dir = await mkdtemp(path.join(tmpdir(), `${options.name}-`));
  const env = await createRehearsalEnvironment([{ label: options.tokenLabel }]);
  const journal = Journal.open(path.join(dir, "journal.db"));
  try {
    await options.earlier(env, journal, dir);
  } finally {
    journal.close();
  }
  // The core runs in the test's process: the "real" token is found through SOFTHSM2_CONF.
  process.env.SOFTHSM2_CONF = env.env.SOFTHSM2_CONF;
  const printer = await useStandInPrinter();
  const ceremonyScriptsDir = await scriptsAllowingAirGapOverride(dir, options.scripts);
  const serve = () => startHarness({ dataDir: dir, ceremonyScriptsDir, rehearsalOnly: false });
  const workstation: TokenWorkstation = {
    dir,
    env,
    token: env.tokens[0]!,
    printer,
    harness: await serve(),
    async restart() {
      await workstation.harness.close();
      workstation.harness = await serve();
      return workstation.harness;
    },
    async close() {
      await workstation.harness.close();
      await env.cleanup();
      delete process.env.SOFTHSM2_CONF;
      await printer.remove();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return workstation;
}
