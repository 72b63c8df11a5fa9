/**
 * The printed ceremony script's content, built from a validated script and its parameters (the
 * same LoadedScript a ceremony starts from, so the hashes on the paper are the ones
 * ceremony.started records).
 */
import { MILESTONE_DIGITS } from "../journal/index.ts";
import type { CeremonyScriptInput, PrintedBlank } from "../print/index.ts";
import type { LoadedScript } from "./load-script.ts";
import { FINGERPRINT_COPY_DIGITS, paperBlanksForStep } from "./paper-blanks.ts";
import { ROLE_TITLES, ROLES, type Role } from "./roles.ts";
import { describeNamedWitness } from "../common/index.ts";

/** Short codes for the initials boxes: W1 is the first internal witness. */
const ROLE_CODES: Record<Role, string> = {
  "ceremony-administrator": "A",
  "crypto-officer": "CO",
  "internal-witness": "W",
  "share-holder": "H",
  auditor: "AU",
};

const CLOSING: readonly PrintedBlank[] = [
  { label: "Ceremony ID", copy: "as the screen shows it", chars: 32 },
  { label: "Final journal head", copy: `first ${MILESTONE_DIGITS} hex digits`, chars: MILESTONE_DIGITS + 2 },
  { label: "Journal events", copy: "the number", chars: 8 },
  { label: "Transcript signer fingerprint", copy: `first ${FINGERPRINT_COPY_DIGITS} hex digits`, chars: FINGERPRINT_COPY_DIGITS + 4 },
];

export function paperScriptInput(script: LoadedScript, options: { rehearsal: boolean; printedAt: Date }): CeremonyScriptInput {
  const roster: Array<{ code: string; role: string; roleName: Role }> = [];
  // The first people of a role are the named witnesses the policy requires (W1: the CISO), so the paper says who they must be.
  const named = script.namedWitnesses.flatMap((rule) => Array.from({ length: rule.count }, () => rule));
  for (const role of ROLES) {
    const count = script.roleMinimums[role];
    for (let i = 1; i <= count; i++) {
      const k = named.findIndex((rule) => rule.roles.includes(role));
      const title = k === -1 ? "" : ` (${named.splice(k, 1)[0]!.title})`;
      roster.push({ code: `${ROLE_CODES[role]}${i}`, role: `${ROLE_TITLES[role]}${title}`, roleName: role });
    }
  }
  const definition = script.definition;
  return {
    rehearsal: options.rehearsal,
    title: definition.title,
    scriptFile: script.fileName,
    scriptId: definition.id,
    version: definition.version,
    ...(definition.description ? { description: definition.description.trim() } : {}),
    scriptSha256: script.sha256,
    parametersSha256: script.parametersSha256,
    printedAt: options.printedAt.toISOString(),
    parameters: Object.entries(script.parameters).map(([name, value]) => ({
      label: definition.parameters[name]?.description ?? name,
      value: typeof value === "string" ? value : JSON.stringify(value),
    })),
    roster: roster.map(({ code, role }) => ({ code, role })),
    steps: script.steps.map((step) => ({
      number: step.index + 1,
      title: step.title,
      performer: ROLE_TITLES[step.performer],
      instructions: step.instructions.replace(/\s+/g, " ").trim(),
      checklist: step.checklist,
      blanks: paperBlanksForStep(step).map(({ label, copy, chars }) => ({ label, copy, chars })),
      attestation: `${step.attestation.count} of: ${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(", ")}${(step.rule.including ?? []).map((r) => `, including ${describeNamedWitness(r)}`).join("")}`,
      initials: roster.filter((r) => step.attestation.roles.includes(r.roleName)).map((r) => r.code),
    })),
    closing: CLOSING,
  };
}
