/**
 * Every screen the E2E tests reach is photographed (for people to look at) and audited with
 * axe (for the machine to judge): serious and critical violations fail the test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import axe from "axe-core";
import type { CDPSession, Page } from "playwright-core";
import { expect } from "vitest";

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../../../test-results/screenshots");

/**
 * The rules axe runs: WCAG 2.0–2.2 A and AA, and Deque's best practices. The engine is the
 * project's own axe-core devDependency (4.14), which among them runs label-content-name-mismatch
 * (WCAG 2.5.3 Label in Name: a control's name contains the words it shows).
 */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

export interface AuditRecord {
  screen: string;
  violations: Array<{ id: string; impact: string | null | undefined; nodes: number; help: string }>;
  auditMs: number;
  shotMs: number;
}

/** A violation as it leaves the page: only what the log and the failure message use. */
interface PageViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * axe-core run in the page itself. The app is one frame, so `axe.run` on the document sees all
 * of it; axe is injected once per document (again only after a navigation or in a new page),
 * where @axe-core/playwright's AxeBuilder evaluated the whole axe source twice on every audit and
 * opened and closed a blank tab to finish each run. Answers null when axe is not in the page.
 */
function auditInPage(options: axe.RunOptions): Promise<PageViolation[]> | null {
  const inPage = (window as unknown as { axe?: typeof axe }).axe;
  if (typeof inPage?.run !== "function") return null;
  return inPage.run(document, options).then((results) =>
    results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) })),
  );
}

async function runAxe(page: Page): Promise<PageViolation[]> {
  const options: axe.RunOptions = { runOnly: { type: "tag", values: AXE_TAGS }, resultTypes: ["violations"] };
  const first = await page.evaluate(auditInPage, options);
  if (first) return first;
  await page.evaluate(axe.source);
  const second = await page.evaluate(auditInPage, options);
  if (!second) throw new Error("axe-core did not load in the page");
  return second;
}

/** One DevTools session per page, for the screenshots. */
const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * Writes a PNG of the page as Playwright's `page.screenshot` would (the same clip, the same
 * pixels: compared byte for byte on a 1600×3381 page and on 31 of the app's screens, where only a
 * running timer and progress bar differed), asking Chromium for its faster PNG
 * encoding (Page.captureScreenshot's optimizeForSpeed, which Playwright does not pass). That cut
 * Chromium's CPU per full-page screenshot from about 280 to 170 ms; the file is about a fifth
 * larger. Playwright's caret hiding and animation pause are left out: the app has one animation
 * (the HSM progress bar) and a caret is harmless in a picture for people to look at.
 */
async function savePng(page: Page, file: string, fullPage: boolean): Promise<void> {
  let session = sessions.get(page);
  if (!session) sessions.set(page, (session = page.context().newCDPSession(page)));
  const cdp = await session;
  const { cssContentSize, cssVisualViewport } = await cdp.send("Page.getLayoutMetrics");
  const clip = fullPage
    ? { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 }
    : { x: cssVisualViewport.pageX, y: cssVisualViewport.pageY, width: cssVisualViewport.clientWidth, height: cssVisualViewport.clientHeight, scale: 1 };
  const { data } = await cdp.send("Page.captureScreenshot", { format: "png", optimizeForSpeed: true, captureBeyondViewport: fullPage, clip });
  writeFileSync(file, Buffer.from(data, "base64"));
}

/** One audit log per test file, printed at the end so the figures appear in the run's output. */
export class ScreenRecorder {
  readonly audits: AuditRecord[] = [];
  constructor(private readonly prefix: string) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }

  /** Screenshot and axe audit of what `page` shows now; fails on serious or critical issues. */
  async capture(page: Page, screen: string, options: { fullPage?: boolean } = {}): Promise<void> {
    const shotStarted = Date.now();
    // A tab behind another (the witness view) is painted only on demand, which makes a
    // full-page screenshot take seconds; in front it takes a frame.
    await page.bringToFront();
    // From the top, as a person arriving at the screen sees it (a sticky timeline would
    // otherwise be drawn wherever the last click scrolled to); fonts must be in.
    await page.evaluate(async () => {
      if (!document.querySelector("dialog[open]")) window.scrollTo(0, 0);
      await document.fonts.ready;
    });
    // The CSP forbids inline script and style: a style attribute would be dropped in Electron.
    // (axe leaves empty style="" behind on elements it measured; those style nothing.)
    const inline = await page.evaluate(() => ({
      styled: Array.from(document.querySelectorAll('[style]:not([style=""])')).map((e) => e.outerHTML.slice(0, 120)),
      scripts: document.querySelectorAll("script:not([src])").length,
    }));
    expect(inline, `inline style or script on ${screen}`).toEqual({ styled: [], scripts: 0 });
    await savePng(page, path.join(SCREENSHOT_DIR, `${this.prefix}-${screen}.png`), options.fullPage ?? true);
    const shotMs = Date.now() - shotStarted;
    const started = Date.now();
    const found = await runAxe(page);
    const violations = found.map((v) => ({ id: v.id, impact: v.impact, nodes: v.targets.length, help: v.help }));
    this.audits.push({ screen, violations, auditMs: Date.now() - started, shotMs });
    const blocking = found
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 3).join(", ")}`);
    expect(blocking, `axe on ${screen}`).toEqual([]);
  }

  summary(): string {
    const lines = this.audits.map((a) => `  ${a.screen}: ${a.violations.length ? a.violations.map((v) => `${v.id}[${v.impact}]×${v.nodes}`).join(", ") : "no violations"} (axe ${a.auditMs} ms, screenshot ${a.shotMs} ms)`);
    return `axe audits (${this.prefix}), ${this.audits.length} screens:\n${lines.join("\n")}`;
  }
}
