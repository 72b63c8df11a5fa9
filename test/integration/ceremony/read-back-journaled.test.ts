/**
 * The read-back board is the journal's: each holder's matching card is journaled as it is read
 * back (share.read-back, never a word), so after a restart the board shows exactly those cards,
 * the step's action counts them without the words being typed again, and a card that does not
 * match is refused without being recorded.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { ceremonyView } from "../../../src/api/views.ts";
import { scanCardQr } from "../../../src/ceremony/card-scanner.ts";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner, type RunnerOptions } from "../../../src/ceremony/runner.ts";
import { eventsOfType, lastEventOfType } from "../../../src/events/index.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";

let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

test("read-back survives a restart: journaled card by card, counted by the step, no words recorded", async () => {
  env = await createRehearsalEnvironment([{ label: "read-back" }]);
  const token = env.tokens[0]!;
  const dir = await mkdtemp(join(tmpdir(), "read-back-"));
  const path = join(dir, "journal.db");
  let journal = Journal.open(path);
  const sink = new RehearsalCardSink(join(dir, "cards"));
  const script = loadScript(await readFile("ceremony-scripts/master-key.yaml", "utf8"), "master-key.yaml");
  const options = (j: Journal): RunnerOptions => ({
    journal: j,
    credentials: j.credentials,
    openHsm: () => HsmClient.open({ modulePath: env!.modulePath, env: env!.env }),
    token: { label: token.label, serial: token.serial },
    cards: sink,
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  let runner = CeremonyRunner.start(script, options(journal));
  const readBackStep = script.steps.findIndex((s) => s.action.type === "escrow.read-back");
  await driveCeremony(runner, { participants: rehearsalCast(5), hsmPin: token.userPin, stopAfterSteps: readBackStep });
  const split = lastEventOfType(runner.events(), "escrow.split")!.body;
  const printed = await sink.cardsOf(split.setId);
  const textOf = async (card: number): Promise<string> => scanCardQr(printed.find((c) => c.card === card)!.path);
  const [first, second, ...rest] = split.cards;

  // Two holders read back; a third types another holder's card, which is refused and not recorded.
  expect(runner.recordCardReadBack(first!.participantId, await textOf(first!.card))).toEqual({ card: first!.card });
  expect(runner.recordCardReadBack(second!.participantId, await textOf(second!.card))).toEqual({ card: second!.card });
  expect(() => runner.recordCardReadBack(rest[0]!.participantId, "")).toThrow();
  const wrongCard = await textOf(first!.card);
  expect(() => runner.recordCardReadBack(rest[0]!.participantId, wrongCard)).toThrow(/That is card 1/);
  // Reading the same card again records nothing new.
  runner.recordCardReadBack(first!.participantId, await textOf(first!.card));
  expect(eventsOfType(runner.events(), "share.read-back").map((e) => e.body.card)).toEqual([first!.card, second!.card]);

  // Restart: a new process opens the journal and resumes; the board is what the journal holds.
  await runner.close();
  journal.close();
  journal = Journal.open(path);
  runner = CeremonyRunner.resume(runner.ceremonyId, options(journal));
  const board = ceremonyView(runner, { running: false, previews: new Set(), bundleDir: null, outDir: join(dir, "bundle"), finishError: null }).shareBoard;
  expect(board.map((c) => [c.card, c.verified])).toEqual(split.cards.map((c) => [c.card, c.card === first!.card || c.card === second!.card]));

  // The others read back after the restart; the step runs with no words at all.
  for (const c of rest) runner.recordCardReadBack(c.participantId, await textOf(c.card));
  const officer = runner.state().participants.find((p) => p.role === script.steps[readBackStep]!.performer)!;
  await runner.runAction(officer.id, { shares: [] });
  expect(eventsOfType(runner.events(), "share.verified").map((e) => e.body.card).sort()).toEqual(split.cards.map((c) => c.card).sort());

  // No card's words are in the journal: no three consecutive words of any card appear (single
  // BIP-39 words such as "system" or "kind" are ordinary English and appear in field names).
  const cards = await Promise.all(split.cards.map((c) => textOf(c.card)));
  const windows = cards.flatMap((t) => {
    const w = t.replace(/^CWS1:/, "").toLowerCase().split(/\s+/);
    return w.slice(0, -2).map((_, i) => w.slice(i, i + 3).join(" "));
  });
  const recorded = JSON.stringify(runner.events()).toLowerCase().replace(/[^a-z]+/g, " ");
  expect(windows.length).toBeGreaterThan(100);
  expect(windows.filter((w) => recorded.includes(w))).toEqual([]);
  await runner.close();
  journal.close();
}, 600_000);
