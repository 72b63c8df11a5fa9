/**
 * Builds the renderer into renderer/dist. The base is relative ("./") so the same files load
 * from app://ceremony/ in Electron and from the loopback test harness.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  // The config's own folder (Vite sets import.meta.dirname when it loads the config); no Node
  // import here, since everything under renderer/ is held to the renderer's import rules.
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The CSP forbids inline scripts and styles: no polyfill snippet, no inlined assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    target: "chrome130",
  },
});
