import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// The fault matrix (npm run test:faults): crashes, HSM faults, disk faults, wrong PINs. The files
// run side by side: each works in its own scratch folders with its own SoftHSM2 tokens and
// records its own rows of the fault table, and the long matrices keep both cores busy while the
// short files run. The global setup builds the child processes and prints the fault table.
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/faults/support/global-setup.ts"],
    // Bounds for a hung test on a heavily loaded machine, not expectations.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
    // One worker per core (Vitest's default leaves one core idle, which ran the files one after
    // the other on the 2-core test machine: 232 s).
    maxWorkers: availableParallelism(),
  },
});
