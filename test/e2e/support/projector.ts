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

type Needed = Parameters<typeof projectorProblems>[1];

/**
 * A step awaiting attestation on the projector: its title, the values to check, the checklist and
 * the attestation progress (at least 32 px), and the name, PIN and button a witness uses; plus
 * `more` (values this step marks for copying, say).
 */
export function attestationStepProblems(projector: Page, more: Needed = []): Promise<string[]> {
  return projectorProblems(projector, [
    { name: "step title", locator: projector.getByRole("heading", { level: 1 }) },
    { name: "value to check", locator: projector.locator(".read-aloud") },
    { name: "checklist item", locator: projector.locator(".checklist li label"), minFontPx: 32 },
    { name: "checklist box", locator: projector.locator(".checklist input[type=checkbox]") },
    { name: "attestation progress", locator: projector.locator(".attest-rule"), minFontPx: 32 },
    { name: "name to choose", locator: projector.getByLabel("Your name") },
    { name: "PIN field", locator: projector.getByLabel("Your attestation PIN") },
    { name: "attest button", locator: projector.getByRole("button", { name: "Attest this step" }) },
    ...more,
  ]);
}
