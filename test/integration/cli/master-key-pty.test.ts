/**
 * A master-key ceremony typed at a real pseudo-terminal with a printer that jams on card 2:
 *
 *  - the escrow step fails with card 1 already delivered to Hana; "retry" names the void
 *    set and card 1, both witnesses attest with their PINs that it was collected, and only then is
 *    a new set (new set ID) printed;
 *  - every holder reads back their card in private: the words are never echoed, a near miss, two
 *    swapped words, another holder's card and the void card each show the holder a hint (which may
 *    quote the card's words) and are typed again; the screen and its scrollback are cleared after
 *    each card entered, with a notice;
 *  - the trial recovery meets the void card and a wrong word at entry, each shown and cleared.
 *
 * Then: no PIN and no run of card words anywhere in what the terminal received; no quoted card word
 * after the last clear; never two holders' cards on one screen; and no typed word, near miss or
 * suggestion in the journal, the transcript or any file of the bundle.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { formatSetId } from "../../../src/common/index.ts";
import { lookupWord, suggestWords, WORDS } from "../../../src/escrow/wordlist.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { jammingPrinter } from "../../helpers/jamming-printer.ts";
import { type PromptRule, PtySession } from "../../helpers/pty-session.ts";
import { filesUnder, recordText } from "../../helpers/record-text.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const CLEAR = "\x1b[H\x1b[2J\x1b[3J";
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

const PEOPLE = [
  { name: "Ada", role: "1", org: "Security Ops", pin: "ada-attest-1" },
  { name: "Cy", role: "2", org: "Security Ops", pin: "cy-attest-22" },
  { name: "Wen", role: "3", org: "Internal Audit", pin: "wen-attest-3" },
  { name: "Xu", role: "3", org: "Risk", pin: "xu-attest-44" },
  ...["Hana", "Ivo", "Jun", "Kai", "Lea"].map((name, i) => ({ name, role: "4", org: i % 2 ? "Finance" : "Engineering", pin: `${name.toLowerCase()}-holder-${i + 1}` })),
];
const HOLDERS = ["Hana", "Ivo", "Jun", "Kai", "Lea"];
const TRIAL = ["Hana", "Jun", "Lea"];

/** A token one letter off `word` that is neither a list word nor a prefix of one, for which the checker suggests `word`. */
function nearMiss(word: string): string | null {
  for (let i = word.length - 1; i >= 1; i--) {
    for (const c of "zqxjkv") {
      const typo = word.slice(0, i) + c + word.slice(i + 1);
      if (typo !== word && lookupWord(typo) === undefined && suggestWords(typo).includes(word)) return typo;
    }
  }
  return null;
}

test("master key in a pseudo-terminal: a jam voids the set under dual control; read-back and trial recovery never echo or record a word", async () => {
  env = await createRehearsalEnvironment([{ label: "mk-pty" }]);
  const dir = await mkdtemp(join(tmpdir(), "mk-pty-"));
  const script = join(dir, "master-key.yaml");
  // This test machine is connected: the copy of the script allows a witnessed override.
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/master-key.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const printer = await jammingPrinter(2);
  const out = join(dir, "bundle");
  const journalPath = join(dir, "journal.db");
  const pty = new PtySession(
    ["run", script, "--module", env.modulePath, "--token", "mk-pty", "--out", out, "--journal", journalPath],
    { ...env.env, PATH: printer.path },
  );

  // The cards as the holders hold them, read off the printer's output once the new set is out.
  let cards: Map<string, string[]> | null = null;
  let voidCard: string[] = [];
  let voidSetId = "";
  const wordsOf = (text: string) => text.replace(/^CWS1:/, "").toLowerCase().split(/\s+/);
  const holderCards = async (): Promise<Map<string, string[]>> => {
    if (cards) return cards;
    const printed = await printer.cards();
    const newSetId = printed.at(-1)!.setId;
    const old = printed.filter((c) => c.setId !== newSetId);
    expect(old.map((c) => c.card)).toEqual([1]);
    voidSetId = old[0]!.setId;
    voidCard = wordsOf(old[0]!.text);
    cards = new Map(printed.filter((c) => c.setId === newSetId).map((c) => [HOLDERS[c.card - 1]!, wordsOf(c.text)]));
    return cards;
  };
  const typed: string[] = [];
  let nearMissToken = "";
  let substituted = { word: "", real: "" };
  const readBackAttempts = new Map<string, Array<(w: string[], all: Map<string, string[]>) => string>>([
    ["Hana", [(w) => {
      const i = w.findIndex((x, j) => j >= 2 && nearMiss(x) !== null);
      nearMissToken = nearMiss(w[i]!)!;
      return w.map((x, j) => (j === i ? nearMissToken : x)).join(" ");
    }, (w) => w.join(" ")]],
    ["Ivo", [(w) => { const s = [...w]; [s[5], s[6]] = [s[6]!, s[5]!]; return s.join(" "); }, (w) => w.join(" ")]],
    ["Jun", [(_, all) => all.get("Kai")!.join(" "), (w) => w.join(" ")]],
    ["Kai", [() => voidCard.join(" "), (w) => w.join(" ")]],
    // A scanner types the QR form.
    ["Lea", [(w) => `CWS1:${w.join(" ").toUpperCase()}`]],
  ]);
  const trialAttempts = new Map<string, Array<(w: string[]) => string>>([
    ["Hana", [() => voidCard.join(" "), (w) => w.join(" ")]],
    ["Jun", [(w) => {
      // A real list word where the card has another: the checksum names the word and what the card may say.
      const i = 12;
      const other = WORDS.find((x) => x !== w[i] && !w.includes(x))!;
      substituted = { word: other, real: w[i]! };
      return w.map((x, j) => (j === i ? other : x)).join(" ");
    }, (w) => w.join(" ")]],
    ["Lea", [(w) => w.join(" ")]],
  ]);

  let signingIn: (typeof PEOPLE)[number] | undefined;
  let currentStep = 0;
  let overrides = 0;
  const hsmPins = [DEFAULT_REHEARSAL_PINS.userPin];
  const pinOf = (name: string) => PEOPLE.find((p) => p.name === name)!.pin;
  const queue = [...PEOPLE];
  const rules: PromptRule[] = [
    [/━━ Step (\d+) of \d+: /, (m) => ((currentStep = Number(m[1])), null)],
    [/Participant name \(empty when everyone has signed in\): /, () => ((signingIn = queue.shift()), signingIn?.name ?? "")],
    [/Role \([^)]*\): /, () => signingIn!.role],
    [/Organisation: /, () => signingIn!.org],
    [/choose an attestation PIN \(6\+ characters\): \(not shown\) /, () => signingIn!.pin],
    [/Type it again: \(not shown\) /, () => signingIn!.pin],
    [/Witness attesting the override \[1-2\]: /, () => String(++overrides)],
    [/(?:Witness attesting this step|Witness confirming what (?:the HSM|this step) will do|Witness attesting the collected cards) \[1-\d\]: /, () => "1"],
    [/Does (\w+) enter a card now\? \[y\/n\] /, (m) => (TRIAL.includes(m[1]!) ? "y" : "n")],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => pinOf(m[1]!)],
    [/HSM PIN \(typed once; never retried\): \(not shown\) /, () => hsmPins.shift()!],
    [/Type "retry" to run the step again, or "abort" to stop the ceremony: /, () => "retry"],
    [/(\w+)'s card \(empty to leave it for now\): \(not shown\) /, async (m) => {
      const all = await holderCards();
      const words = all.get(m[1]!)!;
      const attempts = (currentStep === 6 ? readBackAttempts : trialAttempts).get(m[1]!)!;
      const text = attempts.length > 1 ? attempts.shift()!(words, all) : attempts[0]!(words, all);
      typed.push(text);
      return text;
    }],
  ];
  try {
    expect(await pty.answerUntil(rules, /COMPLETED\. Bundle/, 300_000), pty.screen.slice(-3000)).toBe(0);
  } finally {
    pty.kill();
  }
  const screen = pty.screen;
  // Long messages wrap at 100 columns: the sentences as one line, for matching them.
  const flat = screen.replace(/\r?\n */g, " ");
  const all = [...(await holderCards()).values(), voidCard];

  // The jam, the void under dual control, then the new set.
  expect(flat).toMatch(/FAILED: The printer refused card 2: lp: Error - printer jammed[^\r\n]*\[PRINTER_FAILED\]/);
  const notice = flat.indexOf(`Card set ${formatSetId(voidSetId)} of KEK-01 is VOID`);
  expect(notice).toBeGreaterThan(-1);
  expect(flat.slice(notice)).toMatch(/card 1, held by Hana \(share fingerprint [0-9A-F ]+…\)/);
  const voided = flat.indexOf(`Card set ${formatSetId(voidSetId)} is void. The step now makes a new set.`);
  expect(voided).toBeGreaterThan(notice);
  expect(flat.slice(notice, voided)).toMatch(/Wen's attestation PIN[\s\S]*Xu's attestation PIN/);

  // The typo paths were shown to the holder.
  expect(flat).toContain(`'${nearMissToken}' is not in the word list`);
  expect(flat).toMatch(/words 6 and 7 look swapped/);
  expect(flat).toMatch(/That is card 4 \(Kai's\), not Jun's card 3/);
  expect(flat).toMatch(/Kai's card is from set [0-9A-F ]+, which was VOIDED in this ceremony when the split was made again/);
  expect(flat).toMatch(/This card is from set [0-9A-F ]+, which was VOIDED in this ceremony when the split was made again/);
  expect(flat).toContain(`'${substituted.word}' is probably wrong (the card may say '${substituted.real}')`);
  for (const h of HOLDERS) expect(flat).toContain(`(Screen and scrollback cleared of ${h}'s card.)`);

  // Nothing secret on the terminal: no PIN, no run of three card words (an echo) anywhere.
  for (const secret of [...PEOPLE.map((p) => p.pin), DEFAULT_REHEARSAL_PINS.userPin]) expect(screen, `PIN ${secret} was shown`).not.toContain(secret);
  const plain = screen.toLowerCase();
  for (const words of all) {
    for (let i = 0; i + 3 <= words.length; i++) expect(plain, `card words ${i + 1}-${i + 3} were shown`).not.toContain(words.slice(i, i + 3).join(" "));
  }
  // A hint quoting a card's word is gone with the next clear: never after the last one, and never
  // two holders' cards on one screen.
  const segments = screen.split(CLEAR);
  // One clear after every card entered: 9 at read-back (4 slips), 5 in the trial (2 slips).
  expect(typed).toHaveLength(14);
  expect(segments.length).toBeGreaterThanOrEqual(typed.length + 1);
  const quoted = [...new Set([...all.flat(), substituted.word])].map((w) => `'${w}'`);
  for (const q of quoted) expect(segments.at(-1), `${q} is still on the screen at the end`).not.toContain(q);
  for (const s of segments) expect(new Set([...s.matchAll(/(\w+)'s card \(empty to leave it for now\): \(not shown\)/g)].map((m) => m[1])).size).toBeLessThanOrEqual(1);

  // The record: the bundle verifies with the void in it; no typed word, near miss or hint in any record.
  const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  expect(v.transcript!.events.filter((e) => e.type === "escrow.set.voided")).toHaveLength(1);
  const needles = [nearMissToken, ...suggestWords(nearMissToken).map((w) => `'${w}'`), ...quoted, "may say"];
  const records = [...filesUnder(dir).filter((p) => p.includes("journal.db")), ...filesUnder(out)];
  expect(records.some((p) => p.endsWith("transcript.json"))).toBe(true);
  for (const file of records) {
    const text = recordText(file);
    for (const n of needles) expect(text.includes(n), `${n} found in ${file}`).toBe(false);
  }
}, 600_000);
