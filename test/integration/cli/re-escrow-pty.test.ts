/**
 * A re-escrow typed at a real pseudo-terminal (`ceremony run re-escrow.yaml`), after a 3-of-5
 * master-key rehearsal on the same token: Ivo left, so Hana and Jun get new cards with Pia, 2 of 3.
 * The terminal shows the old set checked against the KEK on the token, each old card with what the
 * parameters say of it, the new cards read back and a trial recovery, then the revocation's
 * preview confirmed by both witnesses with their PINs, and the old set REVOKED. The bundle
 * verifies; a recovery drill given the old bundle is refused by the same journal before any card,
 * and no PIN or card word reached the terminal.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { formatSetId } from "../../../src/common/index.ts";
import type { EventBody } from "../../../src/events/index.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { runCeremony } from "../../helpers/demo-bundles.ts";
import { jammingPrinter } from "../../helpers/jamming-printer.ts";
import { type PromptRule, PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
let dir: string | undefined;
// The printer's spool stands for the paper in the room: the new cards, removed with the rest.
let spool: string | undefined;
afterAll(async () => {
  await env?.cleanup();
  for (const d of [dir, spool]) if (d) await rm(d, { recursive: true, force: true });
});

const PEOPLE = [
  { name: "Ada", role: "1", org: "Security Ops", pin: "ada-attest-1" },
  { name: "Cy", role: "2", org: "Security Ops", pin: "cy-attest-22" },
  { name: "Wen", role: "3", org: "Internal Audit", pin: "wen-attest-3" },
  { name: "Xu", role: "3", org: "Risk", pin: "xu-attest-44" },
  ...["Hana", "Jun", "Pia"].map((name, i) => ({ name, role: "4", org: i % 2 ? "Finance" : "Legal", pin: `${name.toLowerCase()}-holder-${i + 1}` })),
];
const HOLDERS = ["Hana", "Jun", "Pia"];
const TRIAL = ["Hana", "Pia"];

test("re-escrow in a pseudo-terminal: the old set checked against the KEK, new cards read back and proven, the old set revoked under dual control", async () => {
  env = await createRehearsalEnvironment([{ label: "re-pty" }]);
  dir = await mkdtemp(join(tmpdir(), "re-pty-"));
  // The set being replaced: a master key rehearsed on the same token, with its own journal (another workstation's).
  const previousJournal = Journal.open(join(dir, "previous.db"));
  const masterBundle = join(dir, "master-key");
  try {
    const text = await readFile(join(ROOT, "ceremony-scripts/master-key.yaml"), "utf8");
    await rehearseScript({ script: loadScript(text, "master-key.yaml"), env, tokenLabel: "re-pty", journal: previousJournal, outDir: masterBundle, participants: rehearsalCast(5) });
  } finally {
    previousJournal.close();
  }
  const master = JSON.parse(await readFile(join(masterBundle, "transcript.json"), "utf8")) as { events: Array<{ type: string; body: unknown }> };
  const old = master.events.find((e) => e.type === "escrow.split")!.body as EventBody<"escrow.split">;
  const printed = (card: number): string => `${card} ${old.cards[card - 1]!.fingerprint.slice(0, 16)}`;

  const script = join(dir, "re-escrow.yaml");
  // This test machine is connected: the copy of the script allows a witnessed override.
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/re-escrow.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const params = join(dir, "params.yaml");
  await writeFile(
    params,
    [
      "parameters:",
      `  previousBundle: ${JSON.stringify(masterBundle)}`,
      "  trigger: holder-left",
      '  reason: "Ivo Holder left the company (HR ticket 4411)"',
      "  threshold: 2",
      "  cardCount: 3",
      `  cardsCollected: [${[1, 3, 4].map((n) => JSON.stringify(printed(n))).join(", ")}]`,
      `  cardsLost: [${JSON.stringify(printed(5))}]`,
      "",
    ].join("\n"),
  );
  const printer = await jammingPrinter(0);
  spool = dirname(printer.binDir);
  const out = join(dir, "bundle");
  const journalPath = join(dir, "journal.db");
  const pty = new PtySession(["run", script, "--params", params, "--module", env.modulePath, "--token", "re-pty", "--out", out, "--journal", journalPath], {
    ...env.env,
    PATH: printer.path,
  });

  const cardOf = async (holder: string): Promise<string> => {
    const cards = await printer.cards();
    return cards.find((c) => c.card === HOLDERS.indexOf(holder) + 1)!.text;
  };
  let signingIn: (typeof PEOPLE)[number] | undefined;
  let overrides = 0;
  const typed: string[] = [];
  const hsmPins = [DEFAULT_REHEARSAL_PINS.userPin];
  const pinOf = (name: string) => PEOPLE.find((p) => p.name === name)!.pin;
  const queue = [...PEOPLE];
  const rules: PromptRule[] = [
    [/Participant name \(empty when everyone has signed in\): /, () => ((signingIn = queue.shift()), signingIn?.name ?? "")],
    [/Role \([^)]*\): /, () => signingIn!.role],
    [/Organisation: /, () => signingIn!.org],
    [/choose an attestation PIN \(6\+ characters\): \(not shown\) /, () => signingIn!.pin],
    [/Type it again: \(not shown\) /, () => signingIn!.pin],
    [/Witness attesting the override \[1-2\]: /, () => String(++overrides)],
    [/(?:Witness attesting this step|Witness confirming what (?:the HSM|this step) will do) \[1-\d\]: /, () => "1"],
    [/Does (\w+) enter a card now\? \[y\/n\] /, (m) => (TRIAL.includes(m[1]!) ? "y" : "n")],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => pinOf(m[1]!)],
    [/HSM PIN \(typed once; never retried\): \(not shown\) /, () => hsmPins.shift()!],
    [/(\w+)'s card \(empty to leave it for now\): \(not shown\) /, async (m) => {
      const text = await cardOf(m[1]!);
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
  const flat = screen.replace(/\r?\n */g, " ");
  const oldId = formatSetId(old.setId);

  // The old set, checked against the KEK on the token, with what the parameters say of each old card.
  expect(flat).toMatch(new RegExp(`Card set being replaced: set ${oldId} of KEK-01, 3 of 5 cards, split by master-key-\\S+; its bundle verified`));
  expect(flat).toMatch(/Old card 2: Ivo Holder, share fingerprint [0-9A-F ]+…: NOT handed in: it stays out, a card of a revoked set/);
  expect(flat).toMatch(/Old card 5: Lea Holder, share fingerprint [0-9A-F ]+…: declared LOST or exposed/);
  expect(flat).toMatch(/Old card 1: Hana Holder, share fingerprint [0-9A-F ]+…: to be handed in and destroyed in this ceremony/);
  // Every new card read back, two in the trial; then the revocation confirmed by both witnesses before it was recorded.
  expect(typed).toHaveLength(5);
  const preview = flat.indexOf("Card set to revoke");
  expect(preview).toBeGreaterThan(-1);
  expect(flat.slice(preview)).toMatch(/Wen's attestation PIN[\s\S]*Xu's attestation PIN[\s\S]*Revoked: set/);
  expect(flat).toMatch(new RegExp(`Revoked: set ${oldId} of KEK-01 \\(3 of 5 cards, split by master-key-\\S+\\)`));
  expect(flat).toMatch(/Old cards still out: card 2 \(Ivo Holder\): collect and destroy them/);
  for (const secret of [...PEOPLE.map((p) => p.pin), DEFAULT_REHEARSAL_PINS.userPin]) expect(screen, `PIN ${secret} was shown`).not.toContain(secret);
  const plain = screen.toLowerCase();
  for (const text of typed) {
    const words = text.replace(/^CWS1:/, "").toLowerCase().split(/\s+/);
    for (let i = 0; i + 3 <= words.length; i++) expect(plain, `card words ${i + 1}-${i + 3} were shown`).not.toContain(words.slice(i, i + 3).join(" "));
  }

  const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  const revoked = v.transcript!.events.find((e) => e.type === "escrow.set.revoked")!.body as EventBody<"escrow.set.revoked">;
  expect(revoked).toMatchObject({ setId: old.setId, collected: [1, 3, 4], lost: [5], outstanding: [2] });

  // The same workstation refuses a drill of the old set before anybody types a card.
  const share = join(dir, "share.txt");
  await writeFile(share, "CWS1:ABANDON");
  const drill = await runCeremony(["recover", "--bundle", masterBundle, "--rehearsal", "--journal", journalPath, "--share", share, "--share", share, "--share", share]);
  expect(drill.code).not.toBe(0);
  expect(drill.err.replace(/\n */g, " ")).toContain(`Set ${oldId} of KEK-01 was REVOKED by re-escrow-`);
}, 600_000);
