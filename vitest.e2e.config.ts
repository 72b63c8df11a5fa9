import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// End-to-end tests: a real Electron app or a real browser.
// Run with `npx vitest run --config vitest.e2e.config.ts`.
// The files run side by side, one per core: each starts its own harness on a free port, its own
// browser contexts (in its worker's Chromium, test/e2e/support/browser.ts) and its own SoftHSM2
// tokens, and much of a browser test is waiting
// for the page, so two at a time keep both cores busy (144 s one at a time, quiet machine). The
// renderer is built once, by the global set-up, before any file starts.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/support/global-setup.ts"],
    // Bounds for a hung test on a heavily loaded machine, not expectations (see
    // test/e2e/support/browser.ts for the waits inside a page).
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
    // The files of one worker process share its module registry (Playwright's client, the
    // harness and the sources load once per worker, not once per file), and its Chromium; each
    // file starts and stops its own browser contexts, harness and tokens.
    isolate: false,
    maxWorkers: availableParallelism(),
  },
});
