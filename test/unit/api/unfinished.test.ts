/**
 * The start screen's unfinished ceremonies (src/api/service/unfinished.ts) and the service's
 * refusals before a resume touches anything: a token other than the one the ceremony ran on, a
 * rehearsal whose throwaway token is gone, an ID that is not an unfinished ceremony. Real journal
 * files; no HSM is opened (the refusals come first, and the ceremonies here never reach one).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createService, type Service } from "../../../src/api/service.ts";
import { refuseResumeToken, requireUnfinished, unfinishedCeremonies } from "../../../src/api/service/unfinished.ts";
import { PrinterCardSink } from "../../../src/ceremony/card-sinks.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { HsmClient, SOFTHSM2_MODULE } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

let dir: string;
let journal: Journal;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "unfinished-"));
  journal = Journal.open(join(dir, "journal.db"));
});

afterEach(async () => {
  journal.close();
  await rm(dir, { recursive: true, force: true });
});

async function started(options: { rehearsal: boolean; token: { label: string; serial?: string }; clock: string }): Promise<CeremonyRunner> {
  const script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml");
  return CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    // Never called: these ceremonies stop at sign-in, before any step needs the HSM.
    openHsm: () => HsmClient.open({ modulePath: SOFTHSM2_MODULE }),
    token: options.token,
    cards: new PrinterCardSink(),
    rehearsal: options.rehearsal,
    clock: () => new Date(options.clock),
  });
}

const PIN = () => Buffer.from("witness-pin-1");

test("lists every ceremony without a terminal event, newest first, with what, where, when and the token", async () => {
  const real = await started({ rehearsal: false, token: { label: "root-hsm", serial: "4a1f0c2d9e" }, clock: "2026-11-30T09:00:00Z" });
  const admin = real.addParticipant({ name: "Ada Admin", role: "ceremony-administrator", organisation: "PKI team" }, PIN());
  real.addParticipant({ name: "Wim Witness", role: "internal-witness", organisation: "Audit" }, PIN());
  const rehearsal = await started({ rehearsal: true, token: { label: "rehearsal-root-ca", serial: "77aa" }, clock: "2026-12-01T10:00:00Z" });
  // A third one, started last, aborted at sign-in by the administrator alone: its ABORTED transcript is still to be signed.
  const aborted = await started({ rehearsal: false, token: { label: "root-hsm" }, clock: "2026-11-29T08:00:00Z" });
  const abortAdmin = aborted.addParticipant({ name: "Ada Admin", role: "ceremony-administrator", organisation: "PKI team" }, PIN());
  aborted.abort(abortAdmin.id, "Wrong room booked");

  const list = unfinishedCeremonies(journal);
  // Newest first, by the journal's time of ceremony.started.
  expect(list.map((u) => u.ceremonyId)).toEqual([aborted.ceremonyId, rehearsal.ceremonyId, real.ceremonyId]);
  const r = list[2]!;
  expect(r).toMatchObject({
    scriptId: "root-ca",
    title: "Root CA key generation",
    scriptFile: "root-ca.yaml",
    phase: "sign-in",
    stepIndex: null,
    where: "Signing in participants",
    token: { label: "root-hsm", serial: "4a1f0c2d9e" },
    rehearsal: false,
    eventCount: 3,
  });
  expect(r.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect(r.stepCount).toBe(real.script.steps.length);
  expect(r.participants).toEqual([
    { id: admin.id, name: "Ada Admin", role: "ceremony-administrator" },
    { id: expect.any(String), name: "Wim Witness", role: "internal-witness" },
  ]);
  expect(list[1]).toMatchObject({ rehearsal: true, token: { label: "rehearsal-root-ca", serial: "77aa" }, participants: [] });
  expect(list[0]).toMatchObject({ phase: "aborted", where: "Aborted (Wrong room booked): the ABORTED transcript is to be signed", token: { label: "root-hsm", serial: null } });
  // Nothing secret: no PIN, no PIN hash.
  expect(JSON.stringify(list)).not.toMatch(/witness-pin|scrypt/);
});

test("a ceremony whose terminal event is written is not listed", async () => {
  const done = await started({ rehearsal: false, token: { label: "root-hsm", serial: "01" }, clock: "2026-11-30T09:00:00Z" });
  journal.append(done.ceremonyId, "system", "ceremony.aborted", { reason: "test" });
  expect(unfinishedCeremonies(journal)).toEqual([]);
  expect(() => requireUnfinished(journal, done.ceremonyId)).toThrow(`The journal holds no unfinished ceremony ${done.ceremonyId}. Choose one listed on the start screen.`);
});

test("resuming on another token is refused by serial, in one line naming the token the ceremony needs", async () => {
  const runner = await started({ rehearsal: false, token: { label: "root-hsm", serial: "4a1f0c2d9e" }, clock: "2026-11-30T09:00:00Z" });
  const u = requireUnfinished(journal, runner.ceremonyId);
  const refusal = (() => {
    try {
      refuseResumeToken(u, { label: "root-hsm", serial: "99ff00" });
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(refusal).toBeInstanceOf(CeremonyError);
  expect((refusal as CeremonyError).code).toBe("RESUME_WRONG_TOKEN");
  expect((refusal as CeremonyError).message).toBe(
    `Ceremony ${runner.ceremonyId} ran on token root-hsm serial 4a1f0c2d9e, not on root-hsm serial 99ff00: connect and choose that token to resume it.`,
  );
  expect((refusal as CeremonyError).message).not.toContain("\n");
  // The same label is not enough; the serial decides. The right serial is accepted.
  expect(refuseResumeToken(u, { label: "root-hsm", serial: "4a1f0c2d9e" })).toEqual({ label: "root-hsm", serial: "4a1f0c2d9e" });
  expect(() => refuseResumeToken(u, undefined)).toThrow("Choose the HSM token this ceremony ran on (token root-hsm serial 4a1f0c2d9e).");
});

test("a rehearsal is not resumed: its throwaway token did not survive the restart", async () => {
  const runner = await started({ rehearsal: true, token: { label: "rehearsal-root-ca", serial: "77aa" }, clock: "2026-11-30T09:00:00Z" });
  expect(() => refuseResumeToken(requireUnfinished(journal, runner.ceremonyId), { label: "rehearsal-root-ca", serial: "77aa" })).toThrow(
    `Rehearsal ${runner.ceremonyId} ran on a throwaway token that did not survive the restart, so it cannot be resumed. Abandon it, then start the rehearsal again.`,
  );
});

test("the service lists the journal's unfinished ceremony after a restart and refuses a resume on another token, recording nothing", async () => {
  const runner = await started({ rehearsal: false, token: { label: "root-hsm", serial: "4a1f0c2d9e" }, clock: "2026-11-30T09:00:00Z" });
  const id = runner.ceremonyId;
  const before = journal.events(id).length;
  journal.close();
  let service: Service | null = null;
  try {
    // A new service on the same data folder: the app started again.
    service = await createService({ dataDir: dir, ceremonyScriptsDir: join(process.cwd(), "ceremony-scripts"), onProgress: () => undefined });
    const list = await service["ceremony:unfinished"]({});
    expect(list.map((u) => u.ceremonyId)).toEqual([id]);
    await expect(service["ceremony:resume"]({ ceremonyId: id, token: { label: "other-hsm", serial: "0badc0de" } })).rejects.toMatchObject({
      code: "RESUME_WRONG_TOKEN",
      message: `Ceremony ${id} ran on token root-hsm serial 4a1f0c2d9e, not on other-hsm serial 0badc0de: connect and choose that token to resume it.`,
    });
    await expect(service["ceremony:resume"]({ ceremonyId: "root-ca-20260101-000000", token: { label: "root-hsm", serial: "4a1f0c2d9e" } })).rejects.toMatchObject({ code: "CEREMONY_NOT_UNFINISHED" });
    await expect(service["ceremony:abandon"]({ ceremonyId: id, actorId: "p-1", reason: "stop" })).rejects.toMatchObject({ code: "ABANDON_NOT_REHEARSAL" });
    expect(await service["ceremony:state"]({})).toBeNull();
  } finally {
    await service?.close();
    journal = Journal.open(join(dir, "journal.db"));
  }
  expect(journal.events(id)).toHaveLength(before);
});
