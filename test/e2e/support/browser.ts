/**
 * Debian's Chromium under Playwright, as docs/architecture.md's testing doctrine says: no downloaded
 * browser. Playwright gives every launch a fresh temporary profile, and every browser context
 * starts empty, as a new incognito window does.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

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

/**
 * A test file's share of its worker's Chromium: the browser contexts it opened (each a fresh,
 * isolated session: its own cookies, storage and pages), closed together by `close()`.
 */
export interface SharedBrowser {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes the contexts this file opened; the browser stays for the worker's next file. */
  close(): Promise<void>;
}

/** This worker's Chromium, launched by its first file and again if it was lost. */
let running: Promise<Browser> | undefined;

/**
 * One Chromium per test worker, shared by the files the worker runs one after another (their
 * module registry is shared, vitest.e2e.config.ts): a launch and its shutdown cost about a second
 * of CPU, and a run has some twenty. Files never share a context, so nothing one file leaves in
 * its sessions reaches another. Playwright stops the browser when the worker exits.
 */
export async function launchChromium(): Promise<SharedBrowser> {
  let browser = running ? await running.catch(() => undefined) : undefined;
  if (!browser?.isConnected()) {
    running = chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    browser = await running;
  }
  const shared = browser;
  const contexts: BrowserContext[] = [];
  return {
    async newContext(options) {
      const context = await shared.newContext(options);
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    },
  };
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
