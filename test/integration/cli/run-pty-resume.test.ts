/**
 * A 2-of-3 master-key ceremony typed at a real pseudo-terminal, interrupted with Ctrl-C after the
 * master key's KCV was shown and before the witnesses attested it; a run with other parameters is
 * refused; then it is resumed: the KCV is shown
 * again before anyone attests that it was read aloud; the HSM PIN is asked only once the token's
 * serial is on screen; one holder's typo in the read-back asks that holder again and nobody
 * else; the trial recovery asks for the split's k cards; and every line of both sessions fits
 * 100 columns.
 */
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { scanCardQr } from "../../../src/ceremony/card-scanner.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

const PEOPLE = [
  { name: "Ada", role: "1", org: "Security Ops", pin: "ada-attest-1" },
  { name: "Cy", role: "2", org: "Security Ops", pin: "cy-attest-22" },
  { name: "Wen", role: "3", org: "Internal Audit", pin: "wen-attest-3" },
  { name: "Xu", role: "3", org: "Risk", pin: "xu-attest-44" },
  { name: "Hana", role: "4", org: "Finance", pin: "hana-attest-5" },
  { name: "Ivo", role: "4", org: "Legal", pin: "ivo-attest-66" },
  { name: "Jo", role: "4", org: "Board", pin: "jo-attest-777" },
];
const pinOf = (name: string): string => PEOPLE.find((p) => p.name === name)!.pin;

/** Answers every question of `pty` by the first rule whose prompt appears, until `until` appears or the command exits. */
async function drive(pty: PtySession, rules: Array<[RegExp, (m: RegExpExecArray) => string | Promise<string>]>, until: RegExp): Promise<void> {
  for (;;) {
    const next = await pty.waitForAny([...rules.map((r) => r[0]), until], 120_000);
    if (next.which === rules.length) return;
    pty.keys(`${await rules[next.which]![1](next.match)}\r`);
  }
}

test("a master-key ceremony interrupted after the KCV shows it again on resume; a read-back typo asks only that holder again", async () => {
  env = await createRehearsalEnvironment([{ label: "pty-master" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-pty-master-"));
  const script = join(dir, "master-key.yaml");
  // The machine running the tests is connected; the copy of the script allows a witnessed override.
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/master-key.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const params = join(dir, "params.yaml");
  await writeFile(params, "parameters:\n  threshold: 2\n  cardCount: 3\n");
  const cardsDir = join(dir, "cards");
  const out = join(dir, "bundle");
  const args = ["run", script, "--params", params, "--module", env.modulePath, "--token", "pty-master", "--out", out, "--journal", join(dir, "journal.db"), "--save-cards", cardsDir];

  const signIns = [...PEOPLE];
  let signingIn = "";
  const common: Array<[RegExp, (m: RegExpExecArray) => string | Promise<string>]> = [
    [/Type "save cards" to confirm: /, () => "save cards"],
    [/\[1-\d\]: /, () => "1"],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => pinOf(m[1]!)],
    [/HSM PIN \([^)]*\): \(not shown\) /, () => DEFAULT_REHEARSAL_PINS.userPin],
  ];

  // First session: sign-in, the first four steps, Ctrl-C once the KCV is on screen.
  const first = new PtySession(args, env.env);
  let kcv = "";
  try {
    await drive(
      first,
      [
        [/Participant name \(empty when everyone has signed in\): /, () => {
          const next = signIns.shift();
          signingIn = next?.name ?? "";
          return signingIn;
        }],
        [/Role \(number or name\): /, () => PEOPLE.find((p) => p.name === signingIn)!.role],
        [/Organisation: /, () => PEOPLE.find((p) => p.name === signingIn)!.org],
        [/choose an attestation PIN \(6\+ characters\): \(not shown\) |Type it again: \(not shown\) /, () => pinOf(signingIn)],
        [/Witness attesting the override \[1-2\]: /, (() => {
          let n = 0;
          return () => String(++n);
        })()],
        ...common,
      ],
      /KCV-ECB0: ([0-9A-F]{4} [0-9A-F]{2})/,
    );
    kcv = /KCV-ECB0: ([0-9A-F]{4} [0-9A-F]{2})/.exec(first.screen)![1]!;
    await first.waitFor("Witness attesting this step [1-2]: ");
    first.keys("\x03");
    expect(await first.exit()).not.toBe(0);
  } finally {
    first.kill();
  }
  expect(first.screen).toContain("run the same command again to resume");

  // A parameters file that differs from the ceremony's is refused, after listing what it started with.
  const otherParams = join(dir, "other.yaml");
  await writeFile(otherParams, "parameters:\n  threshold: 3\n  cardCount: 3\n");
  const refused = new PtySession(args.map((a) => (a === params ? otherParams : a)), env.env);
  try {
    await refused.answer('Type "save cards" to confirm: ', "save cards");
    expect(await refused.exit()).toBe(1);
  } finally {
    refused.kill();
  }
  const refusal = refused.screen.replace(/\s+/g, " ");
  expect(refusal).toMatch(/Ceremony master-key-\S+ of this script is unfinished \(started [^)]+\)\. Its parameters:/);
  expect(refused.screen).toContain("  threshold = 2");
  expect(refusal).toContain("other.yaml differ from those ceremony");
  expect(refused.screen).not.toContain("Resume ceremony");
  expect(refused.linesWiderThan(100)).toEqual([]);

  // Second session: resumed; the KCV is on screen again before the first attestation.
  const second = new PtySession(args, env.env);
  const cardText = new Map<string, string>();
  const typed: string[] = [];
  let ivoTypo = true;
  try {
    await drive(
      second,
      [
        [/Resume ceremony [\w-]+\? \[y\/n\] /, () => "y"],
        [/ (\w+)'s card \(empty to leave it for now\): \(not shown\) /, async (m) => {
          const holder = m[1]!;
          typed.push(holder);
          if (cardText.size === 0) {
            for (const f of await readdir(cardsDir)) {
              const owner = PEOPLE.find((p) => f.endsWith(`-${p.name.toLowerCase()}.pdf`))!;
              cardText.set(owner.name, await scanCardQr(join(cardsDir, f)));
            }
          }
          const text = cardText.get(holder)!;
          if (holder === "Ivo" && ivoTypo) {
            ivoTypo = false;
            // One character changed: the card no longer decodes or matches.
            const i = Math.floor(text.length / 2);
            return `${text.slice(0, i)}${text[i] === "A" ? "B" : "A"}${text.slice(i + 1)}`;
          }
          return text;
        }],
        ...common,
      ],
      /COMPLETED\. Bundle/,
    );
    expect(await second.exit(), second.screen.slice(-2000)).toBe(0);
  } finally {
    second.kill();
  }
  const screen = second.screen;
  const resumed = screen.indexOf("Resumed ");
  expect(resumed).toBeGreaterThan(-1);
  const shownAgain = screen.indexOf(`KCV-ECB0: ${kcv}`, resumed);
  expect(shownAgain, "the KCV is shown again after the resume").toBeGreaterThan(resumed);
  expect(shownAgain).toBeLessThan(screen.indexOf("Witness attesting this step", resumed));
  // The session was closed: the HSM PIN of the escrow step comes after the token's serial.
  const pinAsked = screen.indexOf("HSM PIN (typed once; never retried)", resumed);
  expect(pinAsked).toBeGreaterThan(-1);
  expect(screen.slice(0, pinAsked).lastIndexOf('Token "pty-master": serial ')).toBeGreaterThan(shownAgain);
  // Read-back: Hana, Ivo twice (the typo), Jo; then the trial recovery's k = 2 cards: Hana, Ivo.
  expect(typed).toEqual(["Hana", "Ivo", "Ivo", "Jo", "Hana", "Ivo"]);
  expect(screen).toMatch(/Ivo enters the card again; nobody else needs to\./);
  expect(screen).toContain("2 cards of set");
  // Instructions give the number, never "k".
  expect(screen).toContain("2 holders enter their cards.");
  expect(screen).not.toMatch(/\bk (holders|cards)\b/);
  // Every line of both sessions fits 100 columns.
  expect(first.linesWiderThan(100)).toEqual([]);
  expect(second.linesWiderThan(100)).toEqual([]);
  for (const p of PEOPLE) expect(first.screen + screen).not.toContain(p.pin);
  for (const text of cardText.values()) expect(screen).not.toContain(text.slice(0, 24));

  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  expect(v.transcript!.events.filter((e) => e.type === "share.read-back")).toHaveLength(3);
}, 600_000);
