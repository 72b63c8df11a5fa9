/**
 * parseCsr under fuzzing, 10,000 cases in `npm run test:fuzz`, 400 in `npm test` (test/unit/pki/csr.test.ts has 2,700 more): requests made
 * by node:crypto and by stock OpenSSL, in DER and PEM, mutated (bits flipped, bytes set,
 * inserted, deleted, duplicated, truncated). parseCsr throws only CsrError, never takes long, and
 * never accepts a corruption: whatever it accepts is, byte for byte, the request it was given.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CsrError, derToPem, parseCsr, pemToDer } from "../../../src/pki/index.ts";
import { rawExtension } from "../../../src/pki/extensions.ts";
import { buildCsr } from "../pki/pki-fixtures.ts";
import { casesLabel, fuzzCases } from "./budget.ts";
import { applyBytes, byteMutation, onlyThrows } from "./mutations.ts";

const dir = mkdtempSync(join(tmpdir(), "csr-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslCsr(): Buffer {
  const path = join(dir, "openssl.csr");
  execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", join(dir, "key.pem"), "-subj", "/C=DE/O=Example GmbH/CN=Example Issuing CA 2", "-out", path], { stdio: "pipe" });
  return pemToDer(readFileSync(path, "latin1"), ["CERTIFICATE REQUEST"]);
}

const SEEDS = [
  buildCsr({ key: "EC-P256" }),
  buildCsr({ key: "EC-P384", extensions: [rawExtension("2.5.29.19", true, Buffer.from("30030101ff", "hex"))] }),
  buildCsr({ key: "RSA-2048" }),
  buildCsr({ key: "Ed25519" }),
  opensslCsr(),
];
const SEED = 20_260_502;

/** Throws only CsrError; and what it accepts is exactly `seed`. */
function parsesOnlyItself(input: Uint8Array | string, seed: Buffer): boolean {
  return onlyThrows([CsrError], () => {
    const csr = parseCsr(input);
    if (!csr.der.equals(seed)) throw new Error(`parseCsr accepted a changed request: ${csr.der.toString("hex")}`);
  });
}

describe("parseCsr under fuzzing", () => {
  it("accepts every seed", () => {
    for (const seed of SEEDS) expect(parseCsr(seed).der.equals(seed)).toBe(true);
  });

  it(`mutated DER: only CsrError, never a changed request accepted ${casesLabel(7000)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 6 }), (i, ops) => {
        const seed = SEEDS[i]!;
        const mutated = applyBytes(seed, ops);
        return mutated.equals(seed) || parsesOnlyItself(mutated, seed);
      }),
      fuzzCases(7000, SEED),
    );
  });

  it(`mutated PEM text: only CsrError, never a changed request accepted ${casesLabel(3000)}`, () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (i, ops) => {
        const seed = SEEDS[i]!;
        const pem = Buffer.from(derToPem(seed, "CERTIFICATE REQUEST"));
        return parsesOnlyItself(applyBytes(pem, ops).toString("latin1"), seed);
      }),
      fuzzCases(3000, SEED + 1),
    );
  });
});
