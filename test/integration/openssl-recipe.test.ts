/**
 * Runs the recipe scripts of docs/recipes/ as they are — verify-bundle.sh (stock OpenSSL, no code
 * of ours) and recover-key.sh (the spec's reference decoder + OpenSSL) — against the demo's real
 * bundles and REHEARSAL cards. Good input must pass; every failing case (tampered transcript,
 * added file, re-signed bundle, wrong cards, too few cards) must stop with a non-zero exit.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { splitEscrowKey } from "../../src/escrow/index.ts";
import { WORDS } from "../../src/escrow/wordlist.ts";
import { type DemoBundles, ROOT, runDemo } from "../helpers/demo-bundles.ts";
import { attackerSigner, copyBundle, fixManifest, readTranscript, rechain, resign } from "../helpers/forge-bundle.ts";

vi.setConfig({ testTimeout: 300_000 });

let demo: DemoBundles;
let work: string;
let cards: string[] = [];

beforeAll(async () => {
  demo = await runDemo("openssl-recipe-");
  work = mkdtempSync(join(tmpdir(), "openssl-recipe-work-"));
  writeFileSync(join(work, "english.txt"), `${WORDS.join("\n")}\n`);
  writeFileSync(join(work, "english-no-final-newline.txt"), WORDS.join("\n"));
  // Each card typed as its holder reads it from the printed PDF: numbered words, down the columns.
  const print = join(demo.bundle("master-key"), "print");
  cards = readdirSync(print).sort().map((card, i) => {
    const text = execFileSync("pdftotext", ["-layout", join(print, card), "-"], { encoding: "utf8" });
    const typed = text.split("\n").filter((l) => /^\s*\d+\. [a-z]/.test(l)).join("\n");
    const file = join(work, `card${i + 1}.txt`);
    writeFileSync(file, `${typed}\n`);
    return file;
  });
}, 600_000);

afterAll(() => {
  demo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function script(name: string, args: string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(join(ROOT, "docs/recipes", name), args, { cwd: work, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const fingerprint = (dir: string): string => readTranscript(dir).signer!.spkiSha256;

describe("docs/recipes/verify-bundle.sh", () => {
  test("every demo bundle verifies with its witness-sheet fingerprint (exit 0), and is 'not anchored' without one (exit 3)", () => {
    for (const name of ["root-ca", "intermediate", "crl", "master-key", "key-recovery", "key-destruction", "copies-destruction"]) {
      const dir = demo.bundle(name);
      const r = script("verify-bundle.sh", [dir, fingerprint(dir).replace(/(.{4})/g, "$1 ")]);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim().split("\n")).toEqual([
        "payload is transcript.json",
        "Verified OK",
        `signer fingerprint: ${fingerprint(dir)}`,
        "manifest lists exactly the files in the bundle",
        "every file is a signed output",
        "VERIFIED: signed by the expected key",
      ]);
    }
    const loose = script("verify-bundle.sh", [demo.bundle("root-ca")]);
    expect(loose.status).toBe(3);
    expect(loose.stdout).toContain("NOT ANCHORED");
  });

  test("a tampered transcript, an added file and a re-signed bundle each stop it with exit 1", async () => {
    const tampered = copyBundle(demo.bundle("root-ca"), join(work, "tampered"));
    const path = join(tampered, "transcript.json");
    writeFileSync(path, readFileSync(path, "utf8").replace("Demo Root CA R1", "Evil Root CA R1"));
    fixManifest(tampered);
    const t = script("verify-bundle.sh", [tampered, fingerprint(demo.bundle("root-ca"))]);
    expect(t.status).toBe(1);
    expect(t.stderr).toBe("FAILED: the envelope's payload is not transcript.json\n");

    const added = copyBundle(demo.bundle("crl"), join(work, "added"));
    writeFileSync(join(added, "crl", "extra.crl"), "x");
    fixManifest(added);
    const a = script("verify-bundle.sh", [added, fingerprint(demo.bundle("crl"))]);
    expect(a.status).toBe(1);
    expect(a.stderr).toContain("FAILED: the bundle holds files the signed transcript does not list: crl/extra.crl");

    const resigned = copyBundle(demo.bundle("root-ca"), join(work, "resigned"));
    await resign(resigned, rechain(readTranscript(resigned)), attackerSigner());
    const r = script("verify-bundle.sh", [resigned, fingerprint(demo.bundle("root-ca"))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^FAILED: the bundle is signed by [0-9a-f]{64}, not by the expected signer/);
  });
});

describe("docs/recipes/recover-key.sh", () => {
  test("three of the printed cards recover KEK-01 with the recorded KCVs, whichever copy of the word list", () => {
    const kcv = readTranscript(demo.bundle("master-key")).outputs.find((o) => o.kind === "kcv" && o.label === "KEK-01")!.details;
    for (const [list, chosen] of [
      ["english.txt", [cards[0]!, cards[2]!, cards[4]!]],
      ["english-no-final-newline.txt", [cards[3]!, cards[1]!, cards[0]!]],
    ] as const) {
      const r = script("recover-key.sh", [demo.bundle("master-key"), "KEK-01", list, ...chosen], { EXPECTED_SIGNER: fingerprint(demo.bundle("master-key")) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`KCV-ECB0 ${kcv.kcvEcb0} (recorded ${kcv.kcvEcb0})`);
      expect(r.stdout).toContain(`KCV-CMAC ${kcv.kcvCmac} (recorded ${kcv.kcvCmac})`);
      expect(r.stdout.trim().split("\n").at(-1)).toBe("RECOVERED: KEK-01, KCVs match the master-key ceremony's record");
    }
  });

  test("too few cards, cards of another split, and a tampered bundle each stop it with a non-zero exit, no KCVs printed", async () => {
    const few = script("recover-key.sh", [demo.bundle("master-key"), "KEK-01", "english.txt", cards[0]!, cards[1]!]);
    expect(few.status).toBe(1);
    expect(few.stderr).toContain("2 cards given, 3 needed");
    expect(few.stdout).not.toContain("KCV");

    // Cards that decode and combine, of the same set ID, but of another escrow key: the unwrap's integrity check fails.
    const setId = readTranscript(demo.bundle("master-key")).outputs.find((o) => o.kind === "share-fingerprints")!.details.setId!;
    const other = await splitEscrowKey(Buffer.alloc(32, 0x5a), { k: 3, n: 3, setId: Buffer.from(setId, "hex") });
    const wrong = other.map((s, i) => {
      const file = join(work, `wrong${i + 1}.txt`);
      writeFileSync(file, s.qrText);
      return file;
    });
    const w = script("recover-key.sh", [demo.bundle("master-key"), "KEK-01", "english.txt", ...wrong]);
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/FAILED: the unwrap's integrity check failed/);
    expect(w.stdout).not.toContain("KCV");

    const tampered = copyBundle(demo.bundle("master-key"), join(work, "tampered-master"));
    const path = join(tampered, "transcript.json");
    writeFileSync(path, readFileSync(path, "utf8").replace(/"kcvEcb0":"[0-9A-F]{6}"/g, '"kcvEcb0":"DC95C0"'));
    fixManifest(tampered);
    const t = script("recover-key.sh", [tampered, "KEK-01", "english.txt", cards[0]!, cards[1]!, cards[2]!]);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain("FAILED: the bundle does not verify");
    expect(t.stdout).not.toContain("KCV");
  });
});
