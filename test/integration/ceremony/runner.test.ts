/** The ceremony state machine against a real journal and a real SoftHSM2 token. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CeremonyView } from "../../../src/api/contract.ts";
import { ceremonyView } from "../../../src/api/views.ts";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import type { Participant } from "../../../src/ceremony/participants.ts";
import { CeremonyRunner, type RunnerOptions } from "../../../src/ceremony/runner.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { ADVICE_TEXT } from "../../../src/common/advice.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

const SCRIPT = `id: runner-test
title: Runner test
version: 1
airGap: allow-with-override
roles:
  internal-witness: 2
parameters:
  label:
    type: string
    description: key label
    default: TEST-KEY
steps:
  - id: login
    title: Log in
    checklist: [Serial checked]
    action:
      type: hsm.login
  - id: keygen
    title: Generate
    checklist: [Fingerprint read aloud]
    attestation:
      roles: [crypto-officer, internal-witness]
      count: 1
    action:
      type: key.generate-pair
      params:
        label: \${label}
        algorithm: EC-P256
        purpose: signing
        rotationMonths: 12
  - id: destroy
    title: Destroy a key that is not there
    action:
      type: key.destroy
      params:
        label: NO-SUCH-KEY
        expectedId: 0a0b0c
`;

let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;
beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "runner" }]);
  dir = await mkdtemp(join(tmpdir(), "runner-test-"));
  journal = Journal.open(join(dir, "journal.db"));
});
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

function options(): RunnerOptions {
  return {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open({ modulePath: env.modulePath, env: env.env }),
    token: { label: "runner" },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
    airGap: () => ({ checkedAt: new Date().toISOString(), interfacesUp: ["eth0 (wired)"], interfaces: [], clear: false }),
  };
}

const pin = (s: string): Buffer => Buffer.from(s);

/** Shows the current step's preview and has witnesses confirm it, as many as the step's rule needs. */
async function confirmPreview(runner: CeremonyRunner, ...witnesses: Array<[string, string]>): Promise<void> {
  await runner.previewAction();
  const index = runner.state().currentStep!;
  for (const [id, p] of witnesses) if (runner.previewNeeded(index)) runner.attestPreview(id, pin(p));
}

/** A ceremony of SCRIPT (key label `label`) with four people signed in and the air-gap override attested. */
async function started(label = "TEST-KEY"): Promise<{ runner: CeremonyRunner; people: Record<"admin" | "officer" | "w1" | "w2", Participant> }> {
  const runner = CeremonyRunner.start(loadScript(SCRIPT.replace("default: TEST-KEY", `default: ${label}`), "runner.yaml"), options());
  const people = {
    admin: runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("ada-pin-1")),
    officer: runner.addParticipant({ name: "Cy", role: "crypto-officer", organisation: "Ops" }, pin("cy-pin-12")),
    w1: runner.addParticipant({ name: "Wen", role: "internal-witness", organisation: "Audit" }, pin("wen-pin-1")),
    w2: runner.addParticipant({ name: "Xu", role: "internal-witness", organisation: "Risk" }, pin("xu-pin-12")),
  };
  runner.confirmParticipants();
  runner.attestAirGapOverride(people.w1.id, pin("wen-pin-1"));
  runner.attestAirGapOverride(people.w2.id, pin("xu-pin-12"));
  return { runner, people };
}

describe("sign-in", () => {
  test("a script's role minimums must be met before it starts", () => {
    const runner = CeremonyRunner.start(loadScript(SCRIPT, "runner.yaml"), options());
    runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("ada-pin-1"));
    runner.addParticipant({ name: "Wen", role: "internal-witness", organisation: "Audit" }, pin("wen-pin-1"));
    expect(() => runner.confirmParticipants()).toThrow(/1 × Crypto officer \(have 0\); 2 × Internal witness \(have 1\)/);
  });

  test("an attestation PIN is kept only as a salted scrypt hash, never in an event", () => {
    const runner = CeremonyRunner.start(loadScript(SCRIPT, "runner.yaml"), options());
    const p = runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("secret-pin-42"));
    expect(JSON.stringify(runner.events())).not.toContain("secret-pin-42");
    const stored = journal.credentials.get(runner.ceremonyId, p.id)!;
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(() => runner.addParticipant({ name: "Bo", role: "auditor", organisation: "X" }, pin("12345"))).toThrow(/at least 6 characters/);
  });

  test("the air-gap override needs two distinct internal witnesses", () => {
    const runner = CeremonyRunner.start(loadScript(SCRIPT, "runner.yaml"), options());
    runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("ada-pin-1"));
    const officer = runner.addParticipant({ name: "Cy", role: "crypto-officer", organisation: "Ops" }, pin("cy-pin-12"));
    const w1 = runner.addParticipant({ name: "Wen", role: "internal-witness", organisation: "Audit" }, pin("wen-pin-1"));
    runner.addParticipant({ name: "Xu", role: "internal-witness", organisation: "Risk" }, pin("xu-pin-12"));
    runner.confirmParticipants();
    expect(runner.state().phase).toBe("air-gap");
    expect(() => runner.attestAirGapOverride(officer.id, pin("cy-pin-12"))).toThrow(/only internal witnesses/);
    runner.attestAirGapOverride(w1.id, pin("wen-pin-1"));
    runner.attestAirGapOverride(w1.id, pin("wen-pin-1"));
    expect(runner.state().phase).toBe("air-gap");
  });
});

describe("steps and attestations", () => {
  test("dual control: the performer alone never completes a step; wrong roles, PINs and checklists are refused", async () => {
    const { runner, people } = await started();
    try {
      await expect(runner.runAction(people.w1.id, { hsmPin: pin(DEFAULT_REHEARSAL_PINS.userPin) })).rejects.toThrow(/performed by a Crypto officer; Wen is Internal witness/);
      expect(() => runner.attest(people.w1.id, pin("wen-pin-1"), ["Serial checked"])).toThrow(/has not succeeded yet/);
      await runner.runAction(people.officer.id, { hsmPin: pin(DEFAULT_REHEARSAL_PINS.userPin) });
      expect(() => runner.attest(people.admin.id, pin("ada-pin-1"), ["Serial checked"])).toThrow(/attested by Internal witness; Ada is Ceremony administrator/);
      expect(() => runner.attest(people.w1.id, pin("wrong-pin"), ["Serial checked"])).toThrow(/not Wen's attestation PIN/);
      expect(() => runner.attest(people.w1.id, pin("wen-pin-1"), [])).toThrow(/has not confirmed: "Serial checked"/);
      expect(runner.attest(people.w1.id, pin("wen-pin-1"), ["Serial checked"])).toEqual({ stepCompleted: false, milestone: null });
      expect(() => runner.attest(people.w1.id, pin("wen-pin-1"), ["Serial checked"])).toThrow(/already attested/);
      const done = runner.attest(people.w2.id, pin("xu-pin-12"), ["Serial checked"]);
      expect(done.stepCompleted).toBe(true);
      expect(done.milestone).toMatch(/^[0-9a-f]{8}$/);

      // Step 2 creates a key: a witness first confirms the preview of what the HSM will do.
      await expect(runner.runAction(people.officer.id)).rejects.toMatchObject({ code: "PREVIEW_NOT_ATTESTED" });
      expect(runner.state().steps[1]!.actionStatus).toBe("failed");
      expect(await runner.previewAction()).toEqual([
        { label: "Key pair to create", value: "TEST-KEY" },
        { label: "Algorithm", value: "EC-P256" },
        { label: "Purpose", value: "signing" },
      ]);
      expect(() => runner.attestPreview(people.w1.id, pin("not-wen"))).toThrow(/not Wen's attestation PIN/);
      runner.attestPreview(people.w1.id, pin("wen-pin-1"));
      expect(runner.events().filter((e) => e.type === "preview.attested")).toHaveLength(1);
      // Step 2 accepts one attestation from the crypto officer or a witness, but the officer
      // who generated the key cannot be its only witness.
      await runner.runAction(people.officer.id);
      expect(runner.attest(people.officer.id, pin("cy-pin-12"), ["Fingerprint read aloud"]).stepCompleted).toBe(false);
      expect(runner.attest(people.w2.id, pin("xu-pin-12"), ["Fingerprint read aloud"]).stepCompleted).toBe(true);
      expect(runner.events().some((e) => e.type === "attestation.refused")).toBe(true);
    } finally {
      await runner.close();
    }
  });
});

test("a failed action pauses on its step; an abort is recorded with its reason and still ends in a signed, verifying transcript", async () => {
  const { runner, people } = await started("ABORT-KEY");
  const { officer, w1, w2 } = people;
  try {
    await runner.runAction(officer.id, { hsmPin: pin(DEFAULT_REHEARSAL_PINS.userPin) });
    runner.attest(w1.id, pin("wen-pin-1"), ["Serial checked"]);
    runner.attest(w2.id, pin("xu-pin-12"), ["Serial checked"]);
    await confirmPreview(runner, [w1.id, "wen-pin-1"], [w2.id, "xu-pin-12"]);
    await runner.runAction(officer.id);
    runner.attest(w1.id, pin("wen-pin-1"), ["Fingerprint read aloud"]);
    await confirmPreview(runner, [w1.id, "wen-pin-1"], [w2.id, "xu-pin-12"]);
    // Step 3 fails: the key is not there. The ceremony pauses on it, error recorded.
    await expect(runner.runAction(officer.id)).rejects.toMatchObject({ code: "HSM_KEY_NOT_FOUND" });
    const state = runner.state();
    expect(state.currentStep).toBe(2);
    expect(state.steps[2]!.actionStatus).toBe("failed");
    expect(state.steps[2]!.lastError?.message).toMatch(/No key labelled "NO-SUCH-KEY"/);
    // The screens get the failure with its code's advice (from the registry; it is not journaled).
    const view = CeremonyView.parse(ceremonyView(runner, { running: false, previews: new Set(), bundleDir: null, outDir: "/nowhere", finishError: null }));
    expect(view.steps[2]!.lastError).toMatchObject({ code: "HSM_KEY_NOT_FOUND", advice: "choose-another", adviceText: ADVICE_TEXT["choose-another"] });
    // A retry fails the same way; nothing is retried by itself.
    await expect(runner.runAction(officer.id)).rejects.toMatchObject({ code: "HSM_KEY_NOT_FOUND" });
    expect(() => runner.abort(officer.id, "  ", { participantId: w1.id, pin: pin("wen-pin-1") })).toThrow(/Say why/);
    // Dual control: the officer alone cannot stop the ceremony, nor with a wrong witness PIN.
    expect(() => runner.abort(officer.id, "The key to destroy is not on this token")).toThrow(/internal witness other than the one deciding/);
    expect(() => runner.abort(officer.id, "The key to destroy is not on this token", { participantId: w1.id, pin: pin("not-wen") })).toThrow(/not Wen's attestation PIN/);
    expect(runner.state().phase).toBe("steps");
    runner.abort(officer.id, "The key to destroy is not on this token", { participantId: w1.id, pin: pin("wen-pin-1") });
    expect(runner.state().phase).toBe("aborted");
    const out = join(dir, "aborted-bundle");
    const result = await finishCeremony(runner, { outDir: out });
    expect(result.status).toBe("aborted");
    const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
    expect(v.failures).toEqual([]);
    expect(v.transcript!.ceremony.status).toBe("aborted");
    expect(v.transcript!.events.filter((e) => e.type === "action.failed")).toHaveLength(2);
    await expect(finishCeremony(runner, { outDir: out })).rejects.toMatchObject({ code: "BUNDLE_EXISTS" });
  } finally {
    await runner.close();
  }
});

test("an object under the label that this ceremony did not create is a conflict, nothing overwritten", async () => {
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  await client.call("openToken", { label: "runner" });
  await client.login("user", pin(DEFAULT_REHEARSAL_PINS.userPin));
  const foreign = await client.call("generateKeyPair", { label: "FOREIGN", algorithm: "EC-P256", purpose: "signing" });
  await client.close();
  const { runner, people } = await started("FOREIGN");
  const { officer, w1, w2 } = people;
  try {
    await runner.runAction(officer.id, { hsmPin: pin(DEFAULT_REHEARSAL_PINS.userPin) });
    runner.attest(w1.id, pin("wen-pin-1"), ["Serial checked"]);
    runner.attest(w2.id, pin("xu-pin-12"), ["Serial checked"]);
    await confirmPreview(runner, [w1.id, "wen-pin-1"], [w2.id, "xu-pin-12"]);
    await expect(runner.runAction(officer.id)).rejects.toThrow(new RegExp(`this ceremony did not create: .*${foreign.id}`));
  } finally {
    await runner.close();
  }
});
