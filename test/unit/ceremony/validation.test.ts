import { describe, expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { ScriptValidationError } from "../../../src/ceremony/validation-error.ts";

const BASE = `id: table-test
title: Table test
version: 1
parameters:
  label:
    type: string
    description: key label
    default: ROOT-01
  algorithm:
    type: enum
    description: key algorithm
    values: [EC-P384, EC-P256]
    default: EC-P384
steps:
  - id: login
    title: Log in
    action:
      type: hsm.login
  - id: keygen
    title: Generate
    action:
      type: key.generate-pair
      params:
        label: \${label}
        algorithm: \${algorithm}
        purpose: ca-signing
        rotationMonths: 240
`;

function issuesOf(text: string, params?: string): string[] {
  try {
    loadScript(text, "test.yaml", params ? parseParams(params, "params.yaml") : undefined);
  } catch (e) {
    if (e instanceof ScriptValidationError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("script validation, with exact messages", () => {
  test("a valid script loads, parameters substituted with their types", () => {
    const script = loadScript(BASE, "test.yaml");
    expect(script.steps[1]!.resolvedParams).toEqual({ label: "ROOT-01", algorithm: "EC-P384", purpose: "ca-signing", rotationMonths: 240 });
    expect(script.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(script.roleMinimums["internal-witness"]).toBe(2);
    expect(script.steps[0]!.attestation).toEqual({ roles: ["internal-witness"], count: 2 });
  });

  test.each([
    ["an unknown top-level key", BASE.replace("version: 1", "version: 1\nversoin: 2"), ["versoin: unknown key (check its spelling)"]],
    ["an unknown step key", BASE.replace("    title: Log in", "    title: Log in\n    colour: red"), ["steps[0].colour: unknown key (check its spelling)"]],
    ["an unknown action", BASE.replace("type: hsm.login", "type: hsm.logon"), [expect.stringMatching(/^steps\[0\]\.action\.type: must be one of .*hsm\.login/)]],
    ["an action parameter out of its set", BASE.replace("purpose: ca-signing", "purpose: encryption"), ["steps[1].action.params.purpose: must be one of ca-signing, signing"]],
    ["an unknown action parameter", BASE.replace("purpose: ca-signing", "purpose: ca-signing\n        curve: P-521"), ["steps[1].action.params.curve: unknown key (check its spelling)"]],
    ["a missing action parameter", BASE.replace("        rotationMonths: 240\n", ""), ["steps[1].action.params.rotationMonths: is required"]],
    ["a wrong type", BASE.replace("version: 1", "version: one"), ["version: must be a number"]],
    ["a duplicate step id", BASE.replace("id: keygen", "id: login"), ["steps[1].id: \"login\" is used by an earlier step; step ids must be unique"]],
    ["a bad step id", BASE.replace("id: keygen", "id: Key Gen"), ["steps[1].id: must be lowercase letters, digits and hyphens, starting with a letter"]],
    ["a reference to an unknown parameter", BASE.replace("${label}", "${lable}"), ["steps[1].action.params.label: refers to parameter \"lable\", which the script does not define"]],
    ["attestation count zero", BASE.replace("    title: Log in\n", "    title: Log in\n    attestation:\n      roles: [internal-witness]\n      count: 0\n"), ["steps[0].attestation.count: must be at least 1"]],
    ["an unknown role", BASE.replace("version: 1", "version: 1\nroles:\n  intern: 2"), [expect.stringMatching(/^roles\.intern: /)]],
    ["a duplicate YAML key", BASE.replace("version: 1", "version: 1\nversion: 2"), [expect.stringMatching(/line 4.*: Map keys must be unique/)]],
    ["a YAML alias", BASE.replace("title: Table test", "title: &t Table test\ndescription: *t"), [expect.stringMatching(/anchors and aliases are not allowed|Alias/i)]],
  ])("%s", (_name, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });

  test("every problem is reported, not only the first", () => {
    const text = BASE.replace("purpose: ca-signing", "purpose: x").replace("type: hsm.login", "type: nope").replace("version: 1", "version: 0");
    expect(issuesOf(text)).toHaveLength(1); // the schema stage stops before actions are looked at
    const text2 = BASE.replace("purpose: ca-signing", "purpose: x").replace("type: hsm.login", "type: nope");
    expect(issuesOf(text2)).toEqual([
      expect.stringMatching(/^steps\[0\]\.action\.type: must be one of/),
      "steps[1].action.params.purpose: must be one of ca-signing, signing",
    ]);
  });

  test("parameter values are checked against their definitions", () => {
    expect(issuesOf(BASE, "parameters:\n  algorithm: RSA-1024\n")).toEqual([
      "parameters.algorithm: must be one of EC-P384, EC-P256",
    ]);
    expect(issuesOf(BASE, "parameters:\n  algorihtm: EC-P256\n")).toEqual([
      "parameters.algorihtm: is not a parameter of this script (check its spelling)",
    ]);
    expect(issuesOf(BASE.replace("    default: ROOT-01\n", ""))).toEqual([
      "parameters.label: is required; give it a value (in the parameters file, or on the start screen)",
    ]);
  });

  test("the error message names the file and says nothing was done on the HSM", () => {
    try {
      loadScript(BASE.replace("version: 1", "version: 0"), "root.yaml");
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe("root.yaml is not valid (1 problem):\n  version: must be at least 1\nFix the file and validate it again; nothing was done on the HSM.");
    }
  });

  test("a pattern is explained in the script's words, and an action's complaint lands on the parameter it came from", () => {
    const withPattern = BASE.replace("    default: ROOT-01\n", '    default: ROOT-01\n    pattern: "^[A-Z0-9-]+$"\n    patternHint: capital letters, digits and hyphens\n');
    expect(issuesOf(withPattern, "parameters:\n  label: root 01\n")).toEqual(["parameters.label: must be capital letters, digits and hyphens"]);
    expect(issuesOf(withPattern.replace("    patternHint: capital letters, digits and hyphens\n", ""), "parameters:\n  label: root 01\n")).toEqual([
      "parameters.label: is not in the form this script expects (pattern ^[A-Z0-9-]+$)",
    ]);
    const tooLong = "x".repeat(65);
    expect(issuesOf(BASE, `parameters:\n  label: ${tooLong}\n`)).toEqual(["parameters.label: must be at most 64 characters"]);
  });

  test("the parameters hash is over the resolved values, so a default given explicitly hashes the same", () => {
    const implicit = loadScript(BASE, "test.yaml");
    const explicit = loadScript(BASE, "test.yaml", parseParams("parameters:\n  algorithm: EC-P384\n", "p.yaml"));
    const other = loadScript(BASE, "test.yaml", parseParams("parameters:\n  algorithm: EC-P256\n", "p.yaml"));
    expect(explicit.parametersSha256).toBe(implicit.parametersSha256);
    expect(other.parametersSha256).not.toBe(implicit.parametersSha256);
  });

  test("a params file with unknown keys is rejected", () => {
    expect(() => parseParams("parameter:\n  x: 1\n", "p.yaml")).toThrow(/parameter: unknown key/);
  });
});

describe("named witnesses (requiredTitles), with exact messages", () => {
  const NAMED = BASE.replace(
    "parameters:",
    "requiredTitles:\n  - id: ciso\n    title: CISO or Director of Cybersecurity\n    anyOf: [CISO, Director of Cybersecurity]\nparameters:",
  ).replace("    title: Generate\n", "    title: Generate\n    attestation:\n      roles: [internal-witness]\n      count: 2\n      including: [ciso]\n");

  test("a requirement is resolved onto the steps that include it; the others keep the plain rule", () => {
    const script = loadScript(NAMED, "test.yaml");
    expect(script.namedWitnesses).toEqual([{ id: "ciso", title: "CISO or Director of Cybersecurity", anyOf: ["CISO", "Director of Cybersecurity"], roles: ["internal-witness"], count: 1 }]);
    expect(script.steps[1]!.rule).toEqual({
      roles: ["internal-witness"],
      count: 2,
      including: [{ title: "CISO or Director of Cybersecurity", anyOf: ["CISO", "Director of Cybersecurity"], roles: ["internal-witness"], count: 1 }],
    });
    expect(script.steps[0]!.rule).toEqual({ roles: ["internal-witness"], count: 2 });
  });

  test.each([
    ["an unknown id", NAMED.replace("including: [ciso]", "including: [cso]"), ['steps[1].attestation.including[0]: names "cso", which is not an id in requiredTitles']],
    ["a requirement for a role that does not attest the step", NAMED.replace("anyOf: [CISO, Director of Cybersecurity]", "anyOf: [CISO]\n    roles: [auditor]").replace("version: 1", "version: 1\nroles:\n  auditor: 1"), [
      'steps[1].attestation.including[0]: names "ciso", whose roles (auditor) do not attest this step (internal-witness)',
    ]],
    ["more named than the step counts", NAMED.replace("      count: 2\n      including", "      count: 1\n      including").replace("anyOf: [CISO, Director of Cybersecurity]", "anyOf: [CISO, Director of Cybersecurity]\n    count: 2"), [
      "steps[1].attestation.including: names more witnesses than the step's count of 1",
    ]],
    ["a requirement for more people than the roles bring", NAMED.replace("anyOf: [CISO, Director of Cybersecurity]", "anyOf: [CISO]\n    count: 3"), [
      "requiredTitles[0].roles: needs 3 internal-witness with this title, but the script asks for only 2 such people in roles",
      "steps[1].attestation.including: names more witnesses than the step's count of 2",
    ]],
    ["a duplicate id", NAMED.replace("parameters:", "  - id: ciso\n    title: Again\n    anyOf: [CISO]\nparameters:"), ['requiredTitles[1].id: "ciso" is used by an earlier requirement; ids must be unique']],
    ["an empty anyOf", NAMED.replace("anyOf: [CISO, Director of Cybersecurity]", "anyOf: []"), [expect.stringMatching(/^requiredTitles\[0\]\.anyOf: /)]],
    ["a misspelt key", NAMED.replace("anyOf:", "anyof:"), [expect.stringMatching(/requiredTitles\[0\]\.(anyof: unknown key|anyOf: )/), expect.stringMatching(/requiredTitles\[0\]\.(anyof: unknown key|anyOf: )/)]],
  ])("%s", (_name, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });
});
