import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import QRCode from "qrcode";
import { describe, expect, it } from "vitest";

import { QR_PREFIX, SHARE_WORD_COUNT, decodeShare, encodeShareEnvelope } from "../../../src/escrow/index.ts";
import { WORDS } from "../../../src/escrow/wordlist.ts";
import { envelope } from "./fixtures.ts";

const zbarimg = spawnSync("zbarimg", ["--version"]).status === 0;

describe("QR text", () => {
  it("uses only QR alphanumeric characters, so the code stays small", () => {
    const { qrText } = encodeShareEnvelope(envelope());
    expect(qrText.startsWith(QR_PREFIX)).toBe(true);
    expect(qrText).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    const qr = QRCode.create(qrText, { errorCorrectionLevel: "M" });
    expect(qr.segments.map((s) => s.mode.id)).toEqual(["Alphanumeric"]);
  });

  it("fits version 10 at error level M even when all 33 words have eight letters", () => {
    const longest = WORDS.filter((w) => w.length === 8).slice(0, SHARE_WORD_COUNT);
    const worst = QR_PREFIX + longest.join(" ").toUpperCase();
    expect(worst.length).toBe(5 + 33 * 8 + 32);
    expect(QRCode.create(worst, { errorCorrectionLevel: "M" }).version).toBeLessThanOrEqual(10);
  });

  it.skipIf(!zbarimg)("scans back (zbarimg) to text that decodes to the same share", async () => {
    const encoded = encodeShareEnvelope(envelope());
    const dir = mkdtempSync(join(tmpdir(), "share-qr-"));
    try {
      const png = join(dir, "share.png");
      writeFileSync(png, await QRCode.toBuffer(encoded.qrText, { errorCorrectionLevel: "M", scale: 4 }));
      const scan = spawnSync("zbarimg", ["--quiet", "--raw", png], { encoding: "utf8" });
      expect(scan.status).toBe(0);
      const decoded = decodeShare(scan.stdout);
      expect(decoded.fingerprint).toBe(encoded.fingerprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
if (!zbarimg) console.log("share-qr.test.ts: zbarimg not found; the scan-back test is skipped (Debian package zbar-tools)");
