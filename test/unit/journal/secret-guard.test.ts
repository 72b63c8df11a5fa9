import { describe, expect, it } from "vitest";
import { findSecret } from "../../../src/journal/secret-guard.ts";

describe("secret guard", () => {
  it.each(["pin", "pins", "soPin", "userPin", "secret", "share", "shares", "escrowKey", "keyBytes", "plaintext", "SO_PIN", "user-pin"])(
    "finds a member named %s at any depth",
    (name) => {
      expect(findSecret({ step: { holders: [{ ok: 1 }, { [name]: "x" }] } })).toEqual({
        path: /^\w+$/.test(name) ? `body.step.holders[1].${name}` : `body.step.holders[1]["${name}"]`,
        why: `a member named "${name}" holds a secret`,
      });
    },
  );

  it.each([
    [Buffer.from("k"), "body.a"],
    [new Uint8Array(1), "body.a"],
    [new ArrayBuffer(1), "body.a"],
    [[1, new Uint16Array(1)], "body.a[1]"],
  ])("finds binary values", (value, path) => {
    expect(findSecret({ a: value })?.path).toBe(path);
  });

  it("lets fingerprints, check values and ordinary names through", () => {
    expect(findSecret({ shareFingerprints: ["ab12"], kcvEcb0: "F29000", pinPad: false, spinner: "x", kind: "share-fingerprints" })).toBeNull();
  });
});
