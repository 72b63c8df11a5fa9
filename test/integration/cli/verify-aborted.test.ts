/**
 * `ceremony verify` of an aborted ceremony's bundle, through the real CLI: genuine but aborted is
 * never plainly VERIFIED. Anchored it says "VERIFIED — ABORTED CEREMONY" with the reason and exit
 * 4; without an anchor "VERIFIED — ABORTED CEREMONY, NOT ANCHORED", exit 5 (README, "Verifying a
 * bundle"). The bundle is a root-CA ceremony on a SoftHSM2 token, aborted under dual control.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { DEFAULT_REHEARSAL_PINS, HsmClient } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { runCeremony } from "../../helpers/demo-bundles.ts";
import { clientOptions, createTestToken, type TestTokenEnvironment } from "../../helpers/rehearsal-hsm.ts";

const REASON = "The HSM's tamper seal number does not match the inventory sheet";
let env: TestTokenEnvironment | undefined;
let journal: Journal | undefined;
let bundle: string;
let signer: string;

beforeAll(async () => {
  env = await createTestToken("SoftHSM2", ["aborted"]);
  const dir = await mkdtemp(join(tmpdir(), "verify-aborted-"));
  journal = Journal.open(join(dir, "journal.db"));
  const runner = CeremonyRunner.start(loadScript(await readFile("ceremony-scripts/root-ca.yaml", "utf8"), "root-ca.yaml"), {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open(clientOptions(env!)),
    token: { label: "aborted", serial: env.tokens[0]!.serial },
    cards: new RehearsalCardSink(join(dir, "cards")),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  const cast = rehearsalCast(0);
  try {
    await driveCeremony(runner, { participants: cast, hsmPin: DEFAULT_REHEARSAL_PINS.userPin, stopAfterSteps: 2 });
    const people = runner.state().participants;
    const admin = people.find((p) => p.role === "ceremony-administrator")!;
    const witness = people.find((p) => p.role === "internal-witness")!;
    runner.abort(admin.id, REASON, { participantId: witness.id, pin: Buffer.from(cast.find((c) => c.name === witness.name)!.attestationPin) });
    bundle = join(dir, "bundle");
    const finished = await finishCeremony(runner, { outDir: bundle, hsmPin: Buffer.from(DEFAULT_REHEARSAL_PINS.userPin) });
    expect(finished.status).toBe("aborted");
    signer = join(bundle, "signer.pub.pem");
  } finally {
    await runner.close();
  }
}, 600_000);

afterAll(async () => {
  journal?.close();
  await env?.cleanup();
});

test("anchored: VERIFIED — ABORTED CEREMONY with the reason, exit 4", async () => {
  const r = await runCeremony(["verify", bundle, "--signer", signer]);
  expect(r.code, r.err).toBe(4);
  expect(r.out).toMatch(/^ceremony {3}root-ca-\S+ — Root CA key generation \(aborted, REHEARSAL on a throwaway token\)$/m);
  expect(r.out).toContain(`VERIFIED — ABORTED CEREMONY: ${bundle} — The record is genuine, but the ceremony was aborted (${REASON}): nothing it made is to be used`);
  expect(r.out).not.toMatch(/^VERIFIED:/m);
  expect(r.err).toBe("");
});

test("not anchored: VERIFIED — ABORTED CEREMONY, NOT ANCHORED, exit 5, with the fingerprint to compare", async () => {
  const r = await runCeremony(["verify", bundle]);
  expect(r.code, r.err).toBe(5);
  expect(r.out).toContain(`VERIFIED — ABORTED CEREMONY, NOT ANCHORED: ${bundle} — The record is genuine, but the ceremony was aborted (${REASON})`);
  expect(r.out).toMatch(/^signer {5}([0-9A-F]{4} ){15}[0-9A-F]{4}$/m);
  expect(r.out).toContain("Compare the signer fingerprint above with the one on the witness sheet");
});

test("--json gives the verdict and the exit status the online system imports", async () => {
  const r = await runCeremony(["verify", bundle, "--signer", signer, "--json"]);
  expect(r.code).toBe(4);
  const report = JSON.parse(r.out) as { exitStatus: number; bundles: Array<{ verdict: string; status: string; abortReason: string }>; summary: { aborted: number } };
  expect(report).toMatchObject({ exitStatus: 4, summary: { aborted: 1 } });
  expect(report.bundles[0]).toMatchObject({ verdict: "verified-aborted", status: "aborted", abortReason: REASON });
});
