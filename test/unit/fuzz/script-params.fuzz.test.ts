/**
 * Ceremony scripts and parameter files under fuzzing: the real scripts of ceremony-scripts/ and
 * the demo's parameter files, mutated (bytes flipped, deleted, inserted, YAML tokens inserted,
 * keys renamed, lines duplicated, swapped, deleted or re-indented, values replaced), and random
 * text. loadScript and parseParams may only ever throw ScriptValidationError, and never hang.
 * 10,000 cases each in `npm run test:fuzz`, a fixed-seed 400 in `npm test` (see budget.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { ScriptValidationError } from "../../../src/ceremony/validation-error.ts";
import { casesLabel, fuzzCases } from "./budget.ts";
import { applyText, onlyThrows, textMutation } from "./mutations.ts";

const SCRIPTS_DIR = resolve(import.meta.dirname, "../../../ceremony-scripts");

/** Each real script with a parameter file as the demo, a rehearsal or an officer would write it. */
const SEEDS = [
  { script: "root-ca.yaml", params: 'parameters:\n  subject: "CN=Demo Root CA R1, O=Ceremony Workstation Demo, C=US"\n' },
  { script: "intermediate-signing.yaml", params: 'parameters:\n  rootCertificate: "/media/usb/root-ca-r1.pem"\n  validityYears: 5\n' },
  {
    script: "crl-signing.yaml",
    params: 'parameters:\n  rootCertificate: "/media/usb/root-ca-r1.pem"\n  revoked:\n    - serial: "7A3F19C2D48E0B51"\n      date: "2026-10-01"\n      reason: keyCompromise\n',
  },
  { script: "master-key.yaml", params: "parameters:\n  threshold: 3\n  cardCount: 5\n" },
  { script: "key-recovery.yaml", params: 'parameters:\n  bundle: "/media/usb/04-master-key"\n' },
  { script: "key-destruction.yaml", params: 'parameters:\n  keyLabel: KEK-01\n  expectedId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"\n' },
  { script: "root-rotation.yaml", params: 'parameters:\n  oldRootCertificate: "/media/usb/01-root-ca/certs/root-ca-r1.pem"\n  subject: "CN=Demo Root CA R2, O=Ceremony Workstation Demo, C=US"\n' },
  { script: "kek-rotation.yaml", params: 'parameters:\n  oldKeyId: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"\n  threshold: 2\n  cardCount: 3\n  overlapDays: 30\n' },
  {
    script: "re-escrow.yaml",
    params:
      'parameters:\n  previousBundle: "/media/usb/04-master-key"\n  trigger: holder-left\n  reason: "Ivo Holder left (HR ticket 4411)"\n  threshold: 2\n  cardCount: 3\n  cardsCollected: ["1 1A2B 3C4D 5E6F 7A8B"]\n',
  },
  {
    script: "root-ca.yaml",
    params: [
      "parameters:",
      "  keyLabel: ROOT-CA-R2",
      "  algorithm: EC-P256",
      "  validityYears: 10",
      "participants:",
      "  - name: Ada Administrator",
      "    role: ceremony-administrator",
      "    organisation: Security Operations",
      "    attestationPin: ada-attest-2026",
      "  - name: Wen Witness",
      "    role: internal-witness",
      "    organisation: Internal Audit",
      "token:",
      "  label: ceremony",
      "  serial: 0123456789abcdef",
      "",
    ].join("\n"),
  },
].map((s) => ({ ...s, text: readFileSync(join(SCRIPTS_DIR, s.script), "utf8") }));

// yaml warns on stderr for every mapping key that is itself a map or list (mutations make
// many); loadScript then rejects the stringified key like any other unknown key.
const emitWarning = process.emitWarning;
beforeAll(() => {
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    if (!String(warning).includes("Keys with collection values")) emitWarning.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
});
afterAll(() => {
  process.emitWarning = emitWarning;
});

const SEED = 20_260_501;
const RUNS = 10_000;

describe("the seeds are valid", () => {
  it("every script of ceremony-scripts/ is a seed", () => {
    expect(new Set(SEEDS.map((s) => s.script))).toEqual(new Set(readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith(".yaml"))));
  });
  it.each(SEEDS)("$script loads with its parameters", ({ script, text, params }) => {
    expect(loadScript(text, script, parseParams(params, "params.yaml")).steps.length).toBeGreaterThan(0);
  });
});

describe("loadScript under fuzzing", () => {
  it(`throws only ScriptValidationError on mutated scripts, never hangs ${casesLabel(RUNS)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (i, ops) => {
        const seed = SEEDS[i]!;
        const params = parseParams(seed.params, "params.yaml");
        return onlyThrows([ScriptValidationError], () => loadScript(applyText(seed.text, ops), seed.script, params));
      }),
      fuzzCases(RUNS - 1000, SEED),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: "binary", maxLength: 400 })), (text) => onlyThrows([ScriptValidationError], () => loadScript(text, "random.yaml"))),
      fuzzCases(1000, SEED),
    );
  });
});

describe("parseParams under fuzzing", () => {
  it(`throws only ScriptValidationError on mutated parameter files, also when checked against the script ${casesLabel(RUNS)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(textMutation, { minLength: 1, maxLength: 4 }), (i, ops) => {
        const seed = SEEDS[i]!;
        const text = applyText(seed.params, ops);
        return onlyThrows([ScriptValidationError], () => loadScript(seed.text, seed.script, parseParams(text, "params.yaml")));
      }),
      fuzzCases(RUNS - 1000, SEED + 1),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 })), (text) => onlyThrows([ScriptValidationError], () => parseParams(text, "random.yaml"))),
      fuzzCases(1000, SEED + 1),
    );
  });
});
