/**
 * A rehearsal the app was running when it stopped: its throwaway SoftHSM2 token went with the old
 * core (with the keys the rehearsal made on it), so a new core on the same data folder lists it,
 * refuses to resume it, and abandons it under dual control instead: signed as ABORTED on a fresh
 * throwaway token when it had not yet made its transcript-signing key, else ended in the journal
 * without a bundle (a transcript signed by another key would not verify as this ceremony's).
 * Real SoftHSM2 tokens, real journal files.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect, test } from "vitest";
import type { CeremonyView } from "../../../src/api/contract.ts";
import { createService, type Service } from "../../../src/api/service.ts";
import { DEFAULT_REHEARSAL_PINS } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";

const PEOPLE = [
  { name: "Ada Okafor", role: "ceremony-administrator", organisation: "Security Office", pin: "ada-pin-4711" },
  { name: "Carlos Mendes", role: "crypto-officer", organisation: "PKI Operations", pin: "carlos-pin-4711" },
  { name: "Wen Li", role: "internal-witness", organisation: "Internal Audit", pin: "wen-pin-4711" },
  { name: "Willa Brandt", role: "internal-witness", organisation: "Risk", pin: "willa-pin-4711" },
];
const WITNESSES = PEOPLE.filter((p) => p.role === "internal-witness");
const REASON = "The workstation lost power during the rehearsal.";

/** A data folder whose rehearsal of root-ca.yaml stopped (the app died) after `steps` attested steps. */
async function stoppedRehearsal(steps: number): Promise<{ dataDir: string; ceremonyId: string; tokenSerial: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "abandon-rehearsal-"));
  const first = await open(dataDir);
  try {
    let view: CeremonyView = await first["ceremony:start"]({ file: "root-ca.yaml", parameters: {}, rehearsal: true });
    for (const p of PEOPLE) view = await first["ceremony:add-participant"]({ name: p.name, role: p.role, organisation: p.organisation, attestationPin: p.pin });
    view = await first["ceremony:confirm-participants"]({});
    const idOf = (name: string) => view.participants.find((p) => p.name === name)!.id;
    if (view.phase === "air-gap") for (const w of WITNESSES) view = await first["ceremony:airgap-override"]({ participantId: idOf(w.name), pin: w.pin });
    for (let i = 0; i < steps; i++) {
      const step = view.steps[view.currentStep!]!;
      const performer = view.participants.find((p) => p.role === step.performerRole)!;
      view = await first["ceremony:run-action"]({ performerId: performer.id, ...(step.needs.includes("hsm-pin") ? { hsmPin: DEFAULT_REHEARSAL_PINS.userPin } : {}) });
      for (const w of WITNESSES) view = await first["ceremony:attest"]({ participantId: idOf(w.name), pin: w.pin, confirmed: step.checklist });
    }
    return { dataDir, ceremonyId: view.ceremonyId, tokenSerial: view.token!.serial };
  } finally {
    // The app stops: the core closes, and the rehearsal's throwaway token is deleted with it.
    await first.close();
  }
}

const open = (dataDir: string) => createService({ dataDir, ceremonyScriptsDir: join(process.cwd(), "ceremony-scripts"), rehearsalOnly: true, onProgress: () => undefined });
let service: Service | null = null;
const dirs: string[] = [];

// A PKCS#11 module is initialised once per process: each test's core is closed before the next starts.
afterEach(async () => {
  await service?.close();
  service = null;
});

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The app started again on that data folder. */
async function restarted(dataDir: string): Promise<Service> {
  dirs.push(dataDir);
  service = await open(dataDir);
  return service;
}

test("stopped before its signing key was made: listed, not resumable, abandoned, signed as ABORTED on a fresh throwaway token", { timeout: 600_000 }, async () => {
  // The air-gap step and the HSM login: the throwaway token is in use, the signing key not yet made.
  const { dataDir, ceremonyId, tokenSerial } = await stoppedRehearsal(2);
  const s = await restarted(dataDir);
  const [u] = await s["ceremony:unfinished"]({});
  expect(u).toMatchObject({ ceremonyId, rehearsal: true, where: "Step 3 of 5: Find or create the transcript-signing key", token: { serial: tokenSerial } });
  await expect(s["ceremony:resume"]({ ceremonyId, token: { label: u!.token.label, serial: tokenSerial } })).rejects.toMatchObject({
    code: "REHEARSAL_NOT_RESUMABLE",
    message: `Rehearsal ${ceremonyId} ran on a throwaway token that did not survive the restart, so it cannot be resumed. Abandon it, then start the rehearsal again.`,
  });

  const idOf = (name: string) => u!.participants.find((p) => p.name === name)!.id;
  const [decider, witness] = [PEOPLE[0]!, WITNESSES[0]!];
  // Dual control as for any abort: a wrong witness PIN abandons nothing.
  await expect(s["ceremony:abandon"]({ ceremonyId, actorId: idOf(decider.name), reason: REASON, witnessId: idOf(witness.name), witnessPin: "not-the-pin" })).rejects.toMatchObject({
    code: "ATTESTATION_PIN_WRONG",
  });
  expect((await s["ceremony:unfinished"]({})).map((x) => x.ceremonyId)).toEqual([ceremonyId]);

  const { view } = await s["ceremony:abandon"]({ ceremonyId, actorId: idOf(decider.name), reason: REASON, witnessId: idOf(witness.name), witnessPin: witness.pin });
  expect(view).toMatchObject({ ceremonyId, phase: "aborted", abortReason: REASON, rehearsal: true });
  const finished = await s["ceremony:finish"]({ hsmPin: DEFAULT_REHEARSAL_PINS.userPin });
  expect(finished.verification.failures).toEqual([]);
  expect(finished.verification.ok).toBe(true);
  expect(finished.verification.ceremony).toMatchObject({ id: ceremonyId, status: "aborted", rehearsal: true });

  const v = await verifyBundle(finished.view.bundleDir!);
  expect(v.ok).toBe(true);
  const events = v.transcript!.events;
  // Signed on a fresh throwaway token, which the transcript names: the old one is gone.
  const relogin = events.filter((e) => e.type === "hsm.relogin").at(-1) as { body: { serial: string } } | undefined;
  expect(relogin?.body.serial).toBeDefined();
  expect(relogin!.body.serial).not.toBe(tokenSerial);
  expect(events.map((e) => e.type)).toContain("ceremony.resumed");
  expect(events.at(-1)!.type).toBe("ceremony.aborted");
  await expect(s["ceremony:unfinished"]({})).resolves.toEqual([]);
});

test("stopped after its signing key was made: abandoned with its end in the journal, and no bundle (no other key can sign it)", { timeout: 600_000 }, async () => {
  const { dataDir, ceremonyId } = await stoppedRehearsal(3);
  const s = await restarted(dataDir);
  const [u] = await s["ceremony:unfinished"]({});
  expect(u).toMatchObject({ ceremonyId, where: "Step 4 of 5: Generate the root key in the HSM" });
  const idOf = (name: string) => u!.participants.find((p) => p.name === name)!.id;
  const r = await s["ceremony:abandon"]({ ceremonyId, actorId: idOf(PEOPLE[0]!.name), reason: REASON, witnessId: idOf(WITNESSES[1]!.name), witnessPin: WITNESSES[1]!.pin });
  expect(r).toEqual({
    view: null,
    note: `Rehearsal ${ceremonyId} is abandoned: its abort is recorded in the journal. No bundle is written: the key that signs its transcript was on the throwaway token, which is gone.`,
  });
  await expect(s["ceremony:state"]({})).resolves.toBeNull();
  await expect(s["ceremony:unfinished"]({})).resolves.toEqual([]);
  await expect(s["bundle:list"]({})).resolves.toEqual([]);
});
