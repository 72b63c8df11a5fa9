/**
 * The one decision the escrow step and the preflight make over the wrap known-answer tests
 * (src/hsm/key-wrap-choice.ts decideWrap), for the outcomes real modules cannot all be made to
 * give here: a token that allows no test key at all (KWP taken by its name, a vendor number by
 * our table, 0x210A never), and the preference for the mechanism a transcript recorded.
 */
import { expect, test } from "vitest";
import { decideWrap, wrapMechanismOfName, type WrapEvidence } from "../../../src/hsm/key-wrap-choice.ts";

const KWP = 0x210b;
const PAD = 0x210a;
const LUNA = 0x80000171;
const AWS = 0x8000216f;
const matched = (mechanism: number): WrapEvidence => ({ mechanism, shape: { outcome: "matched" }, rfc: { outcome: "matched" } });
const differs = (mechanism: number): WrapEvidence => ({ mechanism, shape: { outcome: "differs", length: 48 }, rfc: { outcome: "differs" } });
const noTestKey = (mechanism: number): WrapEvidence => ({ mechanism, shape: { outcome: "not-possible", code: "CKR_TEMPLATE_INCONSISTENT" }, rfc: { outcome: "not-possible" } });

test.each([
  ["0x210B proven", [matched(KWP), matched(PAD)], KWP, true],
  ["0x210A only when its bytes are RFC 5649's", [differs(PAD), matched(LUNA)], LUNA, true],
  ["KWP by its name where no test key can be made", [noTestKey(KWP)], KWP, false],
  ["a vendor number by our table where no test key can be made, marked untested", [differs(PAD), noTestKey(AWS)], AWS, false],
  ["never 0x210A untested", [noTestKey(PAD)], null, false],
  ["nothing that gives RFC 5649", [differs(KWP), differs(PAD), differs(LUNA)], null, false],
] as const)("%s", (_name, evidence, mechanism, proven) => {
  const { choice, tried } = decideWrap(evidence);
  expect(choice?.mechanism ?? null).toBe(mechanism);
  if (choice) expect(choice.proven).toBe(proven);
  if (choice && !proven) expect(choice).toMatchObject({ notTested: "CKR_TEMPLATE_INCONSISTENT", proof: expect.stringContaining("known-answer test not possible on this token (CKR_TEMPLATE_INCONSISTENT)") });
  if (mechanism === AWS) expect(choice!.proof).toMatch(/^vendor table, untested: AWS CloudHSM Client SDK 5/);
  if (!choice) expect(tried.length).toBe(evidence.length);
});

test("the mechanism a transcript recorded comes first where it is proven here too", () => {
  const evidence = [matched(KWP), matched(AWS)];
  expect(decideWrap(evidence).choice?.mechanism).toBe(KWP);
  expect(decideWrap(evidence, wrapMechanismOfName("AWS CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD (0x8000216F)")).choice?.mechanism).toBe(AWS);
  // Recorded but not RFC 5649 on this token: the proven one is used instead.
  expect(decideWrap([matched(KWP), differs(PAD)], wrapMechanismOfName("CKM_AES_KEY_WRAP_PAD (0x210A)")).choice?.mechanism).toBe(KWP);
  expect(wrapMechanismOfName("AES key wrap with padding (RFC 5649)")).toBeUndefined();
});
