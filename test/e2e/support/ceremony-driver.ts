/**
 * What the people in the room do, as Playwright steps against the real screens: by visible
 * labels and roles only, the way a keyboard or screen-reader user finds them.
 */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { LONG } from "./browser.ts";
import { WITNESSES, type Person } from "./people.ts";


/**
 * Clicks and waits for the harness's answer to the request the click sends, failing with the
 * core's message when it refused. (The screens show the same message; this makes a failing
 * test say why.)
 */
export async function clickForRpc(page: Page, target: Locator, channel: string): Promise<unknown> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/rpc") && (r.request().postData() ?? "").includes(`"channel":"${channel}"`), LONG),
    target.click(),
  ]);
  const result = (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  if (!result.ok) throw new Error(`${channel} refused: ${result.error?.code} ${result.error?.message}`);
  return result.value;
}

export async function chooseScript(page: Page, title: string): Promise<void> {
  await page.getByRole("radio", { name: new RegExp(`^${title}`) }).check();
  await page.getByText("The script and its parameters are valid.").waitFor(LONG);
}

export async function startRehearsal(page: Page): Promise<void> {
  await clickForRpc(page, page.getByRole("button", { name: "Start the rehearsal" }), "ceremony:start");
  await page.getByRole("heading", { level: 1, name: "Sign in everyone in the room" }).waitFor(LONG);
}

export async function signIn(page: Page, people: Person[]): Promise<void> {
  for (const p of people) {
    await page.getByLabel("Name", { exact: true }).fill(p.name);
    await page.getByLabel("Organisation", { exact: true }).fill(p.organisation);
    await page.getByLabel("Role", { exact: true }).selectOption({ label: p.roleTitle });
    await page.getByLabel("Attestation PIN", { exact: true }).fill(p.pin);
    await page.getByLabel("Attestation PIN again", { exact: true }).fill(p.pin);
    await clickForRpc(page, page.getByRole("button", { name: "Sign in", exact: true }), "ceremony:add-participant");
    await page.getByRole("rowheader", { name: p.name, exact: true }).waitFor(LONG);
  }
}

/** A witness signs in with the job title a script's named witness asks for (requiredTitles). */
export async function signInWithTitle(page: Page, person: Person & { title: string }): Promise<void> {
  await page.getByLabel("Job title", { exact: true }).fill(person.title);
  // The role list offers the role alone; the name lists afterwards show "Role (Title)".
  await signIn(page, [{ ...person, roleTitle: person.roleTitle.replace(` (${person.title})`, "") }]);
  await page.getByRole("cell", { name: person.title, exact: true }).waitFor(LONG);
}

/** Every role is filled but the named witness: sign-in says who is missing and cannot close. */
export async function expectNamedWitnessMissing(page: Page, named: string): Promise<void> {
  await page.locator(".named-witnesses").getByText(new RegExp(`${named} among the internal witnesses: nobody yet`)).waitFor(LONG);
  await page.getByText(`Still missing: 1 × ${named}.`).waitFor(LONG);
  await expect(page.getByRole("button", { name: "Close sign-in and check the air gap" }).isDisabled()).resolves.toBe(true);
}

export async function closeSignIn(page: Page): Promise<void> {
  await clickForRpc(page, page.getByRole("button", { name: "Close sign-in and check the air gap" }), "ceremony:confirm-participants");
}

export async function attestAirGapOverride(page: Page, witness: Person): Promise<void> {
  await page.getByLabel("Your name").selectOption({ label: `${witness.name} — ${witness.roleTitle}` });
  await page.getByLabel("Your attestation PIN").fill(witness.pin);
  await clickForRpc(page, page.getByRole("button", { name: "I attest the override" }), "ceremony:airgap-override");
}

/** The title of the step the console (or witness view) shows. */
export async function shownStepTitle(page: Page): Promise<string> {
  return (await page.getByRole("heading", { level: 1 }).innerText()).trim();
}

/** The value a step shows under `label` (a text output), on the officer console or the witness view. */
export async function shownOutput(page: Page, label: string): Promise<string> {
  const item = page.locator(".read-aloud").filter({ has: page.locator(`dt:text-is(${JSON.stringify(label)})`) });
  return (await item.locator("dd").innerText()).trim();
}

/** The labels of the values a step shows, in the order the room reads them. */
export function shownOutputLabels(page: Page): Promise<string[]> {
  // A label's first text node: a value to copy also carries a note for the paper script.
  return page.locator(".read-aloud dt").evaluateAll((labels) => labels.map((dt) => dt.firstChild?.textContent?.trim() ?? ""));
}

export async function waitForStep(page: Page, title: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: title, exact: true }).waitFor(LONG);
}

/**
 * The officer runs the current step's action; with the HSM PIN when the step asks for it. A step
 * that signs, creates or destroys a key first shows what the HSM will do, and the witnesses
 * confirm it with their PINs.
 */
export async function runAction(page: Page, options: { hsmPin?: string; button?: string; witnesses?: Person[] } = {}): Promise<void> {
  await confirmPreview(page, options.witnesses ?? WITNESSES);
  const pinField = page.getByLabel("HSM user PIN");
  if (options.hsmPin !== undefined && (await pinField.count()) > 0) await pinField.fill(options.hsmPin);
  await clickForRpc(page, page.getByRole("button", { name: options.button ?? /^(Run|Retry) the action$/ }), "ceremony:run-action");
}

/** Shows the step's preview and has witnesses confirm it until the core needs no more. */
export async function confirmPreview(page: Page, witnesses: Person[]): Promise<void> {
  const panel = page.locator(".preview-panel");
  if ((await panel.count()) === 0) return;
  const show = panel.getByRole("button", { name: /^Show what (the HSM|this step) will do$/ });
  if ((await show.count()) > 0) await clickForRpc(page, show, "ceremony:preview");
  for (const w of witnesses) {
    const confirm = panel.getByRole("button", { name: "I confirm this is what should happen" });
    if ((await confirm.count()) === 0) return;
    await panel.getByLabel("Your name").selectOption({ label: `${w.name} — ${w.roleTitle}` });
    await panel.getByLabel("Your attestation PIN").fill(w.pin);
    await clickForRpc(page, confirm, "ceremony:attest-preview");
  }
}

/** A step with nothing to look at on the way: the officer runs it, then the witnesses attest it. */
export async function runAndAttest(page: Page, title: string, options: { hsmPin?: string; witnesses?: Person[] } = {}): Promise<void> {
  await waitForStep(page, title);
  await runAction(page, options);
  await waitForAwaitingWitnesses(page);
  for (const w of options.witnesses ?? WITNESSES) await attest(page, w);
}

export async function waitForAwaitingWitnesses(page: Page): Promise<void> {
  await page.getByRole("heading", { name: /^Witnesses: attest step/ }).waitFor(LONG);
  await page.getByRole("button", { name: "Attest this step" }).waitFor(LONG);
}

/** One witness ticks every checklist item, chooses their name and types their PIN. */
export async function attest(page: Page, witness: Person): Promise<void> {
  const panel: Locator = page.locator(".witness-attestation");
  const boxes = panel.getByRole("checkbox");
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  await panel.getByLabel("Your name").selectOption({ label: `${witness.name} — ${witness.roleTitle}` });
  await panel.getByLabel("Your attestation PIN").fill(witness.pin);
  await clickForRpc(page, panel.getByRole("button", { name: "Attest this step" }), "ceremony:attest");
}

export async function finishCeremony(page: Page): Promise<void> {
  await clickForRpc(page, page.getByRole("button", { name: "Sign the transcript and write the bundle" }), "ceremony:finish");
  await page.getByRole("heading", { level: 1, name: "Ceremony complete" }).waitFor(LONG);
}

export async function verifyInAuditor(page: Page): Promise<void> {
  await page.getByRole("link", { name: "Open in the auditor screen" }).click();
  await page.getByRole("heading", { level: 1, name: "Verify a ceremony bundle" }).waitFor(LONG);
  await page.locator(".verdict").waitFor(LONG);
}
