/**
 * The witness view as a projector shows it: 1920×1080, nothing scrolled. A check fails when an
 * element a witness needs is outside the first screen, or its text is smaller than asked.
 */
import type { Locator, Page } from "playwright-core";

export const PROJECTOR = { width: 1920, height: 1080 };

/**
 * Problems found: "the page is 1198 px tall", "NAME is below the fold (bottom at 1234 px)",
 * "NAME is 24 px, needs 32".
 */
export async function projectorProblems(page: Page, needed: Array<{ name: string; locator: Locator; minFontPx?: number }>): Promise<string[]> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const problems: string[] = [];
  // Nothing at all below the fold: a projector cannot scroll while the room reads.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > PROJECTOR.height) problems.push(`the page is ${height} px tall (the projector shows ${PROJECTOR.height})`);
  for (const { name, locator, minFontPx } of needed) {
    const count = await locator.count();
    if (count === 0) {
      problems.push(`${name} is not on the screen`);
      continue;
    }
    for (let i = 0; i < count; i++) {
      const element = locator.nth(i);
      const box = await element.boundingBox();
      if (!box) {
        problems.push(`${name} #${i + 1} is not visible`);
        continue;
      }
      if (box.y < 0 || box.y + box.height > PROJECTOR.height) problems.push(`${name} #${i + 1} is below the fold (bottom at ${Math.round(box.y + box.height)} px)`);
      if (box.x < 0 || box.x + box.width > PROJECTOR.width) problems.push(`${name} #${i + 1} runs off the side (right at ${Math.round(box.x + box.width)} px)`);
      if (minFontPx !== undefined) {
        const size = await element.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
        if (size < minFontPx) problems.push(`${name} #${i + 1} is ${size} px, needs ${minFontPx}`);
      }
    }
  }
  return problems;
}
