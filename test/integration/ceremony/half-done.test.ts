/**
 * Nothing half-done: a step whose key is made on the token and which then fails (here the first
 * attribute read after generation fails, as a flaky token would) journals what it left. Retry
 * adopts that key instead of stopping on a label conflict; an abort puts it in the transcript.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { DEFAULT_REHEARSAL_PINS, HsmClient } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { clientOptions, createTestToken, type TestTokenEnvironment } from "../../helpers/rehearsal-hsm.ts";

let env: TestTokenEnvironment | undefined;
let journal: Journal | undefined;
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

test("a key made by a step that then failed is journaled as left, adopted on Retry, and reported by an abort", async () => {
  env = await createTestToken("SoftHSM2", ["half-done"]);
  const dir = await mkdtemp(join(tmpdir(), "half-done-"));
  journal = Journal.open(join(dir, "journal.db"));
  const script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml");
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    // Every fresh module load fails the first attribute read after it makes a key.
    openHsm: () => HsmClient.open({ ...clientOptions(env!), mask: { failFirstReadAfterCreate: true } }),
    token: { label: "half-done", serial: env.tokens[0]!.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  const cast = rehearsalCast(0);
  await driveCeremony(runner, { participants: cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin, stopAfterSteps: 2 });
  const people = runner.state().participants;
  const officer = people.find((p) => p.role === "crypto-officer")!;
  const pin = (): Buffer => Buffer.from(DEFAULT_REHEARSAL_PINS.userPin);
  const ofType = (type: string) => runner.events().filter((e) => e.type === type);

  // Step 3, the transcript-signing key: made, then the read-back fails.
  await expect(runner.runAction(officer.id, {})).rejects.toMatchObject({ code: "CKR_FUNCTION_FAILED" });
  expect(ofType("hsm.object.left").map((e) => e.body)).toEqual([
    expect.objectContaining({ label: "ceremony-transcript-signing", objects: expect.arrayContaining(["private EC", "public EC"]), error: "CKR_FUNCTION_FAILED" }),
  ]);
  // Retry (a fresh module load, so the PIN again): the key is adopted, not refused as a conflict.
  const retried = await runner.runAction(officer.id, { hsmPin: pin() });
  expect(retried.outputs.signerLabel?.value).toMatch(/adopted/);
  // The adopted key was checked as a new one is (src/hsm/key-policy.ts); its template is not known any more.
  expect(retried.facts?.[0]?.details).toMatchObject({ effectiveAttributes: "private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: VERIFY !ENCRYPT !WRAP" });
  expect(retried.facts?.[0]?.details.template).toBeUndefined();
  expect(ofType("hsm.object.created").at(-1)?.body).toMatchObject({ label: "ceremony-transcript-signing", adoptedAfterInterruption: true });
  await driveCeremony(runner, { participants: cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin, stopAfterSteps: 1 });

  // Step 4, the root key: its witnesses confirm the preview; made, the read-back fails again; the officer aborts instead of retrying.
  await runner.previewAction();
  for (const w of people.filter((p) => p.role === "internal-witness")) runner.attestPreview(w.id, Buffer.from(cast.find((c) => c.name === w.name)!.attestationPin));
  await expect(runner.runAction(officer.id, { hsmPin: pin() })).rejects.toMatchObject({ code: "CKR_FUNCTION_FAILED" });
  const admin = people.find((p) => p.role === "ceremony-administrator")!;
  const witness = people.find((p) => p.role === "internal-witness")!;
  runner.abort(admin.id, "The token failed after making the root key", { participantId: witness.id, pin: Buffer.from(cast.find((c) => c.name === witness.name)!.attestationPin) });
  const out = join(dir, "bundle");
  const finished = await finishCeremony(runner, { outDir: out, hsmPin: pin() });
  expect(finished.status).toBe("aborted");
  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  const left = v.transcript!.events.filter((e) => e.type === "hsm.object.left").map((e) => e.body.label);
  expect(left).toEqual(["ceremony-transcript-signing", "ROOT-CA-R1"]);
  await runner.close();
}, 600_000);
