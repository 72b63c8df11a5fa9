/**
 * Errors as they cross to the renderer (electron/ipc.ts, the browser harness, the ceremony view):
 * each carries its advice kind and that kind's sentence, so that the screen offers "Retry" only
 * where retrying can help. The kind is the code's in the error registry unless the error carries
 * its own (CeremonyError.advice).
 */
import { ADVICE_TEXT, adviceKindOf, type AdviceKind } from "../errors/registry.ts";
import type { ApiError } from "./contract.ts";

export function apiError(name: string, code: string, message: string, advice: AdviceKind = adviceKindOf(code)): ApiError {
  return { name, code, message, advice, adviceText: ADVICE_TEXT[advice] };
}

/** A step's journaled failure ({code, message}; the advice is not journaled) as the view shows it. */
export function stepError(failure: { code: string; message: string }): Omit<ApiError, "name"> {
  const advice = adviceKindOf(failure.code);
  return { code: failure.code, message: failure.message, advice, adviceText: ADVICE_TEXT[advice] };
}
