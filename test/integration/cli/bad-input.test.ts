/**
 * Bad input of every kind from issue 14, through the real CLI (node bin/ceremony.js): one line
 * that names the file and says what to do, sizes checked before reading (so /dev/zero is refused
 * at once), FIFOs, devices and folders refused (a FIFO never hangs), and never a stack trace.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

// Each test spawns the CLI several times; on a loaded machine one start takes seconds. A bound only.
vi.setConfig({ testTimeout: 600_000 });
import { encodeShareEnvelope, splitEscrowKey } from "../../../src/escrow/index.ts";
import { ROOT, runCeremony } from "../../helpers/demo-bundles.ts";

let work: string;
const path = (name: string): string => join(work, name);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bad-input-"));
  execFileSync("mkfifo", [path("fifo")]);
  mkdirSync(path("a-folder"));
  writeFileSync(path("deep-flow.yaml"), `${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
  writeFileSync(path("deep-block.yaml"), `${"- ".repeat(60_000)}x\n`);
  const script = readFileSync(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8");
  writeFileSync(path("utf16.yaml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(script, "utf16le")]));
  writeFileSync(path("empty.pem"), "");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  name: string;
  args: () => string[];
  code: number;
  message: RegExp;
  /** Lines on stderr; validate's content problems use its documented multi-line list. */
  lines?: number;
}

const CASES: Case[] = [
  { name: "verify --signer /nonexistent", args: () => ["verify", work, "--signer", "/nonexistent"], code: 2, message: /--signer \/nonexistent: no such file.*witness sheet/ },
  { name: "verify --signer a folder", args: () => ["verify", work, "--signer", path("a-folder")], code: 2, message: /a-folder is a folder, not a file/ },
  { name: "verify --signer an empty file", args: () => ["verify", work, "--signer", path("empty.pem")], code: 2, message: /empty\.pem holds no PEM key/ },
  { name: "verify --signer ''", args: () => ["verify", work, "--signer", ""], code: 2, message: /--signer is empty/ },
  { name: "verify --signer /dev/null", args: () => ["verify", work, "--signer", "/dev/null"], code: 2, message: /\/dev\/null is a device, not a regular file/ },
  { name: "verify --signer a FIFO", args: () => ["verify", work, "--signer", path("fifo")], code: 2, message: /fifo is a pipe \(FIFO\), not a regular file/ },
  { name: "shares inspect a folder", args: () => ["shares", "inspect", path("a-folder")], code: 1, message: /a-folder is a folder, not a file/ },
  { name: "shares inspect /dev/zero", args: () => ["shares", "inspect", "/dev/zero"], code: 1, message: /\/dev\/zero is a device, not a regular file/ },
  { name: "shares inspect a FIFO", args: () => ["shares", "inspect", path("fifo")], code: 1, message: /fifo is a pipe \(FIFO\)/ },
  { name: "shares inspect words on the command line", args: () => ["shares", "inspect", "abandon"], code: 1, message: /abandon does not exist .*never from the command line/ },
  { name: "validate a FIFO (must not hang)", args: () => ["validate", path("fifo")], code: 1, message: /fifo is a pipe \(FIFO\), not a regular file \(a ceremony script\)/ },
  { name: "validate /dev/zero (refused before reading)", args: () => ["validate", "/dev/zero"], code: 1, message: /\/dev\/zero is a device/ },
  { name: "validate a folder", args: () => ["validate", path("a-folder")], code: 1, message: /a-folder is a folder, not a file/ },
  { name: "validate a missing file", args: () => ["validate", path("missing.yaml")], code: 1, message: /missing\.yaml does not exist \(a ceremony script\)\. Check the path\./ },
  { name: "validate --params a missing file", args: () => ["validate", join(ROOT, "ceremony-scripts/root-ca.yaml"), "--params", path("nope.yaml")], code: 1, message: /nope\.yaml does not exist \(a parameter file\)/ },
  { name: "validate a UTF-16 script", args: () => ["validate", path("utf16.yaml")], code: 1, message: /utf16\.yaml is UTF-16 or binary, not UTF-8 text .*Save it as UTF-8/ },
  { name: "validate deep [[[…]]]", args: () => ["validate", path("deep-flow.yaml")], code: 1, message: /deep-flow\.yaml is not valid.*\n.*nests brackets or braces 100000 levels deep/, lines: 3 },
  { name: "validate deep - - - …", args: () => ["validate", path("deep-block.yaml")], code: 1, message: /deep-block\.yaml is not valid.*\n.*is nested too deeply to read/, lines: 3 },
];

describe("bad input: one line naming the file, never a stack trace or a hang", () => {
  test.each(CASES)("$name", async ({ args, code, message, lines }) => {
    const r = await runCeremony(args());
    expect(r.code, r.err).toBe(code);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(lines ?? 1);
    expect(r.err).not.toMatch(/\n\s+at |Maximum call stack|unexpected error|ENOENT|EISDIR|RangeError/);
    expect(r.out).toBe("");
  });
});

describe("shares inspect", () => {
  async function cardFiles(): Promise<{ a: string[]; b: string[]; conflicting: string }> {
    const setA = await splitEscrowKey(Buffer.alloc(32, 7), { k: 2, n: 3, setId: Buffer.from("0102030405", "hex") });
    const setB = await splitEscrowKey(Buffer.alloc(32, 9), { k: 2, n: 3, setId: Buffer.from("0a0b0c0d0e", "hex") });
    const write = (name: string, words: readonly string[]): string => {
      writeFileSync(path(name), `${words.join(" ")}\n`);
      return path(name);
    };
    // Same set and x as card A1, other y: what a forged or misprinted card looks like.
    const forged = encodeShareEnvelope({ version: 1, setId: Buffer.from("0102030405", "hex"), k: 2, n: 3, index: setA[0]!.index, payload: Buffer.alloc(32, 1) });
    return {
      a: setA.map((s, i) => write(`a${i + 1}.txt`, s.words)),
      b: setB.map((s, i) => write(`b${i + 1}.txt`, s.words)),
      conflicting: write("a1-forged.txt", forged.words),
    };
  }

  test("cards of one set: OK, exit 0; from standard input too", async () => {
    const { a } = await cardFiles();
    const r = await runCeremony(["shares", "inspect", a[0]!, a[1]!]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.match(/: OK — format v1, set 0102 0304 05, 2 of 3 needed/g)).toHaveLength(2);
    const typed = `${readFileSync(a[0]!, "utf8")}\n${readFileSync(a[2]!, "utf8")}`;
    const s = await runCeremony(["shares", "inspect", "-"], typed);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/standard input, share 2: OK/);
  });

  test("mixed sets, the same card twice, and two cards with the same x each warn and exit 1", async () => {
    const { a, b, conflicting } = await cardFiles();
    const mixed = await runCeremony(["shares", "inspect", a[0]!, b[0]!]);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toMatch(/WARNING: these cards come from 2 different card sets \(0102 0304 05, 0A0B 0C0D 0E\)/);
    const twice = await runCeremony(["shares", "inspect", a[0]!, a[0]!]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/WARNING: .*a1\.txt and .*a1\.txt are the same card/);
    const clash = await runCeremony(["shares", "inspect", a[0]!, conflicting]);
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(/WARNING: .*a1\.txt and .*a1-forged\.txt both claim x=\d+ of set 0102 0304 05 but differ/);
  });

  test("its usage does not invite share words on the command line", async () => {
    const r = await runCeremony(["shares", "inspect"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/each FILE holds one share.*standard input/);
  });
});
