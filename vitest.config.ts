import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Files that run isolated, each in a fresh process: a file that replaces a module for its tests
 * (vi.mock) needs a module registry of its own, and the files that load a PKCS#11 library other
 * than SoftHSM2 (openCryptoki with its daemon, tpm2-pkcs11, NSS softokn) keep their libraries out
 * of the long-lived processes. With them shared, a worker process once exited during the
 * openCryptoki file and left its pkcsslotd running (the cause was not found: the same file passed
 * after the tpm2, NSS and SoftHSM2 files in one process when that was tried).
 */
const ISOLATED = [
  "test/unit/escrow/wipe.test.ts",
  "test/integration/preflight/preflight-opencryptoki.test.ts",
  "test/integration/preflight/preflight-gate.test.ts",
  "test/integration/preflight/preflight-tpm2.test.ts",
  "test/integration/preflight/preflight-softhsm-nss.test.ts",
  "test/integration/ceremony/tpm2-ceremonies.test.ts",
  "test/integration/hsm/nss-softokn-load.test.ts",
  "test/integration/hsm/tpm2-key-policy.test.ts",
  "test/integration/hsm/worker-reuse.test.ts",
];
// (Each project names its own files: a project that extends this configuration would add its
// include to one given here, not replace it.)

export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          // The files of one worker process share its module registry: the sources, zod's
          // schemas, pdfkit, @peculiar/x509 are loaded and compiled once per worker instead of
          // once per file, and stay warm in the JIT. On the 2-core test machine, back to back:
          // 370 s of CPU and 203 s wall with every file isolated, 307 s and 170 s so. A test
          // file therefore leaves the process as it found it: environment variables restored,
          // modules closed.
          isolate: false,
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED } },
    ],
  },
});
