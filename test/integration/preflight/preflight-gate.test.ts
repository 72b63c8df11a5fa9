/**
 * The preflight runs before anybody signs in: a refused token ends `ceremony run` with the table
 * and nothing journaled; a rehearsal journals the passed preflight right after ceremony.started,
 * and its signed transcript carries the token's capability profile.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { main } from "../../../src/cli/main.ts";
import type { Prompter } from "../../../src/cli/prompt.ts";
import { runCommand } from "../../../src/cli/run-command.ts";
import { createRehearsalEnvironment, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
let soft: RehearsalEnvironment;
let dir: string;
beforeAll(async () => {
  soft = await createRehearsalEnvironment([{ label: "gate token" }]);
  for (const [k, v] of Object.entries(soft.env)) process.env[k] = v;
  dir = await mkdtemp(join(tmpdir(), "preflight-gate-"));
});
afterAll(async () => {
  await soft?.cleanup();
});

const silentPrompter = (asked: string[]): Prompter => ({
  ask: async (q) => {
    asked.push(q);
    return "";
  },
  secret: async (q) => {
    asked.push(q);
    return Buffer.alloc(0);
  },
  choice: async (q) => {
    asked.push(q);
    return null;
  },
  clearScreen: () => false,
  close: () => undefined,
});

test("ceremony run: a token without the issuing key is refused before sign-in, with the reason and what to do; nothing is journaled", async () => {
  const params = join(dir, "intermediate.yaml");
  await writeFile(params, "parameters:\n  rootCertificate: /etc/hostname\n");
  const journalPath = join(dir, "refused.db");
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const code = await runCommand(
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { script: join(SCRIPTS, "intermediate-signing.yaml"), params, tokenUri: "pkcs11:token=gate%20token", out: join(dir, "out"), journal: journalPath },
    silentPrompter(asked),
  );
  expect(code).toBe(1);
  const table = out.join("\n");
  // The table fits 100 columns: long cells wrap within their column, the advice below it at spaces.
  expect(table).toMatch(/^Sign with the existing key\s+4\s+no key labelled "ROOT-CA-R1" is visible on\s+REFUSED$/m);
  expect(table.replace(/\s+/g, " ")).toContain('REFUSED: Sign with the existing key "ROOT-CA-R1" — Connect the HSM that holds "ROOT-CA-R1", or correct the key label in the parameters.');
  expect(err.join("\n")).toBe("The ceremony was not started; nobody has signed in. Use a token that meets every need, or change the parameters as advised above.");
  expect(asked).toEqual([]);
  const journal = Journal.open(journalPath);
  try {
    expect(journal.ceremonies()).toEqual([]);
  } finally {
    journal.close();
  }
});

test("ceremony rehearse: hsm.preflight is journaled before sign-in and the signed transcript carries the capability profile", async () => {
  const journalPath = join(dir, "rehearsal.db");
  const out: string[] = [];
  const code = await main(["rehearse", join(SCRIPTS, "root-ca.yaml"), "--out", join(dir, "bundle"), "--journal", journalPath], {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  expect(code, out.join("\n")).toBe(0);
  const journal = Journal.open(journalPath);
  let types: string[];
  try {
    const [id] = journal.ceremonies();
    types = journal.events(id!).map((e) => e.type);
  } finally {
    journal.close();
  }
  expect(types.slice(0, 3)).toEqual(["ceremony.started", "hsm.preflight", "participant.joined"]);
  const transcript = JSON.parse(await readFile(join(dir, "bundle", "transcript.json"), "utf8")) as { events: Array<{ type: string; body: Record<string, unknown> }> };
  const preflight = transcript.events.find((e) => e.type === "hsm.preflight")!;
  const profile = preflight.body.profile as { token: { model: string }; mechanisms: Array<{ name: string }>; tests: Array<{ name: string; outcome: string }> };
  expect(preflight.body.ok).toBe(true);
  expect(profile.token.model).toBe("SoftHSM v2");
  expect(profile.mechanisms.map((m) => m.name)).toEqual(expect.arrayContaining(["CKM_EC_KEY_PAIR_GEN", "CKM_ECDSA", "CKM_AES_KEY_WRAP_PAD"]));
  expect(profile.tests).toEqual(expect.arrayContaining([expect.objectContaining({ name: "sign-EC-P384", outcome: "passed" })]));
});
