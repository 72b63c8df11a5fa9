/**
 * What share holders do on screen: read back their card at the read-back step (the QR code on the
 * card image the screen shows, decoded with zbarimg and typed by a USB scanner, which is a
 * keyboard), and enter it at a trial recovery or a recovery.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { LONG } from "./browser.ts";
import { clickForRpc } from "./ceremony-driver.ts";
import type { Person } from "./people.ts";
import { scanQrFromDataUrl } from "./qr.ts";

/**
 * Card `n`'s holder has their turn and shows their card; returns what its QR code holds. In a
 * rehearsal the screen shows the card's image, and its QR code is decoded from that; in a real
 * ceremony the screen says the card went to the printer, and `paper` reads the printed card.
 */
export async function showCard(page: Page, n: number, holder: Person, paper?: (n: number) => Promise<string>): Promise<string> {
  await page.getByRole("heading", { level: 3, name: `Card ${n}: ${holder.name}’s turn` }).waitFor(LONG);
  await clickForRpc(page, page.getByRole("button", { name: "Show the card" }), "cards:preview");
  let text: string;
  if (paper) {
    await page.getByText(`Card ${n} for ${holder.name} was printed to`).waitFor(LONG);
    await expect(page.locator("img.card-image").count(), "a real card is not shown on screen").resolves.toBe(0);
    text = await paper(n);
  } else {
    const image = page.getByRole("img", { name: new RegExp(`^Share card ${n} for ${holder.name}`) });
    text = await scanQrFromDataUrl((await image.getAttribute("src")) ?? "");
  }
  expect(text).toMatch(/^CWS1:/);
  return text;
}

/** A USB scanner types the QR text into the scan field and presses Enter. */
export async function scanIntoReadBack(page: Page, text: string): Promise<void> {
  await page.getByLabel(/^Scan the card/).pressSequentially(text, { delay: 0 });
  await page.keyboard.press("Enter");
}

/** The core says card `n` is the one printed for its holder; the holder is done. */
export async function cardMatches(page: Page, n: number, holder: Person): Promise<void> {
  await page.getByText(`card ${n} matches what was printed for ${holder.name}`).waitFor(LONG);
  await page.getByRole("button", { name: /^Done — / }).click();
}

/**
 * Every holder in card order shows their card (`paper`: a real ceremony's printed cards, see
 * showCard) and reads it back by scanner; `afterCard` runs after each card matched (for a
 * screenshot or a look at the witness view). Returns each holder's card text.
 */
export async function readBackEveryCard(
  page: Page,
  holders: Person[],
  options: { paper?: (n: number) => Promise<string>; afterCard?: (n: number) => Promise<void> } = {},
): Promise<Map<string, string>> {
  const cards = new Map<string, string>();
  for (const [i, holder] of holders.entries()) {
    const text = await showCard(page, i + 1, holder, options.paper);
    cards.set(holder.name, text);
    await scanIntoReadBack(page, text);
    await cardMatches(page, i + 1, holder);
    await options.afterCard?.(i + 1);
  }
  await page.getByText(`All ${holders.length} cards read back and verified.`).waitFor(LONG);
  return cards;
}

/** Holder entry `n` of a (trial) recovery: the holder chooses their name and scans their card. */
export async function enterRecoveryCard(page: Page, n: number, holder: Person, text: string): Promise<void> {
  const entry = page.getByRole("region", { name: `Holder ${n}`, exact: true });
  await entry.waitFor(LONG);
  await entry.getByLabel("Holder’s name").selectOption({ label: `${holder.name} — ${holder.organisation}` });
  await entry.getByLabel(/^Scan the card/).fill(text);
  await entry.getByText(`${holder.name}’s card checks: set`).waitFor(LONG);
  await expect(entry.getByLabel(/^Scan the card/).count()).resolves.toBe(0);
}
