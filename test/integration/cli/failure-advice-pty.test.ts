/**
 * After a failed step the terminal offers what the error's advice kind allows (docs/errors.md),
 * typed at a real pseudo-terminal. A capability error — CKR_MECHANISM_INVALID from SoftHSM2 when
 * the ceremony's session is masked to offer no EC (test/helpers/masked-ceremony.ts) — prints the
 * advice and offers "abort" or "exit", never "retry". "exit" leaves the ceremony open; the same
 * command run again with the same --journal resumes it at that step, and on the whole token the
 * step then succeeds and the bundle verifies.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, test } from "vitest";
import { ADVICE_TEXT } from "../../../src/common/advice.ts";
import { CKM, createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { verifyBundle } from "../../../src/transcript/index.ts";
import { PtySession } from "../../helpers/pty-session.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const MASKED_CEREMONY = [process.execPath, "--import", "tsx", join(ROOT, "test/helpers/masked-ceremony.ts"), JSON.stringify({ hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.ECDSA] })];
const PINS: Record<string, string> = { Ada: "ada-attest-1", Cy: "cy-attest-22", Wen: "wen-attest-3", Xu: "xu-attest-44" };
const PEOPLE = [
  { name: "Ada", role: "1", org: "Security Ops" },
  { name: "Cy", role: "2", org: "Security Ops" },
  { name: "Wen", role: "3", org: "Internal Audit" },
  { name: "Xu", role: "3", org: "Risk" },
];
const NO_RETRY_PROMPT = /Type "abort" to stop the ceremony, or "exit" to leave it open and resume it later: /;

let env: RehearsalEnvironment | undefined;
afterAll(async () => {
  await env?.cleanup();
});

/** Answers every prompt of a ceremony as the people in the room would, until one of `stops` shows. */
async function answerUntil(pty: PtySession, stops: RegExp[]): Promise<number> {
  const queue = [...PEOPLE];
  let signingIn = PEOPLE[0]!;
  let overrides = 0;
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/Participant name \(empty when everyone has signed in\): /, () => {
      const next = queue.shift();
      if (next) signingIn = next;
      return next?.name ?? "";
    }],
    [/Role \([^)]*\): /, () => signingIn.role],
    [/Organisation: /, () => signingIn.org],
    [/choose an attestation PIN \(6\+ characters\): \(not shown\) /, () => PINS[signingIn.name]!],
    [/Type it again: \(not shown\) /, () => PINS[signingIn.name]!],
    [/Witness attesting the override \[1-2\]: /, () => String(++overrides)],
    [/performing the step \[1-\d\]: /, () => "1"],
    [/Witness attesting this step \[1-\d\]: /, () => "1"],
    [/Witness confirming what the HSM will do \[1-\d\]: /, () => "1"],
    [/\[y\/n\] /, () => "y"],
    [/(\w+)'s attestation PIN: \(not shown\) /, (m) => PINS[m[1]!]!],
    [/HSM PIN \(typed once; never retried\): \(not shown\) /, () => DEFAULT_REHEARSAL_PINS.userPin],
  ];
  for (;;) {
    const next = await pty.waitForAny([...stops, ...rules.map((r) => r[0])], 120_000);
    if (next.which < stops.length) return next.which;
    pty.keys(`${rules[next.which - stops.length]![1](next.match)}\r`);
  }
}

test("a capability error offers abort or exit, never retry; exit leaves the ceremony to resume with the same --journal", async () => {
  env = await createRehearsalEnvironment([{ label: "advice-pty" }]);
  const dir = await mkdtemp(join(tmpdir(), "advice-pty-"));
  // The test machine is connected; the copy of the script allows a witnessed override.
  const script = join(dir, "root-ca.yaml");
  await writeFile(script, (await readFile(join(ROOT, "ceremony-scripts/root-ca.yaml"), "utf8")).replace("airGap: block", "airGap: allow-with-override"));
  const journal = join(dir, "journal.db");
  const out = join(dir, "bundle");
  const args = ["run", script, "--module", env.modulePath, "--token", "advice-pty", "--out", out, "--journal", journal];

  const masked = new PtySession(args, env.env, MASKED_CEREMONY);
  try {
    // Without EC the transcript signer is RSA-3072; the root key (EC-P384) is refused by the token.
    const stop = await answerUntil(masked, [NO_RETRY_PROMPT, /Type "retry"/, /COMPLETED\. Bundle/]);
    expect(stop, masked.screen.slice(-2000)).toBe(0);
    const failedAt = masked.screen.lastIndexOf("FAILED:");
    // The terminal keeps 100 columns: a sentence continues on indented lines, joined here.
    const failure = masked.screen.slice(failedAt).replace(/\r\n {4,}/g, " ");
    expect(failure).toMatch(/^FAILED: [^\r\n]*does not support the requested algorithm[^\r\n]*\[CKR_MECHANISM_INVALID\]\r\n/);
    expect(failure).toContain(`\r\n  ${ADVICE_TEXT["choose-another"]}\r\n`);
    // Neither the message, its advice nor the question says "retry" (the advice says "Retrying … cannot help").
    expect(failure).not.toMatch(/\bretry\b/i);
    expect(masked.screen.slice(0, failedAt)).toContain("Step 4 of 5: Generate the root key in the HSM");

    // "retry" is not a choice here: it is refused, and not shown.
    masked.keys("retry\r");
    await masked.waitFor('Type the word "abort" or the word "exit".');
    await masked.answer(NO_RETRY_PROMPT, "exit");
    expect(await masked.exit()).toBe(1);
  } finally {
    masked.kill();
  }
  const choices = [...masked.screen.matchAll(/to leave it open and resume it later: (.*)\r\n/g)].map((m) => m[1]);
  expect(choices).toEqual(["", "exit"]);
  expect(masked.screen.replace(/\r\n {2,}/g, " ")).toContain(`To resume it at this step, run the same command again with --journal ${journal}.`);
  const ceremonyId = /Exited\. Ceremony (\S+) stays open/.exec(masked.screen)?.[1];
  expect(ceremonyId).toBeDefined();

  // The same command, the same journal, the whole token: the ceremony resumes at the root key.
  const resumed = new PtySession(args, env.env);
  try {
    await resumed.waitFor(`Ceremony ${ceremonyId} of this script is unfinished`);
    expect(await answerUntil(resumed, [/COMPLETED\. Bundle/, /FAILED:/])).toBe(0);
    expect(await resumed.exit()).toBe(0);
  } finally {
    resumed.kill();
  }
  expect(resumed.screen).not.toContain("Step 1 of 5");
  expect(resumed.screen).toContain("Step 4 of 5: Generate the root key in the HSM");
  expect(masked.linesWiderThan(100)).toEqual([]);
  expect(resumed.linesWiderThan(100)).toEqual([]);
  for (const secret of [...Object.values(PINS), DEFAULT_REHEARSAL_PINS.userPin]) {
    expect(masked.screen + resumed.screen, `"${secret}" was shown on the terminal`).not.toContain(secret);
  }
  const v = await verifyBundle(out);
  expect(v.failures).toEqual([]);
  expect(v.transcript!.ceremony).toMatchObject({ id: ceremonyId, status: "completed" });
  const failed = v.transcript!.events.filter((e) => e.type === "action.failed");
  expect(failed.map((e) => (e.body as { error: { code: string } }).error.code)).toEqual(["CKR_MECHANISM_INVALID"]);
}, 600_000);
