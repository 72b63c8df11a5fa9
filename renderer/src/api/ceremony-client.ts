/**
 * The renderer's only way to the core: window.ceremony, which the Electron preload (or the
 * browser test harness) provides. Each call resolves to the value or throws ApiCallError
 * carrying the core's {name, code, message}; the message is written for the officer.
 */
import type { ApiError, ApiResult, CeremonyWindowApi, Channel, RequestOf, ResponseOf } from "../../../src/api/contract.ts";

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

const NO_BRIDGE: ApiError = {
  name: "BridgeMissingError",
  code: "NO_BRIDGE",
  message: "This window is not connected to the ceremony core. Close it and open Ceremony Workstation again.",
};

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
    throw new ApiCallError({ ...NO_BRIDGE, code: "BRIDGE_FAILED", message: "The request did not reach the ceremony core. Try again; if it keeps failing, restart the application." });
  }
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value;
}

/** Turns whatever a call threw into the {name, code, message} the screens show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiCallError) return error.apiError;
  return { name: "UnexpectedError", code: "UNEXPECTED", message: error instanceof Error ? error.message : String(error) };
}
