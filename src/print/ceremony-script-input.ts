import { PrintInputError } from "./errors.ts";
import { requireArray, requireHex, requireInteger, requireIsoDate, requireText, optionalText } from "./validate.ts";

/** A blank on the paper for a value the screen asks witnesses to write down. */
export interface PrintedBlank {
  label: string;
  /** Which part to copy: "first 16 hex digits". */
  copy: string;
  /** Room to leave, in characters. */
  chars: number;
}

export interface PrintedScriptStep {
  number: number;
  title: string;
  /** Who performs it, as a role title. */
  performer: string;
  instructions: string;
  checklist: readonly string[];
  blanks: readonly PrintedBlank[];
  /** "2 of: Internal witness" */
  attestation: string;
  /** One initials box per person who may attest, by roster code ("W1", "W2"). */
  initials: readonly string[];
}

/** The paper script handed out before a ceremony: plain data, built from a validated script. */
export interface CeremonyScriptInput {
  rehearsal: boolean;
  title: string;
  scriptFile: string;
  scriptId: string;
  version: number;
  description?: string;
  /** SHA-256 of the script text and of the resolved parameters; both recorded at ceremony.started. */
  scriptSha256: string;
  parametersSha256: string;
  /** ISO-8601; also the PDF's creation date. */
  printedAt: string;
  parameters: ReadonlyArray<{ label: string; value: string }>;
  /** People expected in the room, each with the code used in the initials boxes. */
  roster: ReadonlyArray<{ code: string; role: string }>;
  steps: readonly PrintedScriptStep[];
  /** What the end screen asks witnesses to copy (final journal head, signer fingerprint). */
  closing: readonly PrintedBlank[];
}

export function validateCeremonyScriptInput(input: CeremonyScriptInput): void {
  if (typeof input.rehearsal !== "boolean") throw new PrintInputError("rehearsal", "must be true or false");
  requireText(input.title, "title", 200);
  requireText(input.scriptFile, "scriptFile", 256);
  requireText(input.scriptId, "scriptId", 100);
  requireInteger(input.version, "version", 1, 1_000_000);
  optionalText(input.description, "description", 5000);
  requireHex(input.scriptSha256, "scriptSha256", 64);
  requireHex(input.parametersSha256, "parametersSha256", 64);
  requireIsoDate(input.printedAt, "printedAt");
  requireArray(input.parameters, "parameters").forEach((p, i) => {
    requireText(p?.label, `parameters[${i}].label`, 500);
    if (typeof p.value !== "string") throw new PrintInputError(`parameters[${i}].value`, "must be text");
  });
  const codes = new Set<string>();
  requireArray(input.roster, "roster", 1).forEach((r, i) => {
    const code = requireText(r?.code, `roster[${i}].code`, 8);
    if (codes.has(code)) throw new PrintInputError(`roster[${i}].code`, `repeats "${code}"`);
    codes.add(code);
    requireText(r.role, `roster[${i}].role`, 100);
  });
  requireArray(input.steps, "steps", 1).forEach((step, i) => {
    const path = `steps[${i}]`;
    requireInteger(step?.number, `${path}.number`, 1, 1000);
    requireText(step.title, `${path}.title`, 200);
    requireText(step.performer, `${path}.performer`, 100);
    if (typeof step.instructions !== "string") throw new PrintInputError(`${path}.instructions`, "must be text");
    requireArray(step.checklist, `${path}.checklist`).forEach((c, j) => requireText(c, `${path}.checklist[${j}]`, 300));
    validateBlanks(step.blanks, `${path}.blanks`);
    requireText(step.attestation, `${path}.attestation`, 200);
    requireArray(step.initials, `${path}.initials`).forEach((code, j) => {
      if (!codes.has(code)) throw new PrintInputError(`${path}.initials[${j}]`, `names "${code}", who is not on the roster`);
    });
  });
  validateBlanks(input.closing, "closing");
}

function validateBlanks(blanks: readonly PrintedBlank[], path: string): void {
  requireArray(blanks, path).forEach((b, j) => {
    requireText(b?.label, `${path}[${j}].label`, 200);
    requireText(b.copy, `${path}[${j}].copy`, 100);
    requireInteger(b.chars, `${path}[${j}].chars`, 1, 80);
  });
}
