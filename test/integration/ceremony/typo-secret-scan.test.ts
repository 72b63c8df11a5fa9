/**
 * The typo paths of a read-back — a near-miss word, two words swapped, another holder's card —
 * show the person at the keyboard a precise hint (which may name the card's words), while the
 * journal, the transcript and every bundle file keep only a message without any word. And the
 * journal itself refuses an event that quotes a word being typed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { scanCardQr } from "../../../src/ceremony/card-scanner.ts";
import { RehearsalCardSink } from "../../../src/ceremony/card-sinks.ts";
import { finishCeremony } from "../../../src/ceremony/finish.ts";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast } from "../../../src/ceremony/rehearsal.ts";
import { driveCeremony } from "../../../src/ceremony/rehearsal-driver.ts";
import { CeremonyRunner } from "../../../src/ceremony/runner.ts";
import { lookupWord, suggestWords } from "../../../src/escrow/wordlist.ts";
import { createRehearsalEnvironment, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal, JournalSecretRefusedError } from "../../../src/journal/index.ts";
import { filesUnder, recordText } from "../../helpers/record-text.ts";

let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

/**
 * Lower-case words the app itself writes as JSON string values ("at": "start" in airgap.checked):
 * every quoted lower-case literal in its sources. A suggestion that is one of them is not looked
 * for in its bare "word" form (it would be found in the app's own vocabulary, whatever the card
 * said); its 'word' and \"word\" forms, which a hint or a quoted typed text would leave, still are.
 */
function appVocabulary(): Set<string> {
  const src = join(import.meta.dirname, "../../../src");
  const words = new Set<string>();
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    for (const m of readFileSync(join(entry.parentPath, entry.name), "utf8").matchAll(/"([a-z]+)"/g)) words.add(m[1]!);
  }
  return words;
}

/** A token one letter away from `word` that is neither a word nor a word's prefix, with suggestions. */
function nearMiss(word: string): string {
  for (let i = word.length - 1; i >= 1; i--) {
    for (const c of "zqxjkv") {
      const typo = word.slice(0, i) + c + word.slice(i + 1);
      if (lookupWord(typo) === undefined && suggestWords(typo).includes(word)) return typo;
    }
  }
  throw new Error(`no near miss found for ${word}`);
}

test("typo paths at read-back: the hint is shown, never journaled, and the journal refuses a quoted typed word", async () => {
  env = await createRehearsalEnvironment([{ label: "typo" }]);
  const token = env.tokens[0]!;
  const dir = await mkdtemp(join(tmpdir(), "typo-scan-"));
  const journal = Journal.open(join(dir, "journal.db"));
  const sink = new RehearsalCardSink(join(dir, "cards"));
  const script = loadScript(await readFile("ceremony-scripts/master-key.yaml", "utf8"), "master-key.yaml");
  const runner = CeremonyRunner.start(script, {
    journal,
    credentials: journal.credentials,
    openHsm: () => HsmClient.open({ modulePath: env!.modulePath, env: env!.env }),
    token: { label: token.label, serial: token.serial },
    cards: sink,
    rehearsal: true,
  });
  const cast = rehearsalCast(5);
  const readBack = script.steps.findIndex((s) => s.action.type === "escrow.read-back");
  try {
    await driveCeremony(runner, { participants: cast, hsmPin: token.userPin, stopAfterSteps: readBack });
    expect(runner.state().currentStep).toBe(readBack);
    const split = runner.events().findLast((e) => e.type === "escrow.split")!.body as { setId: string; cards: Array<{ card: number; participantId: string }> };
    const printed = await sink.cardsOf(split.setId);
    const holders = runner.state().participants.filter((p) => p.role === "share-holder");
    const cardOf = async (holderId: string): Promise<string[]> => {
      const card = split.cards.find((c) => c.participantId === holderId)!;
      const text = await scanCardQr(printed.find((c) => c.card === card.card)!.path);
      return text.replace(/^CWS1:/, "").toLowerCase().split(/\s+/);
    };
    const words = await Promise.all(holders.map((h) => cardOf(h.id)));
    const officer = runner.state().participants.find((p) => p.role === script.steps[readBack]!.performer)!;
    const typo = nearMiss(words[0]![19]!);
    const swapped = [...words[1]!];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    const attempts: Array<{ texts: string[][]; shown: RegExp; recorded: RegExp }> = [
      { texts: words.map((w, i) => (i === 0 ? w.map((x, j) => (j === 19 ? typo : x)) : w)), shown: new RegExp(`word 20 '${typo}' is not in the word list; did you mean .*'${words[0]![19]}'`), recorded: /word 20 is not in the word list\. Read word 20 again/ },
      { texts: words.map((w, i) => (i === 1 ? swapped : w)), shown: /words 6 and 7 look swapped/, recorded: /words 6 and 7 look swapped/ },
      { texts: words.map((w, i) => (i === 2 ? words[3]! : w)), shown: /That is card \d \(.+'s\), not .+'s card \d/, recorded: /That is card \d/ },
    ];
    for (const a of attempts) {
      const error = await runner
        .runAction(officer.id, { shares: holders.map((h, i) => ({ participantId: h.id, text: a.texts[i]!.join(" ") })) })
        .then(() => null, (e: Error) => e);
      expect(error?.message).toMatch(a.shown);
      const failed = runner.events().findLast((e) => e.type === "action.failed")!.body as { error: { message: string } };
      expect(failed.error.message).toMatch(a.recorded);
      expect(failed.error.message).not.toMatch(/'[a-z]+'/);
    }

    // The guard: while a card is typed, an event quoting one of its words is refused.
    const release = journal.guardWords(words[0]!);
    expect(() => journal.append(runner.ceremonyId, "system", "ceremony.aborted", { reason: `the card says '${words[0]![3]}'` })).toThrow(JournalSecretRefusedError);
    release();

    // The right cards: the rest of the ceremony runs and the bundle is written.
    await driveCeremony(runner, {
      participants: cast,
      hsmPin: token.userPin,
      readCard: async (h) => (await cardOf(h.id)).join(" "),
    });
    const out = join(dir, "bundle");
    await finishCeremony(runner, { outDir: out });

    // Nothing recorded names a typed word or a suggestion: journal files and every bundle file
    // but the REHEARSAL cards under print/.
    const vocabulary = appVocabulary();
    expect(vocabulary.has("start")).toBe(true);
    const needles = [typo, ...suggestWords(typo)].flatMap((w) => [`'${w}'`, `\\"${w}\\"`, ...(vocabulary.has(w) ? [] : [`"${w}"`])]);
    const recordFiles = [...filesUnder(dir).filter((p) => p.includes("journal.db")), ...filesUnder(out).filter((p) => !p.includes("/print/"))];
    expect(recordFiles.some((p) => p.endsWith("transcript.json"))).toBe(true);
    for (const file of recordFiles) {
      const text = recordText(file);
      for (const n of needles) expect(text.includes(n), `${n} found in ${file}`).toBe(false);
      expect(text.includes(typo), `the typed near miss "${typo}" found in ${file}`).toBe(false);
    }
  } finally {
    await runner.close();
    journal.close();
  }
}, 180_000);
