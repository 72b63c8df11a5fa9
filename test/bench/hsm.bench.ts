/**
 * npm run bench:hsm — prints figures; not a timed test.
 * 1. ECDSA P-256 signatures per second through src/hsm (worker) against a bare pkcs11js loop on
 *    the same token in the same run (goal: overhead ≤ 10 %).
 * 2. Largest event-loop delay of the driving thread while an RSA-4096 key is generated, in the
 *    worker (goal ≤ 50 ms) and, as the baseline, with pkcs11js called on the driving thread.
 */
import { createHash } from "node:crypto";
import pkcs11js from "pkcs11js";
import { CKA, CKF, CKM, CKO, CKU, EC_PARAMS } from "../../src/hsm/constants.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient } from "../../src/hsm/index.ts";

const N = Number(process.env.BENCH_SIGNATURES ?? 3000);
const env = await createRehearsalEnvironment([{ label: "bench" }]);
process.env.SOFTHSM2_CONF = env.env.SOFTHSM2_CONF;

function bare<T>(fn: (p: pkcs11js.PKCS11, session: Buffer) => T): T {
  const p = new pkcs11js.PKCS11();
  p.load(env.modulePath);
  p.C_Initialize();
  try {
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === "bench")!;
    const session = p.C_OpenSession(slot, CKF.RW_SESSION | CKF.SERIAL_SESSION);
    p.C_Login(session, CKU.USER, DEFAULT_REHEARSAL_PINS.userPin);
    return fn(p, session);
  } finally {
    p.C_Finalize();
    p.close();
  }
}

// --- 1. signatures per second ---------------------------------------------------------------
const data = Buffer.from("transcript PAE bytes of a typical size ".repeat(20));
const bareRate = bare((p, session) => {
  const keys = p.C_GenerateKeyPair(
    session,
    { mechanism: CKM.EC_KEY_PAIR_GEN },
    [{ type: CKA.TOKEN, value: true }, { type: CKA.LABEL, value: "bench-p256" }, { type: CKA.EC_PARAMS, value: EC_PARAMS["P-256"] }, { type: CKA.VERIFY, value: true }],
    [{ type: CKA.TOKEN, value: true }, { type: CKA.LABEL, value: "bench-p256" }, { type: CKA.PRIVATE, value: true }, { type: CKA.SIGN, value: true }, { type: CKA.SENSITIVE, value: true }],
  );
  void CKO;
  const out = Buffer.alloc(256);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const hash = createHash("sha256").update(data).digest();
    p.C_SignInit(session, { mechanism: CKM.ECDSA }, keys.privateKey);
    p.C_Sign(session, hash, out);
  }
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
});

const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
await client.call("openToken", { label: "bench" });
await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
const [priv] = await client.call("findObjects", { label: "bench-p256", class: "private" });
let t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) await client.call("sign", { handle: priv!.handle, mechanism: "ECDSA-SHA256", data, format: "raw" });
const sequentialRate = N / (Number(process.hrtime.bigint() - t0) / 1e9);
t0 = process.hrtime.bigint();
const inFlight = 16;
for (let i = 0; i < N; i += inFlight) {
  await Promise.all(
    Array.from({ length: Math.min(inFlight, N - i) }, () =>
      client.call("sign", { handle: priv!.handle, mechanism: "ECDSA-SHA256", data, format: "raw" }),
    ),
  );
}
const pipelinedRate = N / (Number(process.hrtime.bigint() - t0) / 1e9);
t0 = process.hrtime.bigint();
const batch = 100;
for (let i = 0; i < N; i += batch) {
  await client.call(
    "signMany",
    Array.from({ length: Math.min(batch, N - i) }, () => ({ handle: priv!.handle, mechanism: "ECDSA-SHA256" as const, data, format: "raw" as const })),
  );
}
const batchedRate = N / (Number(process.hrtime.bigint() - t0) / 1e9);

// --- 2. event-loop delay during RSA-4096 generation ----------------------------------------
async function maxDelayDuring(work: () => Promise<unknown>): Promise<{ maxMs: number; ms: number }> {
  // A 2 ms ticker: the largest gap between ticks, minus the period, is the worst delay a
  // UI event would have seen.
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 2);
  await new Promise((r) => setTimeout(r, 20));
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  return { maxMs: Math.max(0, maxGap - 2), ms };
}
const worker = await maxDelayDuring(() => client.call("generateKeyPair", { label: "bench-rsa", algorithm: "RSA-4096", purpose: "signing" }));
await client.close();
const mainThread = await maxDelayDuring(async () =>
  bare((p, session) =>
    p.C_GenerateKeyPair(
      session,
      { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN },
      [{ type: CKA.TOKEN, value: false }, { type: CKA.MODULUS_BITS, value: 4096 }, { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }],
      [{ type: CKA.TOKEN, value: false }, { type: CKA.SIGN, value: true }],
    ),
  ),
);
await env.cleanup();

const pct = (r: number): string => `${(((bareRate - r) / bareRate) * 100).toFixed(1)} %`;
console.log(`\nECDSA P-256 signatures, ${N} each, SoftHSM2 ${env.modulePath}`);
console.log(`  bare pkcs11js loop (baseline)         ${bareRate.toFixed(0).padStart(7)} sig/s`);
console.log(`  src/hsm, one request at a time        ${sequentialRate.toFixed(0).padStart(7)} sig/s   overhead ${pct(sequentialRate)}`);
console.log(`  src/hsm, ${inFlight} requests in flight         ${pipelinedRate.toFixed(0).padStart(7)} sig/s   overhead ${pct(pipelinedRate)}   (goal ≤ 10 %)`);
console.log(`  src/hsm signMany, ${batch} per request       ${batchedRate.toFixed(0).padStart(7)} sig/s   overhead ${pct(batchedRate)}`);
console.log(`\nRSA-4096 key generation, largest event-loop delay of the driving thread`);
console.log(`  in the HSM worker (src/hsm)           ${worker.maxMs.toFixed(1).padStart(7)} ms  during ${worker.ms.toFixed(0)} ms of generation   (goal ≤ 50 ms)`);
console.log(`  pkcs11js on the driving thread        ${mainThread.maxMs.toFixed(1).padStart(7)} ms  during ${mainThread.ms.toFixed(0)} ms (baseline: what the worker avoids)`);
