/**
 * The minimal templates and the policies they are checked against (src/hsm/templates.ts,
 * src/hsm/key-policy.ts): what the minimal templates leave out and what they must keep.
 */
import { expect, test } from "vitest";
import { CKA } from "../../../src/hsm/constants.ts";
import { policyOf } from "../../../src/hsm/key-policy.ts";
import { kekAttributes, minimalSecretKeyAttributes, minimalSigningKeyPairTemplates, policyViolations, probeAttributes, SIGNING_KEY_POLICY, signingKeyPairTemplates } from "../../../src/hsm/templates.ts";

const NAMES = new Map<number, string>(Object.entries(CKA).map(([name, type]) => [type, name]));
const named = (t: Array<{ type: number; value?: unknown }>): Record<string, unknown> => Object.fromEntries(t.map((a) => [NAMES.get(a.type), Buffer.isBuffer(a.value) ? "bytes" : a.value]));

test("a secret key's minimal template keeps what must be true and its secrecy, and drops only the false usage limits", () => {
  expect(named(minimalSecretKeyAttributes(kekAttributes(true, true)))).toEqual({ TOKEN: true, PRIVATE: true, SENSITIVE: true, EXTRACTABLE: true, WRAP: true, UNWRAP: true });
  // A transport key may not be extracted at all: EXTRACTABLE false is secrecy, not usage, and stays.
  expect(named(minimalSecretKeyAttributes(kekAttributes(false, false)))).toEqual({ TOKEN: false, PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, WRAP: true, UNWRAP: true });
  expect(named(minimalSecretKeyAttributes(probeAttributes()))).toEqual({ TOKEN: false, PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, ENCRYPT: true, SIGN: true });
});

test("the policy a secret key is checked against is everything its full template says", () => {
  expect(policyOf(kekAttributes(true, true))).toEqual({
    TOKEN: true,
    PRIVATE: true,
    SENSITIVE: true,
    EXTRACTABLE: true,
    WRAP: true,
    UNWRAP: true,
    ENCRYPT: false,
    DECRYPT: false,
    SIGN: false,
    VERIFY: false,
    DERIVE: false,
  });
});

test("a key pair's minimal template keeps every limit of the private half and leaves the public half's usage to the module", () => {
  const id = Buffer.from("01", "hex");
  const minimal = minimalSigningKeyPairTemplates("k", id);
  expect(named(minimal.privateTemplate)).toEqual(named(signingKeyPairTemplates("k", id).privateTemplate));
  expect(named(minimal.publicTemplate)).toEqual({ TOKEN: true, LABEL: "k", ID: "bytes" });
  // The private half's limits are all required, whatever template made the key.
  expect(SIGNING_KEY_POLICY.private).toMatchObject({ PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, NEVER_EXTRACTABLE: true, SIGN: true, DECRYPT: false, UNWRAP: false, DERIVE: false });
});

test("an attribute the token cannot report counts as not meeting the policy", () => {
  expect(policyViolations({ DERIVE: false, SIGN: true }, { DERIVE: null, SIGN: true })).toEqual(["DERIVE is unreadable, must be false"]);
  expect(policyViolations({ DECRYPT: false }, { DECRYPT: true })).toEqual(["DECRYPT is true, must be false"]);
  expect(policyViolations({ DECRYPT: false }, { DECRYPT: false })).toEqual([]);
});
