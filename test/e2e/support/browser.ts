/**
 * Debian's Chromium under Playwright, as docs/architecture.md's testing doctrine says: no downloaded
 * browser. Playwright gives every launch a fresh temporary profile.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = !existsSync(CHROMIUM);

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * How long a wait for something on screen (a locator, an answer of the core) may take before it
 * counts as never: a bound for a heavily loaded machine, not an expectation. Every page opened
 * here waits this long by default; LONG passes it to a single wait.
 */
export const UI_WAIT_MS = 120_000;
export const LONG = { timeout: UI_WAIT_MS };

/** A wide screen like the ceremony laptop's external display. */
export const VIEWPORT = { width: 1600, height: 1000 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Every Content-Security-Policy violation and uncaught page error so far. */
  problems: string[];
}

/** A page that records what a user would not see: CSP violations and uncaught errors. */
export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_WAIT_MS);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(url);
  return { page, problems };
}
