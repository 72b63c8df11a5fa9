/**
 * HSM fault matrix: for each ceremony below (root CA, master key, root rotation, KEK rotation, re-escrow),
 * the PKCS#11 call number N at which
 * the device fails runs over EVERY call of the ceremony (from C_Initialize to the transcript
 * signature), with the four codes of a device going away taking turns (call N fails with code
 * (N - 1) mod 4, so each code meets every step of four calls or more; CEREMONY_FAULTS=full, as
 * `npm run test:faults:full` sets it, tries every code at every call). The failure is sticky, as a
 * pulled USB device stays pulled; every later module load is clean (the replug). Each case must
 * pause with a clear error (action.failed with the CKR_ code, a message saying what to do, the
 * step asking for the HSM PIN again) and then complete to a verifying bundle with one key per
 * label. Two child processes share the Ns (odd and even): PKCS#11 state is per process.
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import { bundleMain } from "./support/bundles.ts";
import { pool, runChild } from "./support/child.ts";
import { recordFaultRow } from "./support/fault-table.ts";
import { codesAt, EVERY_CODE_AT_EVERY_CALL, FAULT_CODES, type FaultOutcome } from "./support/hsm-fault-case.ts";
import { scratchDir } from "./support/scratch.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SHARDS = 2;
/** A bound for a hung shard on a heavily loaded machine (~3 min on a quiet one), not an expectation. */
const MATRIX_BOUND_MS = 2_400_000;
// Each ceremony is its own test, so one can be run alone (vitest -t "root rotation").
const TITLES: Record<string, string> = {
  "root-ca.yaml": "root CA",
  "master-key.yaml": "master key",
  "root-rotation.yaml": "root rotation",
  "kek-rotation.yaml": "KEK rotation",
  "re-escrow.yaml": "re-escrow",
};

test.each(Object.entries(TITLES).map(([scriptFile, title]) => [title, scriptFile]))(
  "%s: every PKCS#11 call fails once (device-lost codes in turn); each pauses clearly and completes after a replug",
  async (title, scriptFile) => {
    const work = scratchDir("hsm-faults-");
    const shards = await pool(
      SHARDS,
      Array.from({ length: SHARDS }, (_, shard) => () =>
        runChild(bundleMain("hsmShard"), [resolve(ROOT, "ceremony-scripts"), work, String(shard + 1), String(SHARDS), scriptFile], { timeoutMs: MATRIX_BOUND_MS - 60_000 }),
      ),
    );
    for (const s of shards) expect(s.lines, s.stderr.slice(-2000)).toContain("DONE");
    const mine = shards.flatMap((s) => s.lines.filter((l) => l.startsWith("CASE ")).map((l) => JSON.parse(l.slice(5)) as FaultOutcome));

    const visible = mine.filter((o) => o.triggered);
    const calls = Math.max(...visible.map((o) => o.failAtCall));
    // Every N up to the last visible one was tried with its codes, and each was visible: the
    // calls of the ceremony form one unbroken range.
    for (let n = 1; n <= calls; n++) {
      const atN = mine.filter((o) => o.failAtCall === n);
      expect(atN.map((o) => o.code).sort(), `call ${n} of ${scriptFile}`).toEqual([...codesAt(n)].sort());
      expect(atN.filter((o) => !o.triggered), `call ${n} of ${scriptFile} failed visibly`).toEqual([]);
    }
    // Each code surfaced, with its own advice checked, in every place the faults pause at that
    // four calls or more reach.
    const byPlace = new Map<string | null, FaultOutcome[]>();
    for (const o of visible) byPlace.set(o.surfacedAt, [...(byPlace.get(o.surfacedAt) ?? []), o]);
    for (const [place, outcomes] of byPlace) {
      if (outcomes.length >= FAULT_CODES.length) expect(new Set(outcomes.map((o) => o.code)), `codes that surfaced at ${place}`).toEqual(new Set(FAULT_CODES));
    }
    // Past the last call nothing fails: the ceremony makes exactly `calls` PKCS#11 calls that matter.
    expect(mine.some((o) => o.failAtCall > calls && !o.triggered)).toBe(true);
    const where = [...new Set(visible.map((o) => o.surfacedAt))];
    recordFaultRow({
      faultClass: `HSM fault at call N, then replug (${title})`,
      tried: visible.length,
      survived: visible.filter((o) => o.survived).length,
      lost: visible.filter((o) => !o.survived).map((o) => `call ${o.failAtCall} ${o.code}: ${o.problems[0]}`),
      coverage: `every call 1..${calls} ${EVERY_CODE_AT_EVERY_CALL ? "× 4 codes" : "(the 4 codes in turn)"}, paused at: ${where.join(", ")}`,
    });
    const failed = mine.filter((o) => !o.survived);
    // A case that lost something keeps its folder (journal, token, bundle) for inspection.
    if (failed.length === 0) rmSync(work, { recursive: true, force: true });
    expect(failed.map((o) => `${o.scriptFile} call ${o.failAtCall} ${o.code}: ${o.problems.join("; ")} (kept in ${work})`)).toEqual([]);
  },
  MATRIX_BOUND_MS,
);
