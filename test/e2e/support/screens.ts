/**
 * Every screen the E2E tests reach is photographed (for people to look at) and audited with
 * axe (for the machine to judge): serious and critical violations fail the test.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../../../test-results/screenshots");

export interface AuditRecord {
  screen: string;
  violations: Array<{ id: string; impact: string | null | undefined; nodes: number; help: string }>;
  auditMs: number;
  shotMs: number;
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
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${this.prefix}-${screen}.png`), fullPage: options.fullPage ?? true, animations: "disabled", caret: "hide" });
    const shotMs = Date.now() - shotStarted;
    const started = Date.now();
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
    const violations = results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
    this.audits.push({ screen, violations, auditMs: Date.now() - started, shotMs });
    const blocking = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    expect(blocking, `axe on ${screen}`).toEqual([]);
  }

  summary(): string {
    const lines = this.audits.map((a) => `  ${a.screen}: ${a.violations.length ? a.violations.map((v) => `${v.id}[${v.impact}]×${v.nodes}`).join(", ") : "no violations"} (axe ${a.auditMs} ms, screenshot ${a.shotMs} ms)`);
    return `axe audits (${this.prefix}), ${this.audits.length} screens:\n${lines.join("\n")}`;
  }
}
