/**
 * A ceremony blocked by its air-gap check (the workstation was connected when sign-in closed)
 * cannot go on. `ceremony run` in a pseudo-terminal offers to abandon it: an abort with a reason,
 * who decides and another witness's PIN, ending in a signed ABORTED bundle. After that it is not
 * offered again, and on a connected workstation a new ceremony of a blocking script stops before
 * anybody signs in.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { checkAirGap } from "../../../src/airgap/check.ts";
import { PrinterCardSink } from "../../../src/ceremony/card-sinks.ts";
import { loadScriptFile } from "../../../src/ceremony/load-script.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "ceremony-scripts/root-ca.yaml");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

const PEOPLE = [
  { name: "Ada", role: "ceremony-administrator", pin: "ada-attest-1" },
  { name: "Cy", role: "crypto-officer", pin: "cy-attest-22" },
  { name: "Wen", role: "internal-witness", pin: "wen-attest-3" },
  { name: "Xu", role: "internal-witness", pin: "xu-attest-44" },
] as const;

const connected = !checkAirGap().clear;
if (!connected) console.log("skipped the connected-workstation check of the blocked-ceremony test: no network interface is up here");

test("a blocked ceremony is abandoned with a dual-controlled abort, then never offered again", async () => {
  env = await createRehearsalEnvironment([{ label: "pty-blocked" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-pty-blocked-"));
  const journalPath = join(dir, "journal.db");
  // The ceremony as a laptop left it whose cable was plugged in during sign-in: blocked.
  const journal = Journal.open(journalPath);
  const { script } = await loadScriptFile(SCRIPT);
  const blocked = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open({ modulePath: env!.modulePath, env: env!.env }),
    token: { label: "pty-blocked" },
    cards: new PrinterCardSink(),
    rehearsal: false,
    airGap: () => ({ checkedAt: new Date().toISOString(), interfacesUp: ["eth0 (wired)"], interfaces: [], clear: false }),
  });
  for (const p of PEOPLE) blocked.addParticipant({ name: p.name, role: p.role, organisation: "Ops" }, Buffer.from(p.pin));
  blocked.confirmParticipants();
  expect(blocked.state().phase).toBe("blocked");
  const id = blocked.ceremonyId;
  journal.close();

  const out = join(dir, "aborted-bundle");
  const args = ["run", SCRIPT, "--module", env.modulePath, "--token", "pty-blocked", "--out", out, "--journal", journalPath];
  const pty = new PtySession(args, env.env);
  try {
    await pty.answer(`Abandon ceremony ${id}? [y/n] `, "y");
    await pty.answer("Reason for the abort: ", "workstation was connected at sign-in");
    await pty.answer("Person deciding the abort [1-4]: ", "1");
    await pty.answer("Internal witness confirming the abort [1-2]: ", "1");
    await pty.answer("Wen's attestation PIN: (not shown) ", "wen-attest-3");
    await pty.waitFor('Token "pty-blocked": serial ');
    await pty.answer("HSM PIN (to sign the transcript): (not shown) ", DEFAULT_REHEARSAL_PINS.userPin);
    await pty.waitFor("ABORTED. Bundle");
    expect(await pty.exit()).toBe(1);
  } finally {
    pty.kill();
  }
  expect(pty.screen.replace(/\s+/g, " ")).toMatch(/It was stopped at its air-gap check: network interfaces were up \(eth0 \(wired\)\)/);
  expect(pty.screen).not.toContain("Participant name");
  expect(pty.linesWiderThan(100)).toEqual([]);
  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  expect(v.transcript!.ceremony).toMatchObject({ id, status: "aborted" });
  const requested = v.transcript!.events.find((e) => e.type === "ceremony.abort-requested");
  expect(requested?.body).toMatchObject({ reason: "workstation was connected at sign-in", witnessedBy: expect.any(String) });

  // Run again: the abandoned ceremony is over; a new one of this blocking script stops before sign-in here.
  const again = new PtySession([...args.slice(0, 6), "--out", join(dir, "next"), "--journal", journalPath], env.env);
  try {
    if (!connected) {
      // Air-gapped here: a new ceremony starts at sign-in, which is left with Ctrl-C.
      await again.waitFor("Participant name");
      again.keys("\x03");
    }
    expect(await again.exit()).not.toBe(0);
  } finally {
    again.kill();
  }
  expect(again.screen).not.toContain(id);
  if (connected) {
    expect(again.screen.replace(/\s+/g, " ")).toContain("This script does not run on a connected workstation");
    expect(again.screen.replace(/\s+/g, " ")).toContain("Nobody has signed in; nothing was recorded.");
    expect(again.screen).not.toContain("Participant name");
  }
}, 300_000);
