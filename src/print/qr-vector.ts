import type QRCode from "qrcode";
import { PrintInputError } from "./errors.ts";
import type { Pdf } from "./pdf-document.ts";
import { createQrCode } from "./qrcode-core.ts";

/** QR spec (ISO/IEC 18004) asks for a light margin of 4 modules around the symbol. */
const QR_QUIET_ZONE = 4;

export interface QrPlacement {
  /** Modules per side of the symbol, without the quiet zone. */
  modules: number;
  version: number;
}

/**
 * Draws `text` as a QR code (error correction M) filling the square (x, y, size), quiet zone
 * included. The symbol is vector rectangles, not an image, so it stays sharp at any printer
 * resolution. Dark modules on one row are merged into one rectangle and all rectangles are filled
 * as one path: separately filled, touching rectangles leave hairline seams after anti-aliasing,
 * and seams can break a scan.
 */
export function drawQrCode(doc: Pdf, text: string, x: number, y: number, size: number, path: string): QrPlacement {
  let symbol: QRCode.QRCode;
  try {
    symbol = createQrCode(text, { errorCorrectionLevel: "M" });
  } catch (error) {
    throw new PrintInputError(path, `cannot be encoded as a QR code (${(error as Error).message})`);
  }
  const { size: modules, data } = symbol.modules;
  const unit = size / (modules + 2 * QR_QUIET_ZONE);
  const originX = x + QR_QUIET_ZONE * unit;
  const originY = y + QR_QUIET_ZONE * unit;
  doc.save();
  for (let row = 0; row < modules; row++) {
    let col = 0;
    while (col < modules) {
      if (!data[row * modules + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules && data[row * modules + col]) col++;
      doc.rect(originX + start * unit, originY + row * unit, (col - start) * unit, unit);
    }
  }
  doc.fillColor("black").fill("nonzero");
  doc.restore();
  return { modules, version: symbol.version };
}
