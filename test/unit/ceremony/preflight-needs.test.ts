/**
 * Which keys made before the ceremony the preflight looks for (and the login step, where the token
 * hides them before a login): every key a step signs with or checks, but not one an earlier step
 * of the same script makes. Derived from the shipped scripts and their parameters, no HSM touched.
 */
import { resolve } from "node:path";
import { expect, test } from "vitest";
import { loadScript, parseParams } from "../../../src/ceremony/load-script.ts";
import { needsOfScript } from "../../../src/ceremony/preflight-needs.ts";
import { readFileSync } from "node:fs";

const SCRIPTS = resolve(import.meta.dirname, "../../../ceremony-scripts");

function existingKeys(file: string, params: string): Array<{ label: string | undefined; steps: number[] }> {
  const script = loadScript(readFileSync(resolve(SCRIPTS, file), "utf8"), file, parseParams(params, "parameters"));
  return needsOfScript(script)
    .filter((n) => n.existingKeyLabel)
    .map((n) => ({ label: n.existingKeyLabel, steps: n.steps }));
}

const stepOf = (file: string, action: string, nth = 0): number => {
  const script = loadScript(readFileSync(resolve(SCRIPTS, file), "utf8"), file, parseParams("parameters:\n  oldRootCertificate: /etc/hostname\n", "parameters"));
  return script.steps.filter((s) => s.action.type === action)[nth]!.index + 1;
};

test("intermediate and CRL signing look for the issuing key", () => {
  expect(existingKeys("intermediate-signing.yaml", "parameters:\n  rootCertificate: /etc/hostname\n")).toEqual([{ label: "ROOT-CA-R1", steps: [4] }]);
  expect(existingKeys("crl-signing.yaml", "parameters:\n  rootKeyLabel: ROOT-CA-R7\n  rootCertificate: /etc/hostname\n").map((k) => k.label)).toEqual(["ROOT-CA-R7"]);
});

test("a root rotation looks for the old root's key (checked, then signing the cross-certificate), never for the new root's key it makes", () => {
  const file = "root-rotation.yaml";
  expect(existingKeys(file, "parameters:\n  oldRootCertificate: /etc/hostname\n")).toEqual([
    { label: "ROOT-CA-R1", steps: [stepOf(file, "pki.check-root-key"), stepOf(file, "pki.cross-certificate")] },
  ]);
  // With the reverse cross-certificate switched off, the same: the new key was never an existing one.
  expect(existingKeys(file, "parameters:\n  oldRootCertificate: /etc/hostname\n  reverseCross: false\n")).toEqual([
    { label: "ROOT-CA-R1", steps: [stepOf(file, "pki.check-root-key"), stepOf(file, "pki.cross-certificate")] },
  ]);
});

test("a root CA ceremony looks for no existing key: it makes its own", () => {
  expect(existingKeys("root-ca.yaml", "parameters: {}\n")).toEqual([]);
});

test("a KEK rotation looks for the old KEK (a secret key, checked right after the login before anything is made), never for the new KEK", () => {
  const file = "kek-rotation.yaml";
  const script = loadScript(readFileSync(resolve(SCRIPTS, file), "utf8"), file, parseParams('parameters:\n  oldKeyId: "0a0b"\n', "parameters"));
  const check = script.steps.find((s) => s.action.type === "key.check-old")!.index + 1;
  const generate = script.steps.find((s) => s.action.type === "kek.generate")!.index + 1;
  expect(check).toBeLessThan(generate);
  const existing = needsOfScript(script).filter((n) => n.existingKeyLabel);
  expect(existing).toEqual([expect.objectContaining({ existingKeyLabel: "KEK-01", existingSecret: true, steps: [check] })]);
  // Its KCVs are computed on a throwaway copy, as the escrow step's are: those needs name the check step too.
  expect(needsOfScript(script).find((n) => n.id === "kcv")!.steps).toContain(check);
});
