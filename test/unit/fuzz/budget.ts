/**
 * How many fuzz cases run, and from which seed. `npm test` replays a few hundred cases per file
 * from each property's fixed seed: quick, and a failure reproduces. `npm run test:fuzz`
 * (CEREMONY_FUZZ=full) runs the full count (10,000 per file) from a random seed it prints;
 * CEREMONY_FUZZ_SEED=<n> replays that run.
 */
const FULL = process.env.CEREMONY_FUZZ === "full";

/** The share of the full count that `npm test` runs: 400 of each file's 10,000. */
const QUICK_SHARE = 0.04;

function runSeed(): number {
  const given = process.env.CEREMONY_FUZZ_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`CEREMONY_FUZZ_SEED must be an integer, not "${given}"`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

const RUN_SEED = FULL ? runSeed() : 0;
if (FULL) console.log(`fuzz: seed ${RUN_SEED}; replay with CEREMONY_FUZZ_SEED=${RUN_SEED} npm run test:fuzz`);

/** The number of cases a property with `fullRuns` cases runs in this mode. */
export function fuzzRuns(fullRuns: number): number {
  return FULL ? fullRuns : Math.ceil(fullRuns * QUICK_SHARE);
}

/** fast-check parameters for one property: its fixed seed in `npm test`, the run's seed (offset by it) in `test:fuzz`. */
export function fuzzCases(fullRuns: number, fixedSeed: number): { numRuns: number; seed: number } {
  return { numRuns: fuzzRuns(fullRuns), seed: FULL ? (RUN_SEED + fixedSeed) % 2 ** 31 : fixedSeed };
}

/** "(4,000 cases)" or "(160 cases)": test titles say how many cases really ran. */
export function casesLabel(fullRuns: number): string {
  return `(${fuzzRuns(fullRuns).toLocaleString("en")} cases)`;
}
