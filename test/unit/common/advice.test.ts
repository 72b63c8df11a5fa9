/**
 * Error advice follows the error's kind (docs/errors.md): the offer after a failed step, the
 * advice that crosses to the renderer with each error, and the renderer's own errors, all from
 * the one registry.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { apiError, stepError } from "../../../src/api/api-error.ts";
import { ApiError, StepView } from "../../../src/api/contract.ts";
import { ADVICE_KINDS, ADVICE_TEXT, failureOffer, type AdviceKind, type FailureOffer } from "../../../src/common/advice.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { ERROR_REGISTRY, adviceKindOf } from "../../../src/errors/registry.ts";
import { toHsmError } from "../../../src/hsm/errors.ts";

const ROOT = join(import.meta.dirname, "../../..");

describe("what a failed step offers besides Abort", () => {
  test.each<[AdviceKind, string[], FailureOffer]>([
    ["retry", [], "retry"],
    ["retry", ["hsm-pin"], "retry"],
    ["retry", ["file"], "retry"],
    ["choose-another", ["file"], "different-input"],
    ["choose-another", ["shares"], "different-input"],
    ["choose-another", ["hsm-pin", "shares"], "different-input"],
    // Another PIN does not give the token a mechanism it lacks.
    ["choose-another", ["hsm-pin"], "none"],
    ["choose-another", [], "none"],
    ["stop", [], "none"],
    ["stop", ["file"], "none"],
    ["stop", ["hsm-pin", "shares"], "none"],
  ])("%s at a step that needs %j: %s", (kind, needs, offer) => {
    expect(failureOffer(kind, needs)).toBe(offer);
  });

  test("a capability error from the HSM is never offered a retry at a step without file or cards", () => {
    for (const code of Object.keys(ERROR_REGISTRY).filter((c) => c.startsWith("CKR_"))) {
      const error = toHsmError(new Error(`${code}:0`), "C_GenerateKeyPair");
      const offer = failureOffer(error.advice, ["hsm-pin"]);
      expect(offer === "retry", code).toBe(ERROR_REGISTRY[code as keyof typeof ERROR_REGISTRY].advice === "retry");
    }
    expect(failureOffer(toHsmError(new Error("CKR_MECHANISM_INVALID:112"), "C_GenerateKeyPair").advice, [])).toBe("none");
  });

  test("each kind has one sentence, and only the retry kind's says to retry", () => {
    for (const kind of ADVICE_KINDS) expect(ADVICE_TEXT[kind], kind).toMatch(/^[A-Z].*\.$/);
    expect(ADVICE_TEXT.retry).toMatch(/\bretry\b/i);
    expect(ADVICE_TEXT["choose-another"]).not.toMatch(/\bretry\b/i);
    expect(ADVICE_TEXT.stop).toMatch(/^Stop: do not retry\. Call the ceremony administrator/);
  });
});

describe("the advice that crosses to the renderer", () => {
  test.each([
    ["CKR_PIN_INCORRECT", "retry"],
    ["CKR_MECHANISM_INVALID", "choose-another"],
    ["CKR_KEY_SIZE_RANGE", "choose-another"],
    ["CKR_PIN_LOCKED", "stop"],
    // An unlisted CKR_ code takes CKR_UNLISTED's advice; an unknown code ACTION_FAILED's.
    ["CKR_VENDOR_DEFINED", "stop"],
    ["NOT_A_CODE", "stop"],
  ])("%s: %s, with its sentence, in the contract's strict shape", (code, advice) => {
    const error = apiError("HsmError", code, "message for the officer");
    expect(error).toEqual({ name: "HsmError", code, message: "message for the officer", advice, adviceText: ADVICE_TEXT[advice as AdviceKind] });
    expect(ApiError.strict().parse(error)).toEqual(error);
  });

  test("an error that carries its own advice keeps it", () => {
    const e = new CeremonyError("CKR_GENERAL_ERROR", "x", { advice: "choose-another" });
    expect(apiError(e.name, e.code, e.message, e.advice)).toMatchObject({ advice: "choose-another", adviceText: ADVICE_TEXT["choose-another"] });
  });

  test("a step's journaled failure gets its code's advice in the view, and the view refuses a failure without one", () => {
    const shown = stepError({ code: "CKR_MECHANISM_INVALID", message: "This HSM does not support the requested algorithm." });
    expect(shown).toEqual({ code: "CKR_MECHANISM_INVALID", message: "This HSM does not support the requested algorithm.", advice: "choose-another", adviceText: ADVICE_TEXT["choose-another"] });
    const lastError = StepView.shape.lastError;
    expect(lastError.parse(shown)).toEqual(shown);
    expect(lastError.safeParse({ code: "CKR_MECHANISM_INVALID", message: "m" }).success).toBe(false);
  });

  test("the renderer's own errors carry the advice the registry gives their codes", () => {
    const client = readFileSync(join(ROOT, "renderer/src/api/ceremony-client.ts"), "utf8");
    const made = [...client.matchAll(/rendererError\(\s*"\w+",\s*"([A-Z_]+)",\s*"([a-z-]+)"/g)].map((m) => [m[1], m[2]]);
    expect(made.map(([code]) => code).sort()).toEqual(["BRIDGE_FAILED", "NO_BRIDGE", "UNEXPECTED"]);
    for (const [code, advice] of made) expect(advice, code).toBe(adviceKindOf(code!));
    const bridge = readFileSync(join(ROOT, "test/harness/harness-bridge.js"), "utf8");
    const failures = [...bridge.matchAll(/failure\("([A-Z_]+)",[^;]*?,\s*"([a-z-]+)"\)/g)].map((m) => m[2]);
    expect(failures).toEqual(["retry", "stop"]);
  });
});
