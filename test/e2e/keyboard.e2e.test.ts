/**
 * The ceremony screens work from the keyboard alone: Tab, arrow keys, Space and Enter reach and
 * operate everything a person needs to start a rehearsal and sign in, and the abort dialog
 * holds focus until Escape closes it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { ADMIN } from "./support/people.ts";

const MAX_TABS = 80;

/** Presses Tab until the focused element has this accessible label or text; fails if never. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return "";
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (el.getAttribute("aria-label") ?? label ?? el.textContent ?? "").trim();
    });
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describe.skipIf(chromiumMissing)("keyboard only", () => {
  let harness: Harness;
  let browser: SharedBrowser;

  beforeAll(async () => {
    await ensureRendererBuild();
    harness = await startHarness();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("starts a rehearsal, signs a person in and dismisses the abort dialog without a mouse", async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page, problems } = await openPage(context, harness.url);
    await page.getByRole("radio", { name: /^Root CA key generation/ }).waitFor();

    // Tab into the script group, then arrow keys move the choice, as in any radio group.
    await tabTo(page, /^Root CRL signing/);
    // As many presses as it takes (the list grows as scripts are added), at most once round it.
    const rootCa = page.getByRole("radio", { name: /^Root CA key generation/ });
    const radios = await page.getByRole("radio").count();
    for (let i = 0; i < radios && !(await rootCa.isChecked()); i++) {
      const before = await page.evaluate(() => document.activeElement?.getAttribute("value"));
      await page.keyboard.press("ArrowDown");
      // Each press moves the focus (and the choice) to the next script.
      await page.waitForFunction((previous) => document.activeElement?.getAttribute("value") !== previous, before);
    }
    await expect(rootCa.isChecked()).resolves.toBe(true);
    await page.getByText("The script and its parameters are valid.").waitFor();
    await tabTo(page, /^Start the rehearsal$/);
    await page.keyboard.press("Enter");

    // The new screen's heading has focus; the form follows it in Tab order.
    await page.getByRole("heading", { level: 1, name: "Sign in everyone in the room" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await tabTo(page, /^Name$/);
    await page.keyboard.type(ADMIN.name);
    await page.keyboard.press("Tab");
    await page.keyboard.type(ADMIN.organisation);
    await page.keyboard.press("Tab");
    // The role select already shows the first role, the ceremony administrator.
    await page.keyboard.press("Tab");
    await page.keyboard.type(ADMIN.pin);
    await page.keyboard.press("Tab");
    await page.keyboard.type(ADMIN.pin);
    await page.keyboard.press("Enter");
    await page.getByRole("rowheader", { name: ADMIN.name }).waitFor();
    // Ready for the next person: focus is back on the name field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("participant-name");

    await tabTo(page, /^Abort the ceremony…$/);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Abort the ceremony?" });
    await dialog.waitFor();
    // A modal dialog makes the page behind it inert: Tab cycles through the dialog (and, past
    // its end, the browser's own controls, which headless has none of), never the page.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      const outside = await page.evaluate(() => {
        const el = document.activeElement;
        return el !== null && el !== document.body && !el.closest("dialog") ? el.outerHTML.slice(0, 80) : null;
      });
      expect(outside, "focus stays out of the page behind the dialog").toBeNull();
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect(page.getByRole("heading", { level: 1, name: "Sign in everyone in the room" }).isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
