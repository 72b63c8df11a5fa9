/**
 * `ceremony run` typed at a real pseudo-terminal, as people in the room type: names corrected with
 * backspace, a PIN restarted with Ctrl-U, a wrong HSM PIN, a PIN typed at the retry prompt out of
 * habit, "again" where "retry" was meant. Nothing secret may appear anywhere on the terminal (its
 * scrollback is what `script` captured), and only exact choices are taken and echoed.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { ADVICE_TEXT } from "../../../src/common/advice.ts";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

const PINS: Record<string, string> = { Ada: "ada-attest-1", Cy: "cy-attest-22", Wen: "wen-attest-3", Xu: "xu-attest-44" };
const WRONG_HSM_PIN = "hsm-wrong-9876";

/** A script whose air-gap rule lets this connected test machine go on with a witnessed override. */
async function rootCaScript(dir: string): Promise<string> {
  const script = join(dir, "root-ca.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  return script;
}

test("ceremony run in a pseudo-terminal: nothing secret is echoed, editing keys work, only exact choices count", async () => {
  env = await createRehearsalEnvironment([{ label: "run-pty" }]);
  const dir = await mkdtemp(join(tmpdir(), "run-pty-"));
  const out = join(dir, "bundle");
  const pty = new PtySession(
    ["run", await rootCaScript(dir), "--module", env.modulePath, "--token", "run-pty", "--out", out, "--journal", join(dir, "journal.db")],
    env.env,
  );
  const signIns = [
    { name: "Adz\x7fa", role: "1", org: "Security Ops" },
    { name: "Cy", role: "2", org: "Security Ops" },
    { name: "Wen", role: "3", org: "Internal Audit" },
    { name: "Xu", role: "internal-witness", org: "Risk" },
  ];
  // Wen starts her PIN wrongly and clears it with Ctrl-U; Xu corrects a last character with
  // backspace. Were either key ignored, the two entries would differ and sign-in would loop.
  const firstEntry: Record<string, string> = { Wen: `oops-not-it\x15${PINS.Wen}` };
  const secondEntry: Record<string, string> = { Xu: `${PINS.Xu!.slice(0, -1)}Z\x7f${PINS.Xu!.slice(-1)}` };
  const retryAnswers = [PINS.Ada!, "again", "retry"];
  const hsmPins = [WRONG_HSM_PIN, DEFAULT_REHEARSAL_PINS.userPin];
  let overrides = 0;
  let roleTypos = 0;
  let wenRefused = 0;
  let signingIn = "";
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/Participant name \(empty when everyone has signed in\): /, () => {
      const next = signIns.shift();
      signingIn = next ? next.name.replace("z\x7f", "") : "";
      return next?.name ?? "";
    }],
    // Xu first mistypes the role: it is asked again at once, before any PIN.
    [/Role \([^)]*\): /, () => (signingIn === "Xu" && roleTypos++ === 0 ? "witnes" : ["1", "2", "3", "internal-witness"][["Ada", "Cy", "Wen", "Xu"].indexOf(signingIn)]!)],
    [/Organisation: /, () => ({ Ada: "Security Ops", Cy: "Security Ops", Wen: "Internal Audit", Xu: "Risk" })[signingIn]!],
    [/choose an attestation PIN \(6\+ characters\): \(not shown\) /, () => firstEntry[signingIn] ?? PINS[signingIn]!],
    [/Type it again: \(not shown\) /, () => secondEntry[signingIn] ?? PINS[signingIn]!],
    [/Witness attesting the override \[1-2\]: /, () => String(++overrides)],
    [/performing the step \[1-\d\]: /, () => "1"],
    [/Witness attesting this step \[1-\d\]: /, () => "1"],
    [/Witness confirming what the HSM will do \[1-\d\]: /, () => "1"],
    // Wen first says she did not see the first item done: no PIN is asked, nothing is recorded.
    [/Wen: "No network cable is connected"\? \[y\/n\] /, () => (wenRefused++ === 0 ? "n" : "y")],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => PINS[m[1]!]!],
    [/HSM PIN \(typed once; never retried\): \(not shown\) /, () => hsmPins.shift()!],
    [/Type "retry" to run the step again, or "abort" to stop the ceremony: /, () => retryAnswers.shift()!],
  ];
  try {
    expect(await pty.answerUntil(rules, /COMPLETED\. Bundle/), pty.screen.slice(-2000)).toBe(0);
  } finally {
    pty.kill();
  }
  const screen = pty.screen;
  for (const secret of [...Object.values(PINS), DEFAULT_REHEARSAL_PINS.userPin, WRONG_HSM_PIN, "oops-not-it"]) {
    expect(screen, `"${secret}" was shown on the terminal`).not.toContain(secret);
  }
  // The wrong HSM PIN failed the step; a PIN and "again" at the choice were neither taken nor shown.
  expect(screen).toMatch(/FAILED: .*\[HSM_PIN_INCORRECT\]|FAILED: .*PIN/);
  // A wrong PIN is a retry error: its advice says so, and the question offers "retry".
  expect(screen).toContain(`\r\n  ${ADVICE_TEXT.retry}\r\n`);
  const choices = [...screen.matchAll(/or "abort" to stop the ceremony: (.*)\r\n/g)].map((m) => m[1]);
  expect(choices).toEqual(["", "", "retry"]);
  expect(screen.match(/Type the word "retry" or the word "abort"\./g)).toHaveLength(2);
  expect(screen).toContain("COMPLETED. Bundle");
  // A choice with one possible answer is not asked.
  expect(screen).not.toMatch(/\[1-1\]/);
  // The role typo was caught at the role, before Xu's PIN; only the role was asked again.
  const typo = screen.indexOf("That is not a role.");
  expect(typo).toBeGreaterThan(-1);
  expect(screen.indexOf("Xu, choose an attestation PIN")).toBeGreaterThan(typo);
  expect(screen.slice(typo).indexOf("Role (number or name): ")).toBeLessThan(screen.slice(typo).indexOf("Organisation: "));
  expect(screen.match(/Participant name \(empty/g)).toHaveLength(5);
  // The token and its serial are on screen before each HSM PIN is asked.
  for (const m of screen.matchAll(/HSM PIN \(typed once; never retried\)/g)) {
    expect(screen.slice(0, m.index).lastIndexOf('Token "run-pty": serial ')).toBeGreaterThan(screen.slice(0, m.index).lastIndexOf("Step "));
  }
  // "n" to a checklist item ends that attestation before any PIN is asked.
  const refusal = screen.indexOf('Wen did not confirm "No network cable is connected": no attestation recorded.');
  expect(refusal).toBeGreaterThan(-1);
  const refusedAt = screen.indexOf('Wen: "No network cable is connected"? [y/n] ');
  expect(screen.slice(refusedAt, refusal)).not.toContain("attestation PIN");
  // Every line of the whole ceremony fits 100 columns (preflight table, fingerprints, prompts).
  expect(pty.linesWiderThan(100)).toEqual([]);
  // Confirm, then act: the certificate's subject and the key it certifies were on screen and
  // attested before the HSM signed it (its fingerprint is shown only after).
  const preview = screen.indexOf("Subject (and issuer: self-signed):");
  expect(preview).toBeGreaterThan(-1);
  expect(screen.indexOf("Public key certified (SPKI SHA-256):", preview)).toBeGreaterThan(preview);
  expect(screen.indexOf("Certificate SHA-256:")).toBeGreaterThan(preview);
  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  // Backspace and Ctrl-U edited what was recorded: the names and PINs as meant.
  expect(v.transcript!.participants.map((p) => p.name)).toEqual(["Ada", "Cy", "Wen", "Xu"]);
  expect(v.transcript!.events.filter((e) => e.type === "action.failed")).toHaveLength(1);
}, 180_000);

test("Ctrl-C at a prompt stops the command as an interrupt, with a word on resuming", async () => {
  const dir = await mkdtemp(join(tmpdir(), "run-pty-int-"));
  env ??= await createRehearsalEnvironment([{ label: "run-pty" }]);
  const pty = new PtySession(
    ["run", await rootCaScript(dir), "--module", env.modulePath, "--token", "run-pty", "--out", join(dir, "b"), "--journal", join(dir, "j.db")],
    env.env,
  );
  try {
    await pty.waitFor("Participant name (empty when everyone has signed in): ");
    pty.keys("Ad\x03");
    expect(await pty.exit()).not.toBe(0);
    expect(pty.screen).toContain("interrupted; the journal keeps every finished step");
  } finally {
    pty.kill();
  }
}, 60_000);
