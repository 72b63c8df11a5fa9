/**
 * Named witnesses from policy (POL-SEC-KM "Key rotation ceremonies must include at least two
 * witnesses, one being the CISO or Director of Cybersecurity"): sign-in cannot close without the
 * titled person, a step that includes them completes only when they attest, and the witness
 * sheet, the transcript summary and the signed transcript say who it was. Real journal, real
 * SoftHSM2 token for the transcript signature, PDFs read back with pdftotext.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { CeremonyRunner, type RunnerOptions } from "../../../src/ceremony/runner.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { flatText } from "../print-tools.ts";

const SCRIPT = `id: named-witness-test
title: Named witness test
version: 1
airGap: allow-with-override
requiredTitles:
  - id: ciso
    title: CISO or Director of Cybersecurity
    anyOf: [CISO, Director of Cybersecurity]
    roles: [internal-witness]
    policy: "POL-SEC-KM: rotation ceremonies include at least two witnesses, one being the CISO or Director of Cybersecurity"
roles:
  ceremony-administrator: 1
  crypto-officer: 0
  internal-witness: 2
steps:
  - id: check
    title: Check the room
    checklist: [The room is closed]
    performer: ceremony-administrator
    attestation:
      roles: [internal-witness]
      count: 2
      including: [ciso]
    action:
      type: airgap.check
`;

let env: RehearsalEnvironment;
let dir: string;
let journal: Journal;
beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "named" }]);
  dir = await mkdtemp(join(tmpdir(), "named-witness-"));
  journal = Journal.open(join(dir, "journal.db"));
});
afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

function options(): RunnerOptions {
  const token = env.tokens[0]!;
  return {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open({ modulePath: env.modulePath, env: env.env }),
    token: { label: token.label, serial: token.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
    airGap: () => ({ checkedAt: new Date().toISOString(), interfacesUp: [], interfaces: [], clear: true }),
  };
}

const pin = (s: string): Buffer => Buffer.from(s);

function caught(f: () => unknown): CeremonyError {
  try {
    f();
  } catch (e) {
    if (e instanceof CeremonyError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

test("sign-in cannot close without the titled witness; one line says who is missing", () => {
  const runner = CeremonyRunner.start(loadScript(SCRIPT, "named.yaml"), options());
  runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("ada-pin-1"));
  runner.addParticipant({ name: "Wen", role: "internal-witness", organisation: "Audit" }, pin("wen-pin-1"));
  runner.addParticipant({ name: "Xu", role: "internal-witness", organisation: "Risk", title: "Deputy CISO" }, pin("xu-pin-12"));
  // The title alone is not enough: the CISO must sign in as one of the requirement's roles.
  runner.addParticipant({ name: "Cy", role: "crypto-officer", organisation: "Ops", title: "CISO" }, pin("cy-pin-12"));
  const e = caught(() => runner.confirmParticipants());
  expect(e.code).toBe("NAMED_WITNESS_MISSING");
  expect(e.message).toBe(
    "This script's policy needs a CISO or Director of Cybersecurity among the internal witnesses, and nobody signed in with that job title fills it: sign them in with their title, then close sign-in.",
  );
  expect(e.message).not.toContain("\n");
  expect(runner.state().phase).toBe("sign-in");
});

test("the CISO fills it, must attest the step that includes them, and every surface says so", async () => {
  const runner = CeremonyRunner.start(loadScript(SCRIPT, "named.yaml"), options());
  const admin = runner.addParticipant({ name: "Ada", role: "ceremony-administrator", organisation: "Ops" }, pin("ada-pin-1"));
  const wen = runner.addParticipant({ name: "Wen", role: "internal-witness", organisation: "Audit" }, pin("wen-pin-1"));
  const xu = runner.addParticipant({ name: "Xu", role: "internal-witness", organisation: "Risk" }, pin("xu-pin-12"));
  const cat = runner.addParticipant({ name: "Cat Chief", role: "internal-witness", organisation: "Security", title: "  ciso " }, pin("cat-pin-12"));
  expect(cat.title).toBe("ciso");
  runner.confirmParticipants();
  const confirmed = runner.events().find((e) => e.type === "participants.confirmed")!;
  expect(confirmed.body).toEqual({
    count: 4,
    namedWitnesses: [{ rule: { title: "CISO or Director of Cybersecurity", anyOf: ["CISO", "Director of Cybersecurity"], roles: ["internal-witness"], count: 1 }, filledBy: [cat.id] }],
  });

  await runner.runAction(admin.id);
  runner.attest(wen.id, pin("wen-pin-1"), ["The room is closed"]);
  const twoWithoutCiso = runner.attest(xu.id, pin("xu-pin-12"), ["The room is closed"]);
  expect(twoWithoutCiso.stepCompleted).toBe(false);
  expect(runner.state().steps[0]!.completed).toBe(false);
  expect(runner.events().find((e) => e.type === "step.started")!.body.attestation.including?.[0]?.title).toBe("CISO or Director of Cybersecurity");
  expect(runner.attest(cat.id, pin("cat-pin-12"), ["The room is closed"]).stepCompleted).toBe(true);

  const out = join(dir, "bundle");
  const result = await finishCeremony(runner, { outDir: out, hsmPin: Buffer.from(env.tokens[0]!.userPin) });
  await runner.close();
  expect(result.verification.failures).toEqual([]);
  expect((await verifyBundle(out, { extraChecks: [scriptRecheck] })).ok).toBe(true);

  const transcript = JSON.parse(await readFile(join(out, "transcript.json"), "utf8")) as { participants: Array<{ name: string; title?: string }> };
  expect(transcript.participants.find((p) => p.name === "Cat Chief")?.title).toBe("ciso");

  for (const sheet of ["witness-sheet.pdf", "transcript-summary.pdf"]) {
    const text = flatText(await readFile(join(out, "sheets", sheet)));
    expect(text, sheet).toContain("Witnesses named by policy");
    expect(text, sheet).toContain("CISO or Director of Cybersecurity");
    expect(text, sheet).toContain("Cat Chief (ciso)");
    expect(text, sheet).toContain("Internal witness · ciso");
    expect(text, sheet).toContain("one being the CISO or Director of Cybersecurity");
  }
}, 300_000);
