import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    // Builds the compiled CLI when it is older than its sources, and the crash driver bundle.
    globalSetup: ["test/helpers/global-setup.ts"],
    // Bounds for a hung test on a heavily loaded machine, not expectations: tests wait on events
    // (output lines, journal rows, files), and a busy machine may make them many times slower.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: on the 2-core test machine that is one
    // worker and one idle core (the run took 334 s quiet with one worker, 179 s with two).
    maxWorkers: availableParallelism(),
  },
});
