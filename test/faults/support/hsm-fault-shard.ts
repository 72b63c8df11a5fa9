/**
 * A child process that runs one shard of the HSM fault matrix: for N = first, first + step, …
 * one fault case (hsm-fault-case.ts) with the CKR_ code whose turn it is (codesAt), or with each
 * of the four when CEREMONY_FAULTS=full. PKCS#11 state is per process, so the
 * cases run one after another here, each closing its modules before the next. It stops at the
 * first N at which no code made a visible fault: the clean run has fewer calls than that.
 * Prints one "CASE <json>" line per case and "DONE" at the end.
 * Usage: main.cjs SCRIPTS_DIR WORK_DIR FIRST STEP SCRIPT...
 */
import { writeSync } from "node:fs";
import { codesAt, prepareBase, runFaultCase } from "./hsm-fault-case.ts";

/** A fault plan far past the last call of any ceremony here: no case needs more. */
const MAX_CALL = 400;

async function main(): Promise<void> {
  const [scriptsDir, workDir, first, step, ...scripts] = process.argv.slice(2) as [string, string, string, string, ...string[]];
  for (const scriptFile of scripts) {
    const base = await prepareBase(scriptsDir, scriptFile, workDir);
    for (let n = Number(first); n <= MAX_CALL; n += Number(step)) {
      let visible = 0;
      for (const code of codesAt(n)) {
        const outcome = await runFaultCase(base, n, code, workDir);
        if (outcome.triggered) visible++;
        writeSync(1, `CASE ${JSON.stringify(outcome)}\n`);
      }
      if (visible === 0) break;
    }
  }
  writeSync(1, "DONE\n");
}

main().catch((e: unknown) => {
  writeSync(2, `${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
