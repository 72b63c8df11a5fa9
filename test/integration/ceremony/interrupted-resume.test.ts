/**
 * Resuming ceremonies interrupted where the crash matrix (test/faults) found that they could not
 * go on: during sign-in, between closing sign-in and checking the air gap, and between a step's
 * last attestation and its completion. The "crash" is an onEvent hook that throws right after
 * the chosen journal write, so nothing after it runs.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { loadScript, type LoadedScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner, type RunnerOptions } from "../../../src/ceremony/runner.ts";
import type { ChainedEvent } from "../../../src/journal/index.ts";
import { Journal } from "../../../src/journal/index.ts";

let dir: string;
let script: LoadedScript;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "interrupted-resume-"));
  script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml");
});
const journals: Journal[] = [];
afterAll(() => journals.forEach((j) => j.close()));

class Crash extends Error {}

function options(journal: Journal, crashAfter?: (e: ChainedEvent) => boolean): RunnerOptions {
  return {
    journal,
    credentials: journal.credentials,
    openHsm: () => Promise.reject(new Error("no HSM in this test")),
    token: { label: "none" },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
    airGap: () => ({ checkedAt: "2026-05-01T09:00:00Z", interfacesUp: ["eth0"], interfaces: [{ name: "eth0", kind: "wired", up: true }], clear: false }),
    onEvent: (e) => {
      if (crashAfter?.(e)) throw new Crash(`crashed after ${e.type}`);
    },
  };
}

/** Runs the rehearsal's sign-in and air-gap step, "crashing" once at `crashAfter`, then resuming. */
async function crashThenResume(name: string, crashAfter: (e: ChainedEvent) => boolean): Promise<ChainedEvent[]> {
  const journal = Journal.open(join(dir, `${name}.db`));
  journals.push(journal);
  const cast = rehearsalCast(5);
  const first = CeremonyRunner.start(script, options(journal, crashAfter));
  await expect(driveCeremony(first, { participants: cast, hsmPin: "unused", stopAfterSteps: 1 })).rejects.toBeInstanceOf(Crash);
  const resumed = CeremonyRunner.resume(first.ceremonyId, options(journal));
  if (!resumed.state().steps[0]!.completed) await driveCeremony(resumed, { participants: cast, hsmPin: "unused", stopAfterSteps: 1 });
  expect(resumed.state().steps[0]!.completed).toBe(true);
  return resumed.events();
}

test("a rehearsal interrupted during sign-in signs in only those who had not joined yet", async () => {
  let joined = 0;
  const events = await crashThenResume("sign-in", (e) => e.type === "participant.joined" && ++joined === 4);
  const names = events.filter((e) => e.type === "participant.joined").map((e) => e.body.name);
  expect(names).toEqual(rehearsalCast(5).map((p) => p.name));
  expect(events.filter((e) => e.type === "participants.confirmed")).toHaveLength(1);
});

test("a ceremony interrupted between closing sign-in and the air-gap check checks the air gap when it resumes", async () => {
  const events = await crashThenResume("air-gap", (e) => e.type === "participants.confirmed");
  const types = events.map((e) => e.type);
  const resumedAt = types.indexOf("ceremony.resumed");
  expect(types[resumedAt + 1]).toBe("airgap.checked");
  expect(events[resumedAt + 1]!.body).toMatchObject({ at: "start", interfacesUp: ["eth0"], clear: false, policy: "allow-with-override" });
  expect(types.filter((t) => t === "airgap.override.granted")).toHaveLength(1);
});

test("a step interrupted after its last attestation is completed when the ceremony resumes, without attesting again", async () => {
  let attested = 0;
  const events = await crashThenResume("attested", (e) => e.type === "attestation.recorded" && ++attested === 2);
  const types = events.map((e) => e.type);
  expect(types.filter((t) => t === "attestation.recorded")).toHaveLength(2);
  expect(types.filter((t) => t === "step.completed")).toHaveLength(1);
  expect(types.slice(types.indexOf("ceremony.resumed"))).toEqual(["ceremony.resumed", "step.completed"]);
});
