/**
 * Transcript verification and journal append figures. Run: npx tsx test/bench/transcript.bench.ts
 *
 * Prints, for a synthetic 100,000-event transcript: the time to verify it (chain + checkpoint +
 * attestation rules + canonical form + DSSE signature, via verifySignedTranscript), the time for
 * `openssl dgst -sha256` over the same bytes, and their ratio; then journal appends per second
 * with synchronous=FULL on a temp file, and the time Journal.open takes to verify 100,000 stored
 * events. Figures, not a pass/fail test.
 */
import { type RecordedEvent } from "../../src/events/index.ts";
import { SAMPLE_BODIES } from "../helpers/sample-events.ts";
import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, hash, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ChainWalker, GENESIS_HEAD, type ChainedEvent, type JournalRecord, leafHash, nextHead, recordJson } from "../../src/journal/chain.ts";
import { Journal } from "../../src/journal/journal.ts";
import type { Signer } from "../../src/signer.ts";
import { buildTranscript } from "../../src/transcript/build-transcript.ts";
import { envelopeBytes, signTranscript } from "../../src/transcript/dsse.ts";
import { verifyBundle } from "../../src/transcript/verify-bundle.ts";
import { verifySignedTranscript } from "../../src/transcript/verify-signed-transcript.ts";
import { writeBundle } from "../../src/transcript/write-bundle.ts";

const EVENT_COUNT = 100_000;
const RUNS = 7;
const APPENDS = 300;
const CEREMONY_ID = "c-bench-0001";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Wall-clock and CPU time (user + system of this process) of a call. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, value };
}

/** Wall-clock and CPU time (user + system, from bash's `times`) of `openssl dgst -sha256 FILE`. */
function timeOpenssl(file: string): { ms: number; cpuMs: number } {
  const run = time(() => spawnSync("bash", ["-c", 'openssl dgst -sha256 "$1" > /dev/null && times', "bash", file], { encoding: "utf8" }));
  if (run.value.status !== 0) throw new Error(`openssl failed: ${run.value.stderr}`);
  // `times` prints the shell's own times, then its children's: "0m0.012s 0m0.004s".
  const children = run.value.stdout.trim().split("\n")[1] ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { ms: run.ms, cpuMs: seconds * 1000 };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The runner's event pattern: joins, then attested steps of five events each, padded with notes. */
function syntheticRecords(): Array<Pick<JournalRecord, "actor" | "type" | "body">> {
  const people = [
    ["p-admin", "ceremony-administrator"],
    ["p-co", "crypto-officer"],
    ["p-w1", "internal-witness"],
    ["p-w2", "internal-witness"],
  ] as const;
  const records: Array<Pick<JournalRecord, "actor" | "type" | "body">> = [{ actor: "system", type: "ceremony.started", body: { ...SAMPLE_BODIES["ceremony.started"], scriptId: "bench" } }];
  for (const [id, role] of people) records.push({ actor: "p-admin", type: "participant.joined", body: { participantId: id, name: `Person ${id}`, role, organisation: "Example CA" } });
  for (let step = 0; records.length + 5 <= EVENT_COUNT - 1; step++) {
    records.push(
      { actor: "p-co", type: "step.started", body: { stepIndex: step, stepId: `step-${step}`, title: `Step ${step}`, action: "pki.sign-crl", attestation: { roles: ["internal-witness"], count: 2 } } },
      { actor: "p-co", type: "action.succeeded", body: { stepIndex: step, performer: "p-co", outputs: { crlNumber: { kind: "text", label: "CRL number", value: String(step + 1) } } } },
      { actor: "p-w1", type: "attestation.recorded", body: { stepIndex: step, participantId: "p-w1", checklist: ["saw the HSM", "read the fingerprint aloud"] } },
      { actor: "p-w2", type: "attestation.recorded", body: { stepIndex: step, participantId: "p-w2", checklist: ["saw the HSM", "read the fingerprint aloud"] } },
      { actor: "p-co", type: "step.completed", body: { stepIndex: step } },
    );
  }
  while (records.length < EVENT_COUNT - 1) records.push({ actor: "p-co", type: "ceremony.resumed", body: { atEvent: records.length } });
  records.push({ actor: "system", type: "ceremony.completed", body: {} });
  return records;
}

function chainRecords(records: ReturnType<typeof syntheticRecords>): RecordedEvent[] {
  const walker = new ChainWalker();
  const start = Date.parse("2026-03-01T09:30:00.000Z");
  let previousHead = "0".repeat(64);
  return records.map((r, seq) => {
    // step.completed carries the milestone head the witnesses copy down, as the runner writes it.
    const body = r.type === "step.completed" ? { ...r.body, milestone: previousHead.slice(0, 8) } : r.body;
    const record: JournalRecord = { ceremonyId: CEREMONY_ID, seq, time: new Date(start + seq * 10).toISOString(), ...r, body };
    previousHead = walker.addRecordJson(recordJson(record)).toString("hex");
    return { ...record, head: previousHead } as RecordedEvent;
  });
}

function p256Signer(): Signer & { pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    algorithm: "EC-P256",
    spki: publicKey.export({ format: "der", type: "spki" }),
    pem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    sign: async (data) => sign("sha256", data, { key: privateKey, dsaEncoding: "der" }),
  };
}

function journalAppendsPerSecond(dir: string): { perSecond: number; msEach: number } {
  const journal = Journal.open(join(dir, "bench.db"));
  const body = { stepIndex: 1, participantId: "p-w1", checklist: ["saw the HSM", "read the fingerprint aloud"] };
  journal.append(CEREMONY_ID, "p-w1", "attestation.recorded", body);
  const { ms } = time(() => {
    for (let i = 0; i < APPENDS; i++) journal.append(CEREMONY_ID, "p-w1", "attestation.recorded", body);
  });
  journal.close();
  return { perSecond: (APPENDS / ms) * 1000, msEach: ms / APPENDS };
}

/**
 * Time for Journal.open to verify a journal holding `events`. The rows are written in one raw
 * transaction (100,000 fsynced appends would take minutes), exactly as append would store them.
 */
function journalOpenMs(dir: string, events: ChainedEvent[]): number {
  const path = join(dir, "open.db");
  Journal.open(path).close();
  const db = new Database(path);
  const insert = db.prepare("INSERT INTO events (ceremony_id, seq, record, leaf, head) VALUES (?, ?, ?, ?, ?)");
  db.transaction(() => {
    let head: Buffer = GENESIS_HEAD;
    for (const event of events) {
      const record = Buffer.from(recordJson(event), "utf8");
      const leaf = leafHash(record);
      head = nextHead(head, leaf);
      insert.run(event.ceremonyId, event.seq, record, leaf, head);
    }
  })();
  db.close();
  const { ms } = time(() => Journal.open(path).close());
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cw-bench-"));
  try {
    const records = syntheticRecords();
    const events = chainRecords(records);
    const participants = [
      { id: "p-admin", name: "Person p-admin", role: "ceremony-administrator", organisation: "Example CA" },
      { id: "p-co", name: "Person p-co", role: "crypto-officer", organisation: "Example CA" },
      { id: "p-w1", name: "Person p-w1", role: "internal-witness", organisation: "Example CA" },
      { id: "p-w2", name: "Person p-w2", role: "internal-witness", organisation: "Example CA" },
    ];
    const signer = p256Signer();
    const built = time(() =>
      buildTranscript({
        ceremony: { id: CEREMONY_ID, scriptId: "bench", title: "Benchmark", status: "completed", startedAt: "2026-03-01T09:30:00.000Z", endedAt: "2026-03-01T09:50:00.000Z" },
        script: { text: "id: bench\n", params: {} },
        app: { name: "ceremony-workstation", version: "bench" },
        host: { os: "linux", release: "bench", hostname: "bench", airGap: { interfacesUp: [], decision: "clear" } },
        hsm: null,
        signer: { algorithm: "EC-P256", spkiSha256: createHash("sha256").update(signer.spki).digest("hex") },
        participants,
        events,
        outputs: [],
        checkpoint: { ceremonyId: CEREMONY_ID, eventCount: events.length, head: events.at(-1)?.head ?? "" },
      }),
    );
    const transcriptBytes = built.value.bytes;
    const envelope = await signTranscript(transcriptBytes, signer);
    const envBytes = envelopeBytes(envelope);
    const transcriptPath = join(dir, "transcript.json");
    writeFileSync(transcriptPath, transcriptBytes);

    const verifyRuns: Array<{ ms: number; cpuMs: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const run = time(() => verifySignedTranscript({ transcriptBytes, envelopeBytes: envBytes, signerPem: signer.pem }));
      if (!run.value.ok) throw new Error(`verification failed: ${JSON.stringify(run.value.failures.slice(0, 3))}`);
      verifyRuns.push(run);
    }
    const opensslRuns = Array.from({ length: RUNS }, () => timeOpenssl(transcriptPath));
    // What no JavaScript verifier of this format can avoid: parsing the JSON once, and two
    // SHA-256 calls per event (leaf and head), each paying node:crypto's per-call overhead.
    const parseFloor = Math.min(...Array.from({ length: 3 }, () => time(() => JSON.parse(transcriptBytes.toString("utf8"))).ms));
    const nodeInput = Buffer.alloc(65);
    const hashFloor = Math.min(
      ...Array.from({ length: 3 }, () =>
        time(() => {
          for (let i = 0; i < 2 * events.length; i++) hash("sha256", nodeInput, "buffer");
        }).ms,
      ),
    );
    const inProcessHash = Math.min(...Array.from({ length: RUNS }, () => time(() => createHash("sha256").update(transcriptBytes).digest()).ms));

    const bundleDir = join(dir, "bundle");
    await writeBundle(bundleDir, { transcriptBytes, envelope, signerSpkiPem: signer.pem, files: [] });
    const bundleRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await timeAsync(() => verifyBundle(bundleDir));
      if (!run.value.ok) throw new Error("verifyBundle failed");
      bundleRuns.push(run.ms);
    }
    const appends = journalAppendsPerSecond(dir);
    const openMs = journalOpenMs(dir, events);

    // Minimum over the runs estimates the cost with the least interference from other work on
    // the machine; CPU time is reported too because wall time suffers when cores are shared.
    const verifyWall = Math.min(...verifyRuns.map((r) => r.ms));
    const verifyCpu = Math.min(...verifyRuns.map((r) => r.cpuMs));
    const opensslWall = Math.min(...opensslRuns.map((r) => r.ms));
    const opensslCpu = Math.min(...opensslRuns.map((r) => r.cpuMs));
    const rows: Array<[string, string]> = [
      ["events in transcript", events.length.toLocaleString("en")],
      ["transcript.json size", `${(transcriptBytes.length / 1e6).toFixed(1)} MB`],
      ["buildTranscript (serialize + self-check)", `${built.ms.toFixed(0)} ms`],
      [`verifySignedTranscript, best of ${RUNS}: wall / CPU`, `${verifyWall.toFixed(0)} ms / ${verifyCpu.toFixed(0)} ms (median wall ${median(verifyRuns.map((r) => r.ms)).toFixed(0)} ms)`],
      [`openssl dgst -sha256, best of ${RUNS}: wall / CPU`, `${opensslWall.toFixed(0)} ms / ${opensslCpu.toFixed(0)} ms`],
      ["ratio verify / openssl dgst, wall (goal <= 3x)", `${(verifyWall / opensslWall).toFixed(1)}x`],
      ["ratio verify / openssl dgst, CPU", opensslCpu > 0 ? `${(verifyCpu / opensslCpu).toFixed(1)}x` : "n/a"],
      ["node:crypto SHA-256 of the same bytes", `${inProcessHash.toFixed(0)} ms`],
      ["  floor: JSON.parse of transcript.json", `${parseFloor.toFixed(0)} ms (${(parseFloor / opensslWall).toFixed(1)}x openssl)`],
      [`  floor: ${(2 * events.length).toLocaleString("en")} hash() calls, 2 per event`, `${hashFloor.toFixed(0)} ms (${(hashFloor / opensslWall).toFixed(1)}x openssl)`],
      ["verifyBundle from disk, median of 3", `${median(bundleRuns).toFixed(0)} ms`],
      [`journal appends, synchronous=FULL (${APPENDS})`, `${appends.perSecond.toFixed(0)} /s (${appends.msEach.toFixed(2)} ms each)`],
      [`Journal.open verifying ${events.length.toLocaleString("en")} stored events`, `${openMs.toFixed(0)} ms`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nTranscript benchmark — node ${process.version}, ${process.platform}/${process.arch}\n`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    console.log("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
