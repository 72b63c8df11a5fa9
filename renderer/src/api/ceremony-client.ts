/**
 * The renderer's only way to the core: window.ceremony, which the Electron preload (or the
 * browser test harness) provides. Each call resolves to the value or throws ApiCallError
 * carrying the core's {name, code, message, advice, adviceText}; the message is written for the
 * officer, and the advice kind decides what the screen offers next.
 */
import type { ApiError, ApiResult, CeremonyWindowApi, Channel, RequestOf, ResponseOf } from "../../../src/api/contract.ts";
import { ADVICE_TEXT, type AdviceKind } from "../../../src/common/advice.ts";

declare global {
  interface Window {
    ceremony?: CeremonyWindowApi;
  }
}

export class ApiCallError extends Error {
  readonly code: string;
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
    this.name = apiError.name;
    this.code = apiError.code;
  }
}

/** An error the renderer makes itself, with the advice its code has in the registry (src/errors/codes-app.ts). */
function rendererError(name: string, code: "NO_BRIDGE" | "BRIDGE_FAILED" | "UNEXPECTED", advice: AdviceKind, message: string): ApiError {
  return { name, code, message, advice, adviceText: ADVICE_TEXT[advice] };
}

const NO_BRIDGE = rendererError("BridgeMissingError", "NO_BRIDGE", "stop", "This window is not connected to the ceremony core. Close it and open Ceremony Workstation again.");

export function bridge(): CeremonyWindowApi | undefined {
  return window.ceremony;
}

export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const api = bridge();
  if (!api) throw new ApiCallError(NO_BRIDGE);
  const invoke = api[channel] as (request: RequestOf<C>) => Promise<ApiResult<ResponseOf<C>>>;
  let result: ApiResult<ResponseOf<C>>;
  try {
    result = await invoke(request);
  } catch {
    // The bridge itself failed (a closed window, a stopped harness); the core never saw the request.
    throw new ApiCallError(rendererError("BridgeMissingError", "BRIDGE_FAILED", "retry", "The request did not reach the ceremony core. Try again; if it keeps failing, restart the application."));
  }
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value;
}

/** Turns whatever a call threw into the error the screens show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiCallError) return error.apiError;
  return rendererError("UnexpectedError", "UNEXPECTED", "stop", error instanceof Error ? error.message : String(error));
}
