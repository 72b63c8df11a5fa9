/**
 * A KEK rotation identifies the old KEK before it makes anything (key.check-old): with the wrong
 * ID, or once that KEK was already replaced, the ceremony stops at that step, with no new KEK on
 * the token and no cards printed; with the right one, its KCVs are shown and the rotation completes.
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");
let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;

beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "kek" }]);
  dir = await mkdtemp(join(tmpdir(), "kek-rotation-checks-"));
  journal = Journal.open(join(dir, "journal.db"));
});
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

async function ceremony(name: string, script: string, params: string, holders: number) {
  const loaded = loadScript(await readFile(join(SCRIPTS, script), "utf8"), script, parseParams(params, `${name}.yaml`));
  const lines: string[] = [];
  const result = rehearseScript({ script: loaded, env, tokenLabel: "kek", journal, outDir: join(dir, name), participants: rehearsalCast(holders), log: (l) => lines.push(l) });
  return { result, lines };
}

async function labelsOnToken(): Promise<string[]> {
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    const token = env.tokens.find((t) => t.label === "kek")!;
    await client.call("openToken", { label: token.label });
    await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
    return (await client.call("findObjects", {})).map((o) => o.label);
  } finally {
    await client.close();
  }
}

const rotation = (oldId: string) => `parameters:\n  oldKeyId: "${oldId}"\n  threshold: 2\n  cardCount: 2\n  overlapDays: 30\n`;

test("the old KEK is identified first: a wrong ID or a KEK already replaced stops the rotation before anything is made", async () => {
  await (await ceremony("master", "master-key.yaml", "parameters:\n  threshold: 2\n  cardCount: 2\n", 2)).result;
  const kek01 = journal.listKeys().find((k) => k.label === "KEK-01")!;

  const wrong = await ceremony("wrong-id", "kek-rotation.yaml", rotation("00".repeat(16)), 2);
  const refused = await wrong.result.then(() => null, (e: unknown) => e);
  expect(refused).toBeInstanceOf(CeremonyError);
  expect((refused as CeremonyError).code).toBe("HSM_KEY_MISMATCH");
  expect(wrong.lines.join("\n")).toMatch(/step 4: Find the old master key on this token/);
  expect(wrong.lines.join("\n")).not.toMatch(/step 5:/);
  expect(await labelsOnToken()).not.toContain("KEK-02");
  await expect(readdir(join(dir, "wrong-id", "print"))).rejects.toThrow();

  const right = await ceremony("rotation", "kek-rotation.yaml", rotation(kek01.ckaId), 2);
  const done = await right.result;
  expect(done.verification.failures).toEqual([]);
  const log = right.lines.join("\n");
  expect(log).toContain(`Key being replaced: KEK-01 (ID ${kek01.ckaId.toUpperCase().replace(/(.{4})(?!$)/g, "$1 ")})`);
  expect(log).toMatch(/Its check values: KCV [0-9A-F ]+ \/ [0-9A-F ]+/);
  expect(log).toMatch(/Key inventory:\s+made \d{4}-\d{2}-\d{2} by ceremony master-key-/);

  const again = await ceremony("again", "kek-rotation.yaml", rotation(kek01.ckaId).replace("threshold", "keyLabel: KEK-03\n  threshold"), 2);
  const twice = await again.result.then(() => null, (e: unknown) => e);
  expect((twice as CeremonyError).code).toBe("KEY_ALREADY_REPLACED");
  expect((twice as CeremonyError).message).toMatch(/^KEK-01 \(ID [0-9A-F ]+\) was already replaced by KEK-02 \(ID [0-9A-F ]+\) in ceremony kek-rotation-\S+; it is scheduled for destruction by \d{4}-\d{2}-\d{2}\./);
  expect(await labelsOnToken()).not.toContain("KEK-03");
});
