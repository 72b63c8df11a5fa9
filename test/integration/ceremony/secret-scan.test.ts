/**
 * Secrets never reach the journal (and its -wal/-shm), the transcript, the bundle or the logs:
 * after complete rehearsals, every file written is scanned for every PIN, every share's words,
 * the escrow key and the KEK bytes used. Only the REHEARSAL cards under print/ hold share words.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { combineShares, decodeShare, unwrapKeyWithPadding } from "../../../src/escrow/index.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { needlesFor } from "../../helpers/secret-needles.ts";

let root: string;
let env: RehearsalEnvironment;
const logs: string[] = [];
let cardTexts: Map<string, string>;
let walSnapshot: Array<{ path: string; bytes: Buffer }> = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secret-scan-"));
  env = await createRehearsalEnvironment([{ label: "scan" }], { parentDir: root });
  const journal = Journal.open(join(root, "journal.db"));
  const run = async (file: string, out: string) => {
    const script = loadScript(await readFile(join("ceremony-scripts", file), "utf8"), file);
    return rehearseScript({ script, env, tokenLabel: "scan", journal, outDir: join(root, out), participants: rehearsalCast(5), log: (l) => logs.push(l) });
  };
  await run("root-ca.yaml", "root-bundle");
  const master = await run("master-key.yaml", "master-bundle");
  cardTexts = master.cardTexts;
  // The journal is still open: its -wal and -shm files exist now.
  walSnapshot = filesUnder(root).filter((p) => /journal\.db-(wal|shm)$/.test(p)).map((path) => ({ path, bytes: readFileSync(path) }));
  journal.close();
  logs.push(...[]);
}, 600_000);

afterAll(async () => {
  await env?.cleanup();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test("no PIN, share, escrow key or KEK byte string appears in any file written or in the logs", async () => {
  expect(cardTexts.size).toBe(5);
  const wrapped = readFileSync(join(root, "master-bundle", "escrow", "KEK-01.wrapped"));
  const shares = [...cardTexts.values()].map((t, i) => decodeShare(t, { label: `card ${i + 1}` }));
  const escrowKey = Buffer.from(await combineShares(shares.slice(0, 3)));
  const kek = Buffer.from(unwrapKeyWithPadding(escrowKey, wrapped));
  expect(kek.length).toBe(32);

  const needles: Array<{ name: string; bytes: Buffer }> = [
    { name: "HSM user PIN", bytes: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) },
    { name: "HSM SO PIN", bytes: Buffer.from(DEFAULT_REHEARSAL_PINS.soPin) },
    ...rehearsalCast(5).map((p) => ({ name: `${p.name}'s attestation PIN`, bytes: Buffer.from(p.attestationPin) })),
    ...needlesFor(escrowKey, "escrow key"),
    ...needlesFor(kek, "KEK"),
    ...shares.flatMap((s, i) => needlesFor(Buffer.from(s.payload), `share ${i + 1} payload`)),
  ];
  for (const [holder, text] of cardTexts) {
    const words = text.replace(/^CWS1:/, "").split(" ");
    needles.push({ name: `${holder}'s QR text`, bytes: Buffer.from(text) });
    // Any four consecutive words of a card, in upper or lower case.
    for (let i = 0; i + 4 <= words.length; i += 4) {
      const run = words.slice(i, i + 4).join(" ");
      needles.push({ name: `${holder}'s words ${i + 1}-${i + 4}`, bytes: Buffer.from(run) }, { name: `${holder}'s words ${i + 1}-${i + 4}`, bytes: Buffer.from(run.toLowerCase()) });
    }
  }

  const files = filesUnder(root).filter((p) => !p.includes("/print/") && !/\/cards-[^/]+\//.test(p) && !p.includes("/tokens/"));
  expect(files.some((f) => f.endsWith("journal.db"))).toBe(true);
  expect(files.some((f) => f.endsWith("transcript.json"))).toBe(true);
  expect(walSnapshot.length).toBeGreaterThan(0);
  const haystacks = [
    ...files.map((path) => ({ path: relative(root, path), bytes: readFileSync(path) })),
    ...walSnapshot.map((w) => ({ path: `${relative(root, w.path)} (while open)`, bytes: w.bytes })),
    { path: "logs", bytes: Buffer.from(logs.join("\n")) },
  ];
  const hits: string[] = [];
  for (const h of haystacks) for (const n of needles) if (h.bytes.includes(n.bytes)) hits.push(`${n.name} in ${h.path}`);
  expect(hits).toEqual([]);

  // The scan can find what it looks for: public facts of the same ceremony are in the journal,
  // its WAL and the transcript (the set ID and a share fingerprint, recorded as text).
  const setId = Buffer.from(shares[0]!.setId);
  const fingerprint = Buffer.from(shares[0]!.fingerprint);
  expect(haystacks.filter((h) => h.bytes.includes(setId)).map((h) => h.path)).toEqual(
    expect.arrayContaining(["master-bundle/transcript.json", "journal.db"]),
  );
  expect(haystacks.some((h) => h.path.includes("while open") && h.bytes.includes(fingerprint))).toBe(true);
  escrowKey.fill(0);
  kek.fill(0);
}, 600_000);
