/**
 * Everything `ceremony demo` (the CLI, as a user runs it) writes, checked twice:
 *
 * 1. Secrets: no PIN, no run of four share words, no share or QR text, no escrow key or KEK
 *    bytes (raw, hex, base64) in any file it wrote — bundles, journal, and the temporary folders
 *    (rehearsal tokens, card staging, QR scans, kept by test/helpers/keep-temp.mjs instead of
 *    deleted) — nor on its stdout or stderr. Only the REHEARSAL cards hold share words: the
 *    bundles' print/ folders and the staged copies of the same cards.
 * 2. Tampering: in all ten bundles, any single byte changed (every byte of signer.pub.pem, a
 *    deterministic sample of positions in every other file: its first and last four bytes and
 *    others, 60 in all in `npm test`, 200 in `npm run test:fuzz`), any file removed, and any
 *    event removed from the transcript fails verification.
 */
import { execFile, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, openSync, closeSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { combineShares, decodeShare, unwrapKeyWithPadding, wipeDecodedShares } from "../../../src/escrow/index.ts";
import { DEFAULT_REHEARSAL_PINS } from "../../../src/hsm/index.ts";
import { ChainWalker, recordJson } from "../../../src/journal/chain.ts";
import type { Signer } from "../../../src/signer.ts";
import { buildManifest, manifestBytes, serializeTranscript, signTranscript, envelopeBytes, spkiPem, verifyBundle, type Transcript } from "../../../src/transcript/index.ts";
import { needlesFor } from "../../helpers/secret-needles.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const work = join(existsShm() ? "/dev/shm" : tmpdir(), `demo-outputs-${process.pid}`);
const out = join(work, "out");
const temp = join(work, "tmp");
const kept = join(work, "kept");
let stdout = "";
let stderr = "";
let exitCode: number | null = null;
let bundles: string[] = [];

function existsShm(): boolean {
  try {
    return statSync("/dev/shm").isDirectory();
  } catch {
    return false;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  for (const d of [out, temp, kept]) mkdirSync(d, { recursive: true });
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ["--import", join(ROOT, "test/helpers/keep-temp.mjs"), join(ROOT, "bin/ceremony.js"), "demo", "--out", out], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: temp, KEEP_TEMP_UNDER: temp, KEEP_TEMP_IN: kept },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      exitCode = code;
      done();
    });
  });
  bundles = readdirSync(out).filter((n) => /^\d\d-/.test(n)).sort();
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

test("the demo completes and every bundle verifies", () => {
  expect(exitCode, stderr).toBe(0);
  expect(bundles).toHaveLength(10);
  expect(stdout.match(/✔ verified/g)).toHaveLength(10);
});

describe("secrets", () => {
  test("no PIN, share word run, share, escrow key or KEK in any file the demo wrote (temporary folders too) or on its output", async () => {
    // Every ceremony that escrows a KEK: the master key (3 of 5), the KEK rotation (2 of 3) and its re-escrow (2 of 3).
    const escrows = [
      { bundle: "master-key", key: "KEK-01", n: 5, k: 3 },
      { bundle: "kek-rotation", key: "KEK-02", n: 3, k: 2 },
      { bundle: "re-escrow", key: "KEK-02", n: 3, k: 2 },
    ];
    const needles: Array<{ name: string; bytes: Buffer }> = [
      { name: "HSM user PIN", bytes: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) },
      { name: "HSM SO PIN", bytes: Buffer.from(DEFAULT_REHEARSAL_PINS.soPin) },
      ...rehearsalCast(5).map((p) => ({ name: `${p.name}'s attestation PIN`, bytes: Buffer.from(p.attestationPin) })),
    ];
    const opened: Array<{ dir: string; cards: string[]; cardWords: string[][]; shares: ReturnType<typeof decodeShare>[]; escrowKey: Buffer; kek: Buffer }> = [];
    for (const e of escrows) {
      const dir = join(out, bundles.find((b) => b.includes(e.bundle))!);
      const cards = readdirSync(join(dir, "print")).sort();
      expect(cards).toHaveLength(e.n);
      // Each card's words, read from its printed PDF as its holder would type them.
      const cardWords: string[][] = [];
      for (const card of cards) {
        const { stdout: text } = await run("pdftotext", ["-layout", join(dir, "print", card), "-"]);
        const numbered = [...text.matchAll(/(?<![\w.])(\d{1,2})\. ([a-z]+)\b/g)].map((m) => ({ n: Number(m[1]), w: m[2]! }));
        cardWords.push(numbered.sort((a, b) => a.n - b.n).map((x) => x.w));
      }
      const shares = cardWords.map((words, i) => decodeShare(words.join(" "), { label: `${e.key} card ${i + 1}` }));
      const escrowKey = Buffer.from(await combineShares(shares.slice(0, e.k)));
      const kek = Buffer.from(unwrapKeyWithPadding(escrowKey, readFileSync(join(dir, "escrow", `${e.key}.wrapped`))));
      expect(kek).toHaveLength(32);
      opened.push({ dir, cards, cardWords, shares, escrowKey, kek });
      needles.push(
        ...needlesFor(escrowKey, `${e.key} escrow key`),
        ...needlesFor(kek, e.key),
        ...shares.flatMap((s, i) => needlesFor(Buffer.from(s.payload), `${e.key} share ${i + 1} payload`)),
      );
      cardWords.forEach((words, c) => {
        needles.push({ name: `${e.key} card ${c + 1}'s QR text`, bytes: Buffer.from(`CWS1:${words.join(" ").toUpperCase()}`) });
        // Every run of four consecutive words, in lower and upper case.
        for (let i = 0; i + 4 <= words.length; i++) {
          const words4 = words.slice(i, i + 4).join(" ");
          needles.push({ name: `${e.key} card ${c + 1}'s words ${i + 1}-${i + 4}`, bytes: Buffer.from(words4) }, { name: `${e.key} card ${c + 1}'s words ${i + 1}-${i + 4}`, bytes: Buffer.from(words4.toUpperCase()) });
        }
      });
    }
    const { dir: master, cards, cardWords, shares } = opened[0]!;

    // The REHEARSAL cards are the one place share words belong: print/ in the bundle, their
    // staged copies (cards-*), and the page images the read-back scanned (card-scan-*).
    const isCard = (p: string): boolean => p.includes("/print/") || /\/\d+-\d+-(cards-[^/]+|card-scan-[^/]+)\//.test(p);
    // Everything under the temporary folder counts: the CLI runs compiled, with no tsx cache.
    const written = [...filesUnder(out), ...filesUnder(kept), ...filesUnder(temp)];
    const kinds = (re: RegExp): number => written.filter((p) => re.test(p)).length;
    // The scan sees what it should: journal, transcripts, tokens, staged cards, CSR key material.
    expect(kinds(/journal\.db$/)).toBe(1);
    expect(kinds(/transcript\.json$/)).toBe(10);
    expect(kinds(/\/tokens\//)).toBeGreaterThan(0);
    expect(kinds(/cards-[^/]+\/card-\d\d-/)).toBeGreaterThanOrEqual(5);
    const haystacks = [
      ...written.filter((p) => !isCard(p)).map((path) => ({ path: relative(work, path), bytes: readFileSync(path) })),
      { path: "stdout", bytes: Buffer.from(stdout) },
      { path: "stderr", bytes: Buffer.from(stderr) },
    ];
    const hits: string[] = [];
    for (const h of haystacks) for (const n of needles) if (h.bytes.includes(n.bytes)) hits.push(`${n.name} in ${h.path}`);
    expect(hits).toEqual([]);
    console.log(`secret scan: ${needles.length} needles in ${haystacks.length} files and streams, ${written.length - haystacks.length + 2} card files left out; 0 hits`);

    // The scan can find what it looks for: the cards themselves hold their words, and public
    // facts of the same ceremony (set ID, a share fingerprint) are in the transcript.
    expect(readFileSync(join(master, "print", cards[0]!)).length).toBeGreaterThan(0);
    const { stdout: cardText } = await run("pdftotext", ["-layout", join(master, "print", cards[0]!), "-"]);
    expect(cardText).toContain(cardWords[0]![0]);
    const transcript = readFileSync(join(master, "transcript.json"));
    expect(transcript.includes(Buffer.from(shares[0]!.setId))).toBe(true);
    expect(transcript.includes(Buffer.from(shares[0]!.fingerprint))).toBe(true);
    for (const o of opened) {
      wipeDecodedShares(o.shares);
      o.escrowKey.fill(0);
      o.kek.fill(0);
    }
  }, 600_000);
});

describe("tampering", () => {
  /** A small deterministic generator (mulberry32) for the sampled positions. */
  function positions(size: number, count: number, seed: number): number[] {
    let a = seed >>> 0;
    const next = (): number => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const picked = new Set<number>([0, 1, 2, 3, size - 4, size - 3, size - 2, size - 1].filter((p) => p >= 0 && p < size));
    while (picked.size < Math.min(size, count)) picked.add(Math.floor(next() * size));
    return [...picked].sort((x, y) => x - y);
  }
  const MASKS = [0x01, 0x20, 0x80, 0xff];
  /** Positions changed per file besides signer.pub.pem: a few thousand verifies in `npm test`, 16,000 in `npm run test:fuzz`. */
  const SAMPLED = process.env.CEREMONY_FUZZ === "full" ? 200 : 60;
  let changes = 0;

  test(`any single byte changed in any file of any bundle fails verify (every byte of signer.pub.pem, ${SAMPLED} sampled positions in each other file)`, async () => {
    const accepted: string[] = [];
    let seed = 1;
    for (const bundle of bundles) {
      const dir = join(out, bundle);
      expect((await verifyBundle(dir)).ok).toBe(true);
      for (const file of filesUnder(dir)) {
        const size = statSync(file).size;
        const where = file.endsWith("signer.pub.pem") ? Array.from({ length: size }, (_, i) => i) : positions(size, SAMPLED, seed++);
        const fd = openSync(file, "r+");
        try {
          for (const [k, at] of where.entries()) {
            const original = Buffer.alloc(1);
            readSync(fd, original, 0, 1, at);
            writeSync(fd, Buffer.of(original[0]! ^ MASKS[k % MASKS.length]!), 0, 1, at);
            const v = await verifyBundle(dir);
            writeSync(fd, original, 0, 1, at);
            changes++;
            if (v.ok) accepted.push(`${bundle}/${relative(dir, file)} byte ${at}`);
          }
        } finally {
          closeSync(fd);
        }
      }
      expect((await verifyBundle(dir)).ok).toBe(true);
    }
    expect(accepted).toEqual([]);
    expect(changes).toBeGreaterThan(SAMPLED * 60);
    console.log(`single-byte changes: ${changes}, every one refused`);
  }, 900_000); // a bound only: every change is a full verify, slow on a loaded machine

  test("any file removed from any bundle fails verify", async () => {
    const accepted: string[] = [];
    let removed = 0;
    for (const bundle of bundles) {
      const dir = join(out, bundle);
      for (const file of filesUnder(dir)) {
        const aside = join(work, "aside");
        renameSync(file, aside);
        const v = await verifyBundle(dir);
        renameSync(aside, file);
        removed++;
        if (v.ok) accepted.push(`${bundle}/${relative(dir, file)}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(removed).toBeGreaterThan(40);
  });

  describe("any event removed from any transcript", () => {
    const attacker = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const attackerSigner: Signer = {
      algorithm: "EC-P256",
      spki: attacker.publicKey.export({ format: "der", type: "spki" }),
      sign: async (data) => (await import("node:crypto")).sign("sha256", data, { key: attacker.privateKey, dsaEncoding: "der" }),
    };

    /** The copy `forge` last wrote, and the files of its original (read once per original). */
    let copied: { original: string; copy: string; files: Map<string, Buffer> } | undefined;

    /**
     * Makes `copy` the bundle `original` with `transcript` in it and the envelope, signer and
     * manifest fitted to it. The copy is made once per original; a later forgery of the same
     * original rewrites only the four files a forgery changes, each from the original's bytes or
     * the forger's, so that the folder holds what a fresh copy would.
     */
    async function forge(original: string, copy: string, transcript: Transcript, signer: "original" | "attacker"): Promise<void> {
      if (copied?.original !== original || copied.copy !== copy) {
        rmSync(copy, { recursive: true, force: true });
        cpSync(original, copy, { recursive: true });
        copied = { original, copy, files: new Map(filesUnder(original).map((f) => [relative(original, f), readFileSync(f)] as const)) };
      }
      const files = new Map(copied.files);
      files.delete("manifest.json");
      const bytes = Buffer.from(serializeTranscript(transcript).text);
      files.set("transcript.json", bytes);
      if (signer === "original") {
        // The original signature over other bytes: all a forger without the HSM key can do.
        const envelope = JSON.parse(copied.files.get("transcript.dsse.json")!.toString("utf8")) as { payload: string };
        envelope.payload = bytes.toString("base64");
        files.set("transcript.dsse.json", envelopeBytes(envelope as never));
      } else {
        files.set("transcript.dsse.json", envelopeBytes(await signTranscript(bytes, attackerSigner)));
        files.set("signer.pub.pem", Buffer.from(spkiPem(attackerSigner.spki)));
      }
      for (const name of ["transcript.json", "transcript.dsse.json", "signer.pub.pem"]) writeFileSync(join(copy, name), files.get(name)!);
      writeFileSync(join(copy, "manifest.json"), manifestBytes(buildManifest(files)));
    }

    function without(transcript: Transcript, i: number): Transcript {
      return { ...transcript, events: transcript.events.filter((_, k) => k !== i) };
    }

    /** Removes event i and recomputes seqs, heads and the checkpoint, as a forger with a key of their own would. */
    function rechained(transcript: Transcript, i: number): Transcript {
      const walker = new ChainWalker();
      const events = transcript.events
        .filter((_, k) => k !== i)
        .map((e, seq) => {
          const record = { ceremonyId: e.ceremonyId, seq, time: e.time, actor: e.actor, type: e.type, body: e.body };
          return { ...record, head: walker.addRecordJson(recordJson(record)).toString("hex") };
        }) as typeof transcript.events;
      return { ...transcript, events, checkpoint: { ...transcript.checkpoint, eventCount: events.length, head: events.at(-1)!.head } };
    }

    test("fails verify whether the envelope keeps the HSM's signature or a forger re-signs it with a key of their own", async () => {
      const accepted: string[] = [];
      let tried = 0;
      for (const bundle of bundles) {
        const dir = join(out, bundle);
        const transcript = JSON.parse(readFileSync(join(dir, "transcript.json"), "utf8")) as Transcript;
        const copy = join(work, "forged");
        for (let i = 0; i < transcript.events.length; i++) {
          for (const signer of ["original", "attacker"] as const) {
            await forge(dir, copy, without(transcript, i), signer);
            const v = await verifyBundle(copy);
            tried++;
            if (v.ok) accepted.push(`${bundle} event ${i} (${transcript.events[i]!.type}) with the ${signer} signature`);
          }
        }
      }
      expect(accepted).toEqual([]);
      expect(tried).toBeGreaterThan(500);
      console.log(`event removals: ${tried}, every one refused`);
    }, 600_000);

    test("a forger who also recomputes the chain is caught by the signer fingerprint on the witness sheet (verify --signer)", async () => {
      const dir = join(out, bundles[0]!);
      const signerPem = readFileSync(join(dir, "signer.pub.pem"), "utf8");
      const transcript = JSON.parse(readFileSync(join(dir, "transcript.json"), "utf8")) as Transcript;
      const copy = join(work, "rechained");
      const accepted: string[] = [];
      let unpinnedCaught = 0;
      for (let i = 0; i < transcript.events.length; i++) {
        await forge(dir, copy, rechained(transcript, i), "attacker");
        if (!(await verifyBundle(copy)).ok) unpinnedCaught++;
        const pinned = await verifyBundle(copy, { signerPem });
        if (pinned.ok || !pinned.failures.some((f) => f.code === "SIGNER_KEY_UNEXPECTED")) accepted.push(`event ${i} (${transcript.events[i]!.type})`);
      }
      expect(accepted).toEqual([]);
      // Without the pin, the attestation rules still catch some removals (an attestation, a step's start).
      console.log(`re-chained removals caught without --signer: ${unpinnedCaught} of ${transcript.events.length}; with --signer: all`);
    }, 600_000);
  });
});
