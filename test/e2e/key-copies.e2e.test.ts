/**
 * Every copy of a key on the key-inventory screen (Chromium through the harness, real SQLite
 * journal): a KEK destroyed on one token while its recovered copy, its cards and its wrapped key
 * remain is PARTLY DESTROYED, with each remaining copy named and where it is; a key whose every
 * copy is accounted for is Destroyed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/index.ts";
import { startHarness } from "../harness/harness-server.ts";
import { ensureRendererBuild } from "../harness/renderer-build.ts";
import { chromiumMissing, launchChromium, LONG, openPage, VIEWPORT, type SharedBrowser } from "./support/browser.ts";
import { ScreenRecorder } from "./support/screens.ts";

const fp = (n: number): string => n.toString(16).padStart(2, "0").repeat(32);

describe.skipIf(chromiumMissing)("key copies on the key inventory screen", () => {
  let browser: SharedBrowser;
  let context: BrowserContext;
  const screens = new ScreenRecorder("k-key-copies");

  beforeAll(async () => {
    await ensureRendererBuild();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    console.log(screens.summary());
    await browser?.close();
  });

  it("a key destroyed on one token is PARTLY DESTROYED, listing what remains and where; one with every copy accounted for is Destroyed", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "key-copies-ui-"));
    const journal = Journal.open(path.join(dataDir, "journal.db"));
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const kek = (label: string, kcvEcb0: string) => ({ label, algorithm: "AES-256", purpose: "kek", kcvEcb0, kcvCmac: "377822C093", createdAt: at, createdByCeremony: "master-key-1", rotationDueAt: new Date(Date.now() + 300 * 86_400_000).toISOString() });
    const set = (setId: string, keyLabel: string, kcvEcb0: string) => ({
      setId,
      keyLabel,
      kcvEcb0,
      kcvCmac: "377822C093",
      k: 2,
      n: 3,
      wrappedSha256: fp(0xee),
      wrappedPath: `escrow/${keyLabel}.wrapped`,
      ceremonyId: "master-key-1",
      recordedAt: at,
      cards: [1, 2, 3].map((card) => ({ card, holder: ["Hana Holder", "Ivo Holder", "Jun Holder"][card - 1]!, fingerprint: fp(card) })),
    });
    // KEK-01: made on root-hsm, recovered into drill-hsm, escrowed 2 of 3; destroyed on root-hsm only.
    journal.upsertKey({ ...kek("KEK-01", "F29000"), ckaId: "0f1e2d3c", tokenSerial: "7f3a9c01d2e4b566", tokenLabel: "root-hsm" });
    journal.upsertKey({ ...kek("KEK-01", "F29000"), ckaId: "0f1e2d3c", tokenSerial: "6514d68bfe5904d3", tokenLabel: "drill-hsm", createdByCeremony: "key-recovery-1" });
    journal.recordEscrowSet(set("3f9a81c0d2", "KEK-01", "F29000"));
    journal.markDestroyed({ tokenSerial: "7f3a9c01d2e4b566", ckaId: "0f1e2d3c" }, "key-destruction-1");
    // KEK-00: every copy accounted for.
    journal.upsertKey({ ...kek("KEK-00", "ABCDEF"), ckaId: "0a0b", tokenSerial: "7f3a9c01d2e4b566", tokenLabel: "root-hsm" });
    journal.recordEscrowSet(set("0011223344", "KEK-00", "ABCDEF"));
    journal.markDestroyed({ tokenSerial: "7f3a9c01d2e4b566", ckaId: "0a0b" }, "key-destruction-0");
    for (const card of [1, 2, 3]) journal.markEscrowCopy({ kind: "card", setId: "0011223344", card }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-0", at });
    journal.markEscrowCopy({ kind: "wrapped-key", setId: "0011223344" }, { status: "collected-and-destroyed", ceremonyId: "key-destruction-0", at });
    journal.close();

    const harness = await startHarness({ dataDir });
    try {
      const { page, problems } = await openPage(context, harness.url.replace("#token=", "#route=/keys&token="));
      const table = page.getByRole("table", { name: /keys, most urgent first/ });
      await table.waitFor(LONG);
      const partly = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: /^KEK-01/ }) });
      await expect(partly.getByText("PARTLY DESTROYED").isVisible()).resolves.toBe(true);
      await expect(partly.getByText("6 copies, 5 remain").isVisible()).resolves.toBe(true);
      // Most urgent first: the partly destroyed key comes before the destroyed one.
      const order = await table.getByRole("rowheader").allInnerTexts();
      expect(order.findIndex((t) => t.startsWith("KEK-01"))).toBeLessThan(order.findIndex((t) => t.startsWith("KEK-00")));

      const copies = page.getByRole("region", { name: "Copies of KEK-01" });
      await expect(copies.getByRole("heading").innerText()).resolves.toBe("KEK-01: PARTLY DESTROYED — 5 of 6 copies remain");
      const items = await copies.getByRole("listitem").allInnerTexts();
      expect(items.map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
        expect.stringMatching(/^● REMAINS copy on token drill-hsm \(serial 6514d68bfe5904d3\), ID 0F1E 2D3C$/),
        expect.stringMatching(/^● REMAINS card 1 of escrow set 3F9A 81C0 D2 \(held by Hana Holder\), share fingerprint 0101 0101 0101 0101…$/),
        expect.stringMatching(/^● REMAINS card 2 of escrow set 3F9A 81C0 D2 \(held by Ivo Holder\)/),
        expect.stringMatching(/^● REMAINS card 3 of escrow set 3F9A 81C0 D2 \(held by Jun Holder\)/),
        expect.stringMatching(/^● REMAINS wrapped key of escrow set 3F9A 81C0 D2, SHA-256 EEEE EEEE EEEE EEEE… \(escrow\/KEK-01.wrapped of bundle master-key-1, and printed on each card\)$/),
        expect.stringMatching(/^✖ Gone copy on token root-hsm \(serial 7f3a9c01d2e4b566\), ID 0F1E 2D3C destroyed \d{4}-\d{2}-\d{2} by key-destruction-1$/),
      ]);
      const done = page.getByRole("region", { name: "Copies of KEK-00" });
      await expect(done.getByRole("heading").innerText()).resolves.toBe("KEK-00: DESTROYED — every copy accounted for");
      const destroyed = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: /^KEK-00/ }) });
      await expect(destroyed.getByText(/Destroyed$/).isVisible()).resolves.toBe(true);
      await expect(destroyed.getByText("5 copies, none left").isVisible()).resolves.toBe(true);
      await screens.capture(page, "01-key-copies");
      expect(problems).toEqual([]);
    } finally {
      await harness.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
