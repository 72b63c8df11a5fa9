import { defineConfig } from "vitest/config";

// End-to-end tests: a real Electron app or a real browser, one file at a time.
// Run with `npx vitest run --config vitest.e2e.config.ts`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    // Bounds for a hung test on a heavily loaded machine, not expectations (see
    // test/e2e/support/browser.ts for the waits inside a page).
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
    fileParallelism: false,
  },
});
