/**
 * qrcode's encoder on its own (lib/core/qrcode.js), without the package's entry point, which loads
 * every renderer at start (the PNG one brings pngjs and zlib): only `create` is used, and the
 * symbol is drawn as vector rectangles (qr-vector.ts). The types are @types/qrcode's `create`.
 */
import type { create as CreateQrCode } from "qrcode";
// @ts-expect-error -- @types/qrcode declares the package's entry point only; this file is its `create`
import { create } from "qrcode/lib/core/qrcode.js";

export const createQrCode = create as typeof CreateQrCode;
