/**
 * A KEK rotation typed at a real pseudo-terminal, on the token that holds the old KEK (made by a
 * master-key ceremony in the same journal): sign-in names the CISO or Director of Cybersecurity
 * the policy requires and asks each person's job title; closing sign-in without them is refused
 * in one line; the steps that make or replace a key say they need that witness; the new KEK is
 * split 2 of 2 onto printed cards, read back and tried; the last step replaces the old KEK and
 * schedules its destruction after the overlap. Then `ceremony keys` shows both sides of the link
 * and "scheduled for destruction by DATE", and no PIN reached the terminal.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { rehearsalCast, rehearseScript } from "../../../src/ceremony/rehearsal.ts";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { Journal } from "../../../src/journal/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { runCeremony } from "../../helpers/demo-bundles.ts";
import { jammingPrinter } from "../../helpers/jamming-printer.ts";
import { type PromptRule, PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

const PEOPLE = [
  { name: "Ada", role: "1", org: "Security Ops", title: "", pin: "ada-attest-1" },
  { name: "Cy", role: "2", org: "Security Ops", title: "", pin: "cy-attest-22" },
  { name: "Wen", role: "3", org: "Internal Audit", title: "", pin: "wen-attest-3" },
  { name: "Xu", role: "3", org: "Risk", title: "Deputy CISO", pin: "xu-attest-44" },
  { name: "Hana", role: "4", org: "Engineering", title: "", pin: "hana-holder-1" },
  { name: "Ivo", role: "4", org: "Finance", title: "", pin: "ivo-holder-2" },
  // Sign-in is first closed without the Director (every role has its head-count): refused, then she signs in.
  { name: "", role: "", org: "", title: "", pin: "" },
  { name: "Dara", role: "3", org: "Cybersecurity", title: "director of  cybersecurity", pin: "dara-attest-55" },
];

test("KEK rotation in a pseudo-terminal: the named witness, a new escrowed KEK, the old one scheduled for destruction", async () => {
  env = await createRehearsalEnvironment([{ label: "kek-hsm" }]);
  const dir = await mkdtemp(join(tmpdir(), "kek-rotation-pty-"));
  const journalPath = join(dir, "journal.db");
  // The old KEK: a master-key ceremony on this token, in the same journal.
  const journal = Journal.open(journalPath);
  let oldId: string;
  try {
    const master = loadScript(await readFile(join(ROOT, "ceremony-scripts/master-key.yaml"), "utf8"), "master-key.yaml", parseParams("parameters:\n  threshold: 2\n  cardCount: 2\n", "p.yaml"));
    await rehearseScript({ script: master, env, tokenLabel: "kek-hsm", journal, outDir: join(dir, "master-key-bundle"), participants: rehearsalCast(2) });
    oldId = journal.listKeys().find((k) => k.label === "KEK-01")!.ckaId;
  } finally {
    journal.close();
  }
  // This test machine is connected: the copy of the script allows a witnessed override.
  const script = join(dir, "kek-rotation.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/kek-rotation.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const params = join(dir, "params.yaml");
  await writeFile(params, `parameters:\n  oldKeyId: "${oldId}"\n  threshold: 2\n  cardCount: 2\n  overlapDays: 45\n`);
  const printer = await jammingPrinter(0);
  const out = join(dir, "bundle");
  const pty = new PtySession(["run", script, "--params", params, "--module", env.modulePath, "--token", "kek-hsm", "--out", out, "--journal", journalPath], {
    ...env.env,
    PATH: printer.path,
  });

  const queue = [...PEOPLE];
  let signingIn: (typeof PEOPLE)[number] | undefined;
  let overrides = 0;
  const pinOf = (name: string) => PEOPLE.find((p) => p.name === name)!.pin;
  const cardOf = async (holder: string): Promise<string> => {
    const printed = await printer.cards();
    const card = printed.find((c) => c.card === (holder === "Hana" ? 1 : 2))!;
    return card.text;
  };
  const rules: PromptRule[] = [
    [/Participant name \(empty when everyone has signed in\): /, () => ((signingIn = queue.shift()), signingIn?.name ?? "")],
    [/Role \(number or name\): /, () => signingIn!.role],
    [/Organisation: /, () => signingIn!.org],
    [/Job title \(as the policy names it, e\.g\. CISO; empty for none\): /, () => signingIn!.title],
    [/choose an attestation PIN \(6\+ characters\): \(not shown\) /, () => signingIn!.pin],
    [/Type it again: \(not shown\) /, () => signingIn!.pin],
    [/Witness attesting the override \[1-\d\]: /, () => String(++overrides)],
    [/(?:Witness attesting this step|Witness confirming what the HSM will do) \[1-\d\]: /, () => "1"],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => pinOf(m[1]!)],
    [/HSM PIN \(typed once; never retried\): \(not shown\) /, () => DEFAULT_REHEARSAL_PINS.userPin],
    [/(\w+)'s card \(empty to leave it for now\): \(not shown\) /, (m) => cardOf(m[1]!)],
  ];
  try {
    expect(await pty.answerUntil(rules, /COMPLETED\. Bundle/, 300_000), pty.screen.slice(-3000)).toBe(0);
  } finally {
    pty.kill();
  }
  const screen = pty.screen;
  const flat = screen.replace(/\r?\n */g, " ");
  // The policy's named witness is announced, its absence refused in one line, its presence shown.
  expect(flat).toContain("Named by policy: a CISO or Director of Cybersecurity (job title CISO, Director of Cybersecurity or Chief Information Security Officer) among the internal witnesses");
  expect(flat).toMatch(/This script's policy needs a CISO or Director of Cybersecurity .* among the internal witnesses, and nobody signed in with that job title fills it: sign them in with their title, then close sign-in\./);
  expect(flat).toContain("signed in: Dara, Internal witness, Cybersecurity, director of cybersecurity");
  expect(flat).toContain("This step needs a CISO or Director of Cybersecurity");
  // Two witnesses without the title do not complete a step that includes the Director: she is asked for.
  expect(flat).toMatch(/Xu's attestation PIN: \(not shown\)\s+Witness attesting this step: Dara \(Internal witness, Cybersecurity, director of cybersecurity\), the only one who can\./);
  // The old KEK is identified, with its KCVs, before the new one is made.
  expect(flat).toMatch(/Key being replaced: KEK-01 \(ID [0-9A-F ]+\)\s+Its check values: KCV [0-9A-F ]+ \/ [0-9A-F ]+/);
  expect(flat.indexOf("Key being replaced: KEK-01")).toBeLessThan(flat.indexOf("Generate the new master key in the HSM"));
  expect(flat).toMatch(/Old key's destruction: scheduled for destruction by \d{4}-\d{2}-\d{2}/);
  for (const secret of [...PEOPLE.map((p) => p.pin).filter(Boolean), DEFAULT_REHEARSAL_PINS.userPin]) expect(screen, `PIN ${secret} was shown`).not.toContain(secret);

  const v = await verifyBundle(out, { extraChecks: [scriptRecheck] });
  expect(v.failures).toEqual([]);
  const superseded = v.transcript!.events.find((e) => e.type === "key.superseded")!.body as { old: { label: string; id: string }; successor: { label: string }; overlapDays: number; destroyBy: string };
  expect(superseded).toMatchObject({ old: { label: "KEK-01", id: oldId }, successor: { label: "KEK-02" }, overlapDays: 45 });
  const due = superseded.destroyBy.slice(0, 10);
  const days = (Date.parse(superseded.destroyBy) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(43);
  expect(days).toBeLessThanOrEqual(45);

  // ceremony keys: the old KEK names its successor and its destruction date; the new one names the old.
  const keys = await runCeremony(["keys", "--journal", journalPath]);
  expect(keys.code, keys.err).toBe(0);
  const lines = keys.out.split("\n");
  const old = lines.findIndex((l) => /^\S.* KEK-01 /.test(l));
  expect(lines[old]).toContain(`scheduled for destruction by ${due}`);
  expect(lines[old + 1]).toMatch(/^\s+replaced by KEK-02 \(ID [0-9A-F ]+, token kek-hsm\) in ceremony kek-rotation-\S+ on \d{4}-\d{2}-\d{2}$/);
  const successor = lines.findIndex((l) => /^\S.* KEK-02 /.test(l));
  expect(lines[successor + 1]).toMatch(/^\s+replaces KEK-01 \(ID [0-9A-F ]+, token kek-hsm\)$/);
}, 600_000);
