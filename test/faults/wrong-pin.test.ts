/**
 * Wrong HSM PINs: the officer sees the token's retry state, and the app never spends a PIN try
 * the officer did not type. Counted at the PKCS#11 boundary by OpenSC's pkcs11-spy, which sits
 * between the app and SoftHSM2 and logs every call: C_Login happens exactly once per typed PIN,
 * never on a retry of the step without a PIN, never when finishing without a PIN.
 *
 * SoftHSM2 itself never locks a PIN (shown below: 12 wrong tries, then the right PIN works); it
 * only raises CKF_USER_PIN_COUNT_LOW after a wrong try. On a real HSM each wrong try counts
 * towards a lock, which is why the count matters.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../src/ceremony/finish.ts";
import { loadScript } from "../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../src/ceremony/runner.ts";
import { createRehearsalEnvironment, HsmClient, SOFTHSM2_MODULE, type HsmError, type RehearsalEnvironment } from "../../src/hsm/index.ts";
import { Journal } from "../../src/journal/index.ts";
import { recordFaultRow } from "./support/fault-table.ts";
import { scratchDir } from "./support/scratch.ts";

const SPY = ["/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so", "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so"].find((p) => existsSync(p));
const dir = scratchDir("wrong-pin-");
const spyLog = join(dir, "pkcs11-spy.log");
let env: RehearsalEnvironment;

beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "pins" }], { parentDir: dir });
});
afterAll(async () => {
  await env.cleanup();
  // The spy logs PIN bytes; it lives only as long as this test.
  rmSync(dir, { recursive: true, force: true });
});

/** C_Login calls in the spy's log, with their return codes. */
function logins(): string[] {
  if (!existsSync(spyLog)) return [];
  const log = readFileSync(spyLog, "latin1");
  return [...log.matchAll(/^\d+: C_Login\n[\s\S]*?Returned:\s+\d+ (CKR_\w+)/gm)].map((m) => m[1]!);
}

test.runIf(SPY !== undefined)("a wrong PIN shows the retry state and costs exactly one try; nothing is retried without a PIN typed", async () => {
  const journal = Journal.open(join(dir, "journal.db"));
  const token = env.tokens[0]!;
  const openHsm = (): Promise<HsmClient> =>
    HsmClient.open({ modulePath: SPY!, env: { ...env.env, PKCS11SPY: SOFTHSM2_MODULE, PKCS11SPY_OUTPUT: spyLog } });
  const script = loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml");
  const cast = rehearsalCast(5);
  const runner: CeremonyRunner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm,
    token: { label: token.label, serial: token.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  const typed = ["123456", "rehearsal-user-1235", "Rehearsal-User-1234"];
  const errors: HsmError[] = [];
  try {
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, stopAfterSteps: 1 });
    const officer = runner.state().participants.find((p) => p.role === "crypto-officer")!;
    const loginStep = runner.state().currentStep!;
    expect(script.steps[loginStep]!.action.type).toBe("hsm.login");

    for (const [i, wrong] of typed.entries()) {
      const pin = Buffer.from(wrong);
      errors.push((await runner.runAction(officer.id, { hsmPin: pin }).catch((e: unknown) => e)) as HsmError);
      expect(pin.every((b) => b === 0), "the typed PIN is wiped").toBe(true);
      expect(logins(), `after wrong PIN ${i + 1}`).toEqual(typed.slice(0, i + 1).map(() => "CKR_PIN_INCORRECT"));
      // Asking again for the step without a PIN does not touch the token.
      await expect(runner.runAction(officer.id, {})).rejects.toMatchObject({ code: "HSM_LOGIN_REQUIRED" });
      expect(logins()).toHaveLength(i + 1);
      expect(runner.needsOf(loginStep)).toContain("hsm-pin");
    }
    for (const e of errors) {
      expect(e.code).toBe("CKR_PIN_INCORRECT");
      expect(e.message).toMatch(/Nothing was retried/);
      // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a wrong try; the officer is told.
      expect(e.message).toContain("The token reports that few attempts remain before it locks.");
    }
    const failed = journal.events(runner.ceremonyId).filter((e) => e.type === "action.failed");
    expect(failed.map((e) => (e.body.error as { code: string }).code)).toEqual(["CKR_PIN_INCORRECT", "HSM_LOGIN_REQUIRED", "CKR_PIN_INCORRECT", "HSM_LOGIN_REQUIRED", "CKR_PIN_INCORRECT", "HSM_LOGIN_REQUIRED"]);
    const journalText = JSON.stringify(journal.events(runner.ceremonyId));
    for (const wrong of [...typed, token.userPin]) expect(journalText).not.toContain(wrong);

    // The right PIN: one more try, and the token's warning clears.
    await runner.runAction(officer.id, { hsmPin: Buffer.from(token.userPin) });
    expect(logins()).toEqual(["CKR_PIN_INCORRECT", "CKR_PIN_INCORRECT", "CKR_PIN_INCORRECT", "CKR_OK"]);
    expect((await runner.hsmClient()!.call("tokenInfo")).flags).toMatchObject({ userPinCountLow: false, userPinLocked: false });

    // The session is lost (a restart, a replug): the next HSM step and finishing ask for the PIN and try nothing.
    for (const w of runner.state().participants.filter((p) => p.role === "internal-witness")) {
      const person = cast.find((c) => c.name === w.name)!;
      runner.attest(w.id, Buffer.from(person.attestationPin), script.steps[loginStep]!.checklist);
    }
    await runner.close();
    await expect(runner.runAction(officer.id, {})).rejects.toMatchObject({ code: "HSM_LOGIN_REQUIRED" });
    const witness = runner.state().participants.find((p) => p.role === "internal-witness")!;
    runner.abort(officer.id, "wrong-PIN drill over", { participantId: witness.id, pin: Buffer.from(cast.find((c) => c.name === witness.name)!.attestationPin) });
    await expect(finishCeremony(runner, { outDir: join(dir, "bundle") })).rejects.toMatchObject({ code: "HSM_LOGIN_REQUIRED" });
    expect(logins()).toHaveLength(4);
  } finally {
    await runner.close();
    journal.close();
  }
  Journal.open(join(dir, "journal.db")).close();

  recordFaultRow({
    faultClass: "wrong HSM PIN typed",
    tried: typed.length,
    survived: errors.filter((e) => e.code === "CKR_PIN_INCORRECT").length,
    lost: [],
    coverage: `${typed.length} wrong + 1 right PIN typed = 4 C_Login calls (pkcs11-spy); 4 step retries and a finish without a PIN made none`,
  });
});

test("SoftHSM2 never locks a user PIN: after 12 wrong tries the right one still logs in", async () => {
  const client = await HsmClient.open({ modulePath: SOFTHSM2_MODULE, env: env.env });
  try {
    await client.call("openToken", { label: "pins" });
    for (let i = 0; i < 12; i++) await expect(client.login("user", Buffer.from(`wrong-${i}`))).rejects.toMatchObject({ code: "CKR_PIN_INCORRECT" });
    const flags = (await client.call("tokenInfo")).flags;
    expect(flags).toMatchObject({ userPinCountLow: true, userPinFinalTry: false, userPinLocked: false });
    await client.login("user", Buffer.from(env.tokens[0]!.userPin));
  } finally {
    await client.close();
  }
});
