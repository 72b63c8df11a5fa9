import { defineConfig } from "vitest/config";

// The fault matrix (npm run test:faults): crashes, HSM faults, disk faults, wrong PINs. Its test
// files start child processes of their own, so they run one at a time; the global setup builds
// those children and prints the fault table at the end.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/faults/support/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
