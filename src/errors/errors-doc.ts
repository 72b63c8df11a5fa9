/**
 * docs/errors.md, rendered from the registry. `npm run docs:errors` writes it; the registry test
 * fails when the file in the repository differs, so the document cannot drift from the code.
 */
import { ADVICE_KINDS, ADVICE_TEXT, ERROR_TABLES, type ErrorEntry } from "./registry.ts";

const KIND_TITLES = { retry: "retry", "choose-another": "choose another", stop: "stop" } as const;

const OFFERS = {
  retry: 'Only these errors offer "Retry" (at the terminal, "retry").',
  "choose-another":
    'At a step that reads a file or share cards, the screen offers "Choose a different file" or "Enter different cards" (at the terminal, "retry" with different input); anywhere else no retry is offered, only Abort.',
  stop: 'No retry is offered: the screen says to stop and call the ceremony administrator, and offers Abort.',
} as const;

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function row(code: string, e: ErrorEntry): string {
  return `| \`${code}\` | ${e.layer} | ${e.classes.join(", ")} | ${KIND_TITLES[e.advice]} | ${cell(e.officer)} |`;
}

export function renderErrorsDoc(): string {
  const out = [
    "# Error codes",
    "",
    "<!-- Generated from src/errors/registry.ts by `npm run docs:errors`; do not edit by hand. -->",
    "",
    "Every error the application shows carries a stable code. The message on screen adds the particulars",
    "(which key, which card, which file); the sentence here says in general what happened and what to do.",
    "Each code has one advice kind, which decides what the screens and the terminal offer after a failed step",
    "(src/common/advice.ts); the screens and the terminal show the kind's sentence under the message:",
    "",
    ...ADVICE_KINDS.map((k) => `- **${KIND_TITLES[k]}** — ${ADVICE_TEXT[k]} ${OFFERS[k]}`),
    "",
    "Where no retry is offered, the terminal asks for \"abort\" or \"exit\": exit leaves the ceremony open in its journal,",
    "and the same command run again with the same `--journal` resumes it at that step. An abort is dual-controlled: a witness confirms it with their PIN.",
    "",
    "A PKCS#11 code (`CKR_…`) the HSM returns that is not listed below is shown under its own name with the advice of `CKR_UNLISTED`.",
    "Class `VerifyFailure` marks a finding of `ceremony verify`, not a thrown error.",
  ];
  for (const table of ERROR_TABLES) {
    out.push("", `## ${table.title}`, "", "| Code | Layer | Class | Advice | What happened, what to do |", "| --- | --- | --- | --- | --- |");
    for (const [code, e] of Object.entries(table.codes) as Array<[string, ErrorEntry]>) out.push(row(code, e));
  }
  return `${out.join("\n")}\n`;
}
