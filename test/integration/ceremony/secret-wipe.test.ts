/**
 * Buffers that held a secret are zeroed after use (docs/architecture.md, Security invariants), inspected
 * after each operation: the HSM PIN handed to runAction and to finishCeremony (also when they
 * refuse), attestation PINs handed to addParticipant, attestAirGapOverride and attest (also on
 * every refusal), and key bytes handed to the HSM's importAesKey (the escrow key, the transport
 * keys). The escrow key itself never leaves the escrow step; it is observed by watching the
 * HsmClient the runner uses: every 32-byte random value (escrow and transport keys) and every
 * importAesKey value must be zero after the ceremony.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import type { Participant } from "../../../src/ceremony/participants.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { kcvEcb0 } from "../../../src/escrow/index.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { openRehearsalHsm } from "../../helpers/rehearsal-hsm.ts";
import { latestCardOf } from "../../faults/support/scripted-people.ts";

const zero = (b: Uint8Array): boolean => b.every((x) => x === 0);
let dir: string;
let env: RehearsalEnvironment;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secret-wipe-"));
  env = await createRehearsalEnvironment([{ label: "wipe" }], { parentDir: dir });
});
afterAll(async () => {
  await env.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test("importAesKey wipes the caller's key bytes; the token got them intact", async () => {
  const hsm = await openRehearsalHsm();
  try {
    const key = randomBytes(32);
    const expected = Buffer.from(kcvEcb0(key)).toString("hex").toUpperCase();
    const value = Buffer.from(key);
    const probe = await hsm.client.call("importAesKey", { value, label: "wipe-probe", use: "kcv-probe" });
    expect(zero(value)).toBe(true);
    expect((await hsm.client.call("probeKcv", probe.handle)).kcvEcb0).toBe(expected);
    key.fill(0);
    await hsm.client.close();
    const late = Buffer.from(randomBytes(32));
    await expect(hsm.client.call("importAesKey", { value: late, label: "late", use: "kcv-probe" })).rejects.toMatchObject({ code: "HSM_WORKER_EXITED" });
    expect(zero(late)).toBe(true);
  } finally {
    await hsm.close();
  }
});

test("a master-key ceremony leaves every PIN buffer, escrow key and transport key it handled zeroed", async () => {
  const script = loadScript(await readFile("ceremony-scripts/master-key.yaml", "utf8"), "master-key.yaml");
  const journal = Journal.open(join(dir, "journal.db"));
  const token = env.tokens[0]!;
  const cast = rehearsalCast(5);
  const keys: Uint8Array[] = [];
  const imported: Uint8Array[] = [];
  // Watches the runner's HSM: the 32-byte random values (escrow and transport keys) it returns,
  // and the key bytes handed to importAesKey.
  const watched = async (): Promise<HsmClient> => {
    const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
    const call = client.call.bind(client) as (method: string, ...args: unknown[]) => Promise<unknown>;
    (client as { call: unknown }).call = async (method: string, ...args: unknown[]) => {
      if (method === "importAesKey") imported.push((args[0] as { value: Uint8Array }).value);
      const result = await call(method, ...args);
      if (method === "random" && args[0] === 32) keys.push(result as Uint8Array);
      return result;
    };
    return client;
  };
  const sink = new RehearsalCardSink(join(dir, "cards"));
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: watched,
    token: { label: token.label, serial: token.serial },
    cards: sink,
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  const pinOf = (p: Participant): Buffer => Buffer.from(cast.find((c) => c.name === p.name)!.attestationPin);
  const used: Array<{ what: string; buffer: Buffer }> = [];
  const track = (what: string, buffer: Buffer): Buffer => {
    used.push({ what, buffer });
    return buffer;
  };
  try {
    // Sign-in: every attestation PIN, and the PIN of a refused duplicate sign-in.
    const people = cast.map((p) => runner.addParticipant(p, track(`${p.name}'s sign-in PIN`, Buffer.from(p.attestationPin))));
    expect(() => runner.addParticipant(cast[0]!, track("a duplicate sign-in's PIN", Buffer.from(cast[0]!.attestationPin)))).toThrow();
    runner.confirmParticipants();
    const witnesses = people.filter((p) => p.role === "internal-witness");
    if (runner.state().phase === "air-gap") for (const w of witnesses) runner.attestAirGapOverride(w.id, track("an air-gap override PIN", pinOf(w)));
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, stopAfterSteps: 1 });

    // The HSM login: a wrong PIN, then the right one; a witness's wrong attestation PIN.
    const officer = people.find((p) => p.role === "crypto-officer")!;
    await expect(runner.runAction(officer.id, { hsmPin: track("a wrong HSM PIN", Buffer.from("not-the-pin")) })).rejects.toMatchObject({ code: "CKR_PIN_INCORRECT" });
    await runner.runAction(officer.id, { hsmPin: track("the HSM PIN", Buffer.from(token.userPin)) });
    const loginStep = script.steps[runner.state().currentStep!]!;
    expect(() => runner.attest(witnesses[0]!.id, track("a wrong attestation PIN", Buffer.from("wrong-attest")), loginStep.checklist)).toThrow();
    for (const w of witnesses) runner.attest(w.id, track("an attestation PIN", pinOf(w)), loginStep.checklist);
    expect(() => runner.attest(witnesses[0]!.id, track("a repeated attestation's PIN", pinOf(witnesses[0]!)), loginStep.checklist)).toThrow();
    // A PIN given to a step that does not need it, and to a finish that is refused.
    await runner.runAction(officer.id, { hsmPin: track("an HSM PIN the step did not need", Buffer.from(token.userPin)) });
    await expect(finishCeremony(runner, { outDir: join(dir, "early"), hsmPin: track("an HSM PIN for a refused finish", Buffer.from(token.userPin)) })).rejects.toMatchObject({
      code: "CEREMONY_NOT_FINISHED",
    });

    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, readCard: (holder) => latestCardOf(runner.events(), sink, holder.id) });
    const split = runner.events().findLast((e) => e.type === "escrow.split")!;
    const result = await finishCeremony(runner, {
      outDir: join(dir, "bundle"),
      hsmPin: track("the HSM PIN for the transcript", Buffer.from(token.userPin)),
      printedCards: await sink.cardsOf(String(split.body.setId)),
    });
    expect(result.verification.ok).toBe(true);
  } finally {
    await runner.close();
    journal.close();
  }
  expect(used.filter((u) => !zero(u.buffer)).map((u) => u.what)).toEqual([]);
  // The KEK's transport key and the escrow key came from the token's generator; each went to
  // importAesKey, as did the escrow key the trial recovery rebuilt from three cards.
  expect(keys.length).toBeGreaterThanOrEqual(2);
  expect(imported.length).toBeGreaterThanOrEqual(3);
  expect(keys.filter((k) => !zero(k))).toHaveLength(0);
  expect(imported.filter((k) => !zero(k))).toHaveLength(0);
});
