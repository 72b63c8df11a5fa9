/**
 * `ceremony recover` takes the key's label from the bundle (a KEK not called KEK-01 is found),
 * refuses options it would ignore, requires --out for a witnessed recovery, and leaves nothing
 * in the temp folder.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/ceremony.js"), ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", rej);
    child.on("close", (code) => res({ code: code ?? -1, out, err }));
    child.stdin.end();
  });
}

test("recover finds the escrowed key's label in the bundle, refuses unused options, needs --out when witnessed, leaves no temp files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "recover-cli-"));
  env = await createRehearsalEnvironment([{ label: "master" }], { parentDir: dir });
  const journal = Journal.open(join(dir, "journal.db"));
  const script = loadScript(await readFile(join(ROOT, "ceremony-scripts/master-key.yaml"), "utf8"), "master-key.yaml", {
    parameters: { keyLabel: "PAYMENTS-KEK-2027", threshold: 2, cardCount: 3 },
  });
  const bundle = join(dir, "master-bundle");
  const master = await rehearseScript({ script, env, tokenLabel: "master", journal, outDir: bundle, participants: rehearsalCast(3) });
  journal.close();
  const shares: string[] = [];
  for (const [i, text] of [...master.cardTexts.values()].slice(0, 2).entries()) {
    const file = join(dir, `card-${i + 1}.txt`);
    await writeFile(file, text);
    shares.push("--share", file);
  }

  const unused = await runCli(["recover", "--bundle", bundle, ...shares, "--rehearsal", "--params", "x.yaml"]);
  expect(unused.code).toBe(2);
  expect(unused.err.trim().replace(/\s+/g, " ")).toBe(
    "ceremony recover does not use --params; it takes --bundle, --key, --later-bundle, --share, --rehearsal, --module, --module-args, --token, --serial, --out and --journal.",
  );
  const missing = await runCli(["recover", "--bundle", join(dir, "no-such-bundle"), ...shares, "--rehearsal"]);
  expect(missing.code).toBe(1);
  expect(missing.err.trim().replace(/\s+/g, " ")).toBe(`ceremony recover: ${join(dir, "no-such-bundle")} does not exist. Give the master-key ceremony's bundle folder with --bundle. [RECOVERY_NO_ESCROW]`);
  const aFile = await runCli(["recover", "--bundle", join(dir, "card-1.txt"), ...shares, "--rehearsal"]);
  expect(aFile.err.replace(/\s+/g, " ")).toContain(`${join(dir, "card-1.txt")} is not a folder. Give the master-key ceremony's bundle folder with --bundle.`);
  const noOut = await runCli(["recover", "--bundle", bundle, "--token", "any"]);
  expect(noOut.code).toBe(1);
  expect(noOut.err).toContain("A witnessed recovery writes its bundle, the only record of it, to --out DIR");
  const wrongKey = await runCli(["recover", "--bundle", bundle, ...shares, "--rehearsal", "--key", "KEK-01"]);
  expect(wrongKey.err).toContain('The bundle escrows PAYMENTS-KEK-2027, not "KEK-01". Check --key.');

  // How many cards a drill needs comes from the bundle's split, not from "k".
  const oneCard = await runCli(["recover", "--bundle", bundle, ...shares.slice(0, 2), "--rehearsal"]);
  expect(oneCard.code).toBe(1);
  expect(oneCard.err.replace(/\s+/g, " ")).toContain("A recovery drill of PAYMENTS-KEK-2027 needs 2 cards (its split is 2 of 3); only 1 was given.");

  // The drill, with its own temp folder to look into afterwards.
  const temp = await mkdtemp(join(tmpdir(), "recover-tmp-"));
  const drill = await runCli(["recover", "--bundle", bundle, ...shares, "--rehearsal", "--out", join(dir, "drill")], { TMPDIR: temp });
  expect(drill.code, drill.err).toBe(0);
  expect(drill.out).toContain(`Recovering PAYMENTS-KEK-2027 from ${bundle}.`);
  expect(drill.out).toMatch(/COMPLETED: bundle .*drill verified/);
  // tsx, which runs the sources in development, keeps its compile cache there (tsx-<uid>); nothing else may remain.
  expect((await readdir(temp)).filter((n) => !/^tsx-\d+$/.test(n))).toEqual([]);
}, 240_000);
