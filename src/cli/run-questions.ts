/**
 * The questions `ceremony run` asks people at the terminal: who signs in, who does or attests
 * something, yes or no, what to do after a failed step (retry, abort or exit, as the error's
 * advice allows), and the dual-controlled abort. Each question fits the
 * terminal's 100 columns; a list to choose from is printed above a short prompt.
 */
import type { Participant } from "../ceremony/participants.ts";
import { ROLE_TITLES, ROLES, type Role } from "../ceremony/roles.ts";
import { ABORT_DECIDERS, type CeremonyRunner } from "../ceremony/runner.ts";
import { columns, describeNamedWitness, type FailureOffer, roleTitlePlural, TERMINAL_WIDTH } from "../common/index.ts";
import { CeremonyError, wipe } from "../errors.ts";
import type { CliIo } from "./io.ts";
import type { Prompter } from "./prompt.ts";

export async function signIn(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<void> {
  if (runner.state().phase !== "sign-in") return;
  const needed = ROLES.filter((r) => runner.script.roleMinimums[r] > 0).map((r) => `${runner.script.roleMinimums[r]} × ${ROLE_TITLES[r]}`);
  io.out(`\nSign-in. Roles needed: ${needed.join(", ")}`);
  io.out(`Roles: ${ROLES.map((r, i) => `${i + 1} ${r}`).join(", ")}`);
  const named = runner.script.namedWitnesses;
  for (const rule of named) {
    io.out(`Named by policy: ${describeNamedWitness(rule)} among the ${rule.roles.map((r) => roleTitlePlural(r, 2).toLowerCase()).join(" or ")}${rule.policy ? ` (${rule.policy})` : ""}.`);
  }
  for (;;) {
    const name = await prompt.ask("Participant name (empty when everyone has signed in): ");
    if (!name) {
      try {
        runner.confirmParticipants();
        return;
      } catch (e) {
        if (!(e instanceof CeremonyError)) throw e;
        io.err(e.message);
        continue;
      }
    }
    const role = await askRole(io, prompt);
    const organisation = await prompt.ask("Organisation: ");
    // Asked only when the script names witnesses by title: the title is what that rule is checked against.
    const title = named.length ? await prompt.ask("Job title (as the policy names it, e.g. CISO; empty for none): ") : "";
    const pin = await prompt.secret(`${name}, choose an attestation PIN (6+ characters):`);
    const again = await prompt.secret("Type it again:");
    const same = pin.equals(again);
    wipe(again);
    if (!same) {
      wipe(pin);
      io.err("The two PINs differ; sign in again.");
      continue;
    }
    try {
      const p = runner.addParticipant({ name, role, organisation, title }, pin);
      io.out(`  signed in: ${p.name}, ${personLine(p)}`);
    } catch (e) {
      if (!(e instanceof CeremonyError)) throw e;
      io.err(e.message);
    }
  }
}

/** A role by number or name, asked again at once on a typo: nobody types a PIN for a wrong role. */
async function askRole(io: CliIo, prompt: Prompter): Promise<Role> {
  for (;;) {
    const answer = await prompt.choice("Role (number or name): ", [...ROLES.map((_, i) => String(i + 1)), ...ROLES]);
    if (answer !== null) return (ROLES[Number(answer) - 1] ?? answer) as Role;
    io.err(`  That is not a role. Type its number (1-${ROLES.length}) or its name: ${ROLES.join(", ")}.`);
  }
}

/** "Internal witness, Risk, Director of Cybersecurity": role, organisation and, when given, job title. */
function personLine(p: Participant): string {
  return `${ROLE_TITLES[p.role]}, ${p.organisation}${p.title ? `, ${p.title}` : ""}`;
}

export async function choose(io: CliIo, prompt: Prompter, people: Participant[], what: string): Promise<Participant> {
  if (people.length === 0) throw new CeremonyError("NOBODY_ELIGIBLE", `Nobody signed in can be the ${what.toLowerCase()}.`);
  // One person who can: say who, rather than ask to choose from "[1-1]".
  if (people.length === 1) {
    const only = people[0]!;
    io.out(`  ${what}: ${only.name} (${personLine(only)}), the only one who can.`);
    return only;
  }
  const numbers = people.map((_, i) => String(i + 1));
  for (;;) {
    people.forEach((p, i) => io.out(`    ${i + 1}. ${p.name} (${personLine(p)})`));
    const answer = await prompt.choice(`  ${what} [1-${people.length}]: `, numbers);
    if (answer !== null) return people[Number(answer) - 1]!;
    io.err(`  Choose a number from 1 to ${people.length}.`);
  }
}

export async function yesNo(io: CliIo, prompt: Prompter, question: string): Promise<boolean> {
  // A question too long for one line (a long checklist item) is printed above a short prompt.
  let asked = `${question} [y/n] `;
  if (columns(asked) > TERMINAL_WIDTH) {
    io.out(question);
    asked = "  Yes or no? [y/n] ";
  }
  for (;;) {
    const answer = await prompt.choice(asked, ["y", "n", "yes", "no"]);
    if (answer !== null) return answer.startsWith("y");
    io.err("  Answer y or n.");
  }
}

const AFTER_FAILURE: Record<FailureOffer, { question: string; choices: readonly [string, string] }> = {
  retry: { question: '  Type "retry" to run the step again, or "abort" to stop the ceremony: ', choices: ["retry", "abort"] },
  "different-input": { question: '  Type "retry" to run it again with different input, or "abort" to stop the ceremony: ', choices: ["retry", "abort"] },
  none: { question: '  Type "abort" to stop the ceremony, or "exit" to leave it open and resume it later: ', choices: ["abort", "exit"] },
};

/**
 * After a failed step, what its error's advice kind allows (src/common/advice.ts): "retry" only
 * where retrying (or retrying with different input) can help, otherwise "abort" or "exit", which
 * leaves the ceremony open in the journal. Answers are typed in full (an answer that merely
 * starts with "a" must not stop a ceremony). An abort needs a reason, who decides it, and a
 * witness's PIN; when it does not happen the officer chooses again.
 */
export async function afterFailure(io: CliIo, prompt: Prompter, runner: CeremonyRunner, offer: FailureOffer): Promise<"retry" | "aborted" | "exit"> {
  const { question, choices } = AFTER_FAILURE[offer];
  for (;;) {
    const answer = await prompt.choice(question, choices);
    if (answer === "retry" || answer === "exit") return answer;
    if (answer === null) {
      io.err(`  Type the word "${choices[0]}" or the word "${choices[1]}".`);
      continue;
    }
    if (await abortCeremony(io, prompt, runner)) return "aborted";
  }
}

/** Dual-controlled abort; false when it did not happen (the officer chooses again). */
export async function abortCeremony(io: CliIo, prompt: Prompter, runner: CeremonyRunner): Promise<boolean> {
  // The prompt is short: the reason typed after it stays on the line.
  io.out("  The reason goes into the transcript; an empty reason goes back.");
  const reason = await prompt.ask("  Reason for the abort: ");
  if (!reason) return false;
  const people = runner.state().participants;
  const decider = await choose(io, prompt, people.filter((p) => ABORT_DECIDERS.includes(p.role)), "Person deciding the abort");
  const witness = await choose(io, prompt, people.filter((p) => p.role === "internal-witness" && p.id !== decider.id), "Internal witness confirming the abort");
  try {
    runner.abort(decider.id, reason, { participantId: witness.id, pin: await prompt.secret(`  ${witness.name}'s attestation PIN:`) });
    io.out(`  Aborted by ${decider.name}, witnessed by ${witness.name}: ${reason}`);
    return true;
  } catch (e) {
    if (!(e instanceof CeremonyError)) throw e;
    io.err(`  ${e.message}`);
    return false;
  }
}

/** Wipes the screen (and scrollback where supported) and tells the officer it did. */
export function clearCards(io: CliIo, prompt: Prompter, what: string): void {
  if (prompt.clearScreen()) io.out(`(Screen and scrollback cleared of ${what}.)`);
}

/**
 * The HSM PIN, asked only once the token it goes to is on screen: the officer compares its
 * serial with the inventory sheet first. Throws the HSM's error when the token is not there.
 */
export async function tokenThenPin(io: CliIo, prompt: Prompter, runner: CeremonyRunner, question: string): Promise<Buffer> {
  const t = await runner.connectToken();
  io.out(`  Token "${t.label}": serial ${t.serial} (${t.manufacturer} ${t.model}, firmware ${t.firmware}).`);
  io.out("  The crypto officer checks this serial against the inventory sheet before typing the PIN.");
  return prompt.secret(question);
}
