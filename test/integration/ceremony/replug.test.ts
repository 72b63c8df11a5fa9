/**
 * Re-plug: SoftHSM2's token folder is moved away in the middle of a ceremony (the way a USB HSM
 * is pulled) and put back. The step fails with advice about the device, and Retry re-opens the
 * module and the session (a fresh C_Initialize) and goes on, without restarting the program.
 */
import { mkdtemp, readFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

let env: RehearsalEnvironment | undefined;
let journal: Journal | undefined;
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

test("a token folder moved away mid-ceremony and back: the step fails naming the device, Retry re-opens the module and succeeds", async () => {
  env = await createRehearsalEnvironment([{ label: "replug" }]);
  const dir = await mkdtemp(join(tmpdir(), "replug-"));
  journal = Journal.open(join(dir, "journal.db"));
  const script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml", {
    parameters: { subject: "CN=Replug Root, O=Test, C=US" },
  } as never);
  let opened = 0;
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: () => {
      opened++;
      return HsmClient.open({ modulePath: env!.modulePath, env: env!.env });
    },
    token: { label: "replug", serial: env.tokens[0]!.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  const cast = rehearsalCast(0);
  // Air gap, HSM login, transcript-signing key.
  await driveCeremony(runner, { participants: cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin, stopAfterSteps: 3 });
  expect(opened).toBe(1);
  const officer = runner.state().participants.find((p) => p.role === "crypto-officer")!;
  // The root key's step: the witnesses confirm what the HSM will do before the token is pulled.
  await runner.previewAction();
  for (const w of runner.state().participants.filter((p) => p.role === "internal-witness")) {
    runner.attestPreview(w.id, Buffer.from(cast.find((c) => c.name === w.name)!.attestationPin));
  }

  const tokens = join(env.dir, "tokens");
  await rename(tokens, `${tokens}.pulled`);
  const failure = await runner.runAction(officer.id, {}).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(CeremonyError);
  console.log(`token folder moved away: ${(failure as CeremonyError).code}: ${(failure as CeremonyError).message}`);
  expect((failure as CeremonyError).message).toMatch(/Plug it back in|re-?seat|reconnect|not present|removed/i);

  await rename(`${tokens}.pulled`, tokens);
  // Retry: the session is gone with the device, so the officer types the HSM PIN again.
  const result = await runner.runAction(officer.id, { hsmPin: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) });
  expect(opened).toBe(2);
  expect(result.outputs.keyLabel?.value).toMatch(/\(EC-P384, created\)/);
  const events = runner.events();
  expect(events.filter((e) => e.type === "action.failed")).toHaveLength(1);
  expect(events.some((e) => e.type === "hsm.relogin")).toBe(true);
  await driveCeremony(runner, { participants: cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin });
  const out = join(dir, "bundle");
  const finished = await finishCeremony(runner, { outDir: out, hsmPin: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) });
  expect(finished.status).toBe("completed");
  expect((await verifyBundle(out)).failures).toEqual([]);
  await runner.close();
}, 600_000);
