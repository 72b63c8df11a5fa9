/**
 * qrcode's encoder on its own (lib/core/qrcode.js), without the package's entry point, which loads
 * every renderer at start (the PNG one brings pngjs and zlib): only `create` is used here, and the
 * symbol is drawn as vector rectangles (qr-vector.ts). The types are @types/qrcode's.
 */
declare module "qrcode/lib/core/qrcode.js" {
  export { create } from "qrcode";
}
