/**
 * Voiding a card set is explicit: the printer (a stand-in `lp` that keeps what it prints) jams on
 * card 2. The step fails with card 1 already in Hana's hands. Running it again is refused until
 * the old set is voided: the refusal names the set and card 1, and two of the step's witnesses
 * attest with their PINs that it was collected for destruction. Only then is a new set, with a
 * new set ID, printed; the journal, the transcript, the witness sheet, the transcript summary and
 * verify all name the void set, its delivered card and the witnesses.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { PrinterCardSink } from "../../../src/ceremony/card-sinks.ts";
import { verifyCommand } from "../../../src/cli/verify-command.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { formatSetId } from "../../../src/common/index.ts";
import { buildEvidenceReport } from "../../../src/evidence/index.ts";
import { eventsOfType, lastEventOfType } from "../../../src/events/index.ts";
import { deliveredEscrowSets } from "../../../src/events/key-copies.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyArchive } from "../../../src/transcript/index.ts";
import { JAM_MESSAGE, jammingPrinter } from "../../helpers/jamming-printer.ts";

const run = promisify(execFile);
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

test("a printer jam on card 2: the old set is named with card 1, voided under dual control, then a new set is printed", async () => {
  env = await createRehearsalEnvironment([{ label: "jam" }]);
  const token = env.tokens[0]!;
  const dir = await mkdtemp(join(tmpdir(), "card-void-"));
  const printer = await jammingPrinter(2);
  const path = process.env.PATH;
  process.env.PATH = printer.path;
  const journal = Journal.open(join(dir, "journal.db"));
  const script = loadScript(await readFile("ceremony-scripts/master-key.yaml", "utf8"), "master-key.yaml");
  const cast = rehearsalCast(5);
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open({ modulePath: env!.modulePath, env: env!.env }),
    token: { label: token.label, serial: token.serial },
    cards: new PrinterCardSink("ceremony-printer"),
    rehearsal: true,
    pinHashCost: "scripted", // the test's PINs are in its code: a costly hash protects nothing
  });
  try {
    const escrow = script.steps.findIndex((s) => s.action.type === "escrow.split");
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, stopAfterSteps: escrow });
    const people = runner.state().participants;
    const byName = (name: string) => people.find((p) => p.name === name)!;
    const pinOf = (name: string) => Buffer.from(cast.find((c) => c.name === name)!.attestationPin);
    const officer = people.find((p) => p.role === "crypto-officer")!;

    // The jam: card 1 came out for Hana, card 2 jammed.
    await expect(runner.runAction(officer.id)).rejects.toMatchObject({ code: "PRINTER_FAILED", message: `The printer refused card 2: ${JAM_MESSAGE}. Check the printer and retry the step.` });
    const oldSet = lastEventOfType(runner.events(), "escrow.split")!.body;
    expect(eventsOfType(runner.events(), "escrow.card.delivered").map((e) => e.body)).toEqual([
      { keyLabel: "KEK-01", setId: oldSet.setId, card: 1, participantId: byName("Hana Holder").id, destination: "printer ceremony-printer" },
    ]);
    const hanaCard = oldSet.cards.find((c) => c.card === 1)!;

    // Retry is refused until the set is void; the refusal names the set and the card, and records nothing.
    const before = runner.events().length;
    const refusal = (await runner.runAction(officer.id).then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(refusal.code).toBe("CARD_SET_NOT_VOIDED");
    expect(refusal.message).toContain(`Card set ${formatSetId(oldSet.setId)} of KEK-01 is VOID`);
    expect(refusal.message).toContain("card 1, held by Hana Holder (share fingerprint");
    expect(runner.events()).toHaveLength(before);
    expect(runner.cardSetToVoid(escrow)).toMatchObject({ setId: oldSet.setId, delivered: [1], voidAttesters: [] });

    // Only the step's witnesses attest, each once, with their own PIN; two are needed.
    expect(() => runner.attestCardSetVoid(byName("Hana Holder").id, pinOf("Hana Holder"))).toThrow(/attested by the step's witnesses/);
    expect(() => runner.attestCardSetVoid(byName("Wen Witness").id, Buffer.from("not-her-pin"))).toThrow(/That is not Wen Witness's attestation PIN/);
    expect(runner.attestCardSetVoid(byName("Wen Witness").id, pinOf("Wen Witness"))).toEqual({ voided: false });
    expect(() => runner.attestCardSetVoid(byName("Wen Witness").id, pinOf("Wen Witness"))).toThrow(/already attested/);
    await expect(runner.runAction(officer.id)).rejects.toMatchObject({ code: "CARD_SET_NOT_VOIDED" });
    expect(runner.attestCardSetVoid(byName("Xu Witness").id, pinOf("Xu Witness"))).toEqual({ voided: true });
    expect(lastEventOfType(runner.events(), "escrow.set.voided")!.body).toEqual({
      keyLabel: "KEK-01",
      setId: oldSet.setId,
      deliveredCards: [{ card: 1, participantId: byName("Hana Holder").id, fingerprint: hanaCard.fingerprint }],
      attesters: [byName("Wen Witness").id, byName("Xu Witness").id],
    });
    expect(runner.cardSetToVoid(escrow)).toBeNull();
    // The key inventory no longer counts Hana's void card (nor the wrapped key printed on it) as a copy of the key.
    const oldCopies = () => journal.listKeysWithCopies().flatMap((k) => k.copies).filter((c) => c.kind !== "token" && c.setId.toLowerCase() === oldSet.setId.toLowerCase());
    expect(oldCopies().map((c) => [c.kind, c.status])).toEqual([
      ["card", "collected-and-destroyed"],
      ["wrapped-key", "collected-and-destroyed"],
    ]);

    // Now the new set: a new set ID, five cards printed after the jammed job.
    await runner.runAction(officer.id);
    const newSet = lastEventOfType(runner.events(), "escrow.split")!.body;
    expect(newSet.setId).not.toBe(oldSet.setId);
    const printed = await printer.cards();
    expect(printed.map((c) => [c.job, c.card, c.setId])).toEqual([
      [1, 1, oldSet.setId],
      ...[1, 2, 3, 4, 5].map((card) => [card + 2, card, newSet.setId]),
    ]);
    expect((await printer.jobs()).filter((j) => j.jammed).map((j) => j.job)).toEqual([2]);

    // The rest of the ceremony reads back the new set's cards, as the holders were given them.
    const cardOf = new Map(newSet.cards.map((c) => [c.participantId, printed.find((p) => p.setId === newSet.setId && p.card === c.card)!.text]));
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, readCard: async (h) => cardOf.get(h.id)! });
    const out = join(dir, "bundle");
    await finishCeremony(runner, { outDir: out });

    const report = await verifyArchive([out], { extraChecks: [scriptRecheck] });
    expect(report.bundles[0]!.failures).toEqual([]);
    expect(report.bundles[0]!.voidedCardSets).toEqual([{ keyLabel: "KEK-01", setId: oldSet.setId, cards: [{ card: 1, holder: "Hana Holder" }], attesters: ["Wen Witness", "Xu Witness"] }]);
    // A destruction ceremony reading this bundle finds the new set's five cards, not the void one.
    const sets = deliveredEscrowSets(transcriptEvents(JSON.parse(await readFile(join(out, "transcript.json"), "utf8"))));
    expect(sets.map((x) => [x.setId, x.cards.length])).toEqual([[newSet.setId.toLowerCase(), 5]]);
    expect(oldCopies().every((c) => c.status === "collected-and-destroyed")).toBe(true);
    // The evidence report judges the set made after the void, never the void one.
    const evidence = JSON.stringify(await buildEvidenceReport([out]));
    expect(evidence).not.toContain(formatSetId(oldSet.setId));
    expect(evidence).toContain(formatSetId(newSet.setId));
    expect(evidence).not.toMatch(/never read back|no trial recovery/);
    // ceremony verify prints it above its verdict.
    const verifyLines: string[] = [];
    await verifyCommand({ out: (l) => verifyLines.push(l), err: (l) => verifyLines.push(l) }, [out]);
    expect(verifyLines).toContain(`void set   ${formatSetId(oldSet.setId)} of KEK-01: card 1 (Hana Holder) collected for destruction, attested by Wen Witness and Xu Witness`);
    const transcript = JSON.parse(await readFile(join(out, "transcript.json"), "utf8")) as { events: Array<{ type: string }> };
    expect(transcript.events.filter((e) => e.type === "escrow.set.voided")).toHaveLength(1);

    const text = async (pdf: string) => (await run("pdftotext", ["-layout", join(out, "sheets", pdf), "-"])).stdout;
    const sheet = await text("witness-sheet.pdf");
    const summary = await text("transcript-summary.pdf");
    for (const page of [sheet, summary]) {
      expect(page).toContain("Voided card sets");
      expect(page).toMatch(new RegExp(`${formatSetId(oldSet.setId)}\\s+KEK-01\\s+1\\s+Hana Holder`));
      expect(page).toContain("Wen Witness, Xu Witness");
    }
    expect(sheet).toMatch(/VOID SET\s+KEY\s+CARD\s+HELD BY\s+FINGERPRINT\s+ATTESTED COLLECTED BY\s+DESTROYED\n/);
    expect(summary).toMatch(/VOID SET\s+KEY\s+CARD\s+HELD BY\s+FINGERPRINT\s+ATTESTED COLLECTED BY\n/);
  } finally {
    process.env.PATH = path;
    await runner.close();
    journal.close();
  }
}, 300_000);

function transcriptEvents(t: { ceremony: { id: string }; events: Array<{ type: string; time: string; body: unknown }> }) {
  return t.events.map((e) => ({ ...e, ceremonyId: t.ceremony.id }));
}
