import { useCallback, useRef, useState } from "react";
import type { ApiError } from "../../../src/api/contract.ts";
import { toApiError } from "./ceremony-client.ts";

export interface ApiCallState {
  pending: boolean;
  error: ApiError | null;
  /** Runs `work`; while it runs `pending` is true, and a failure lands in `error` (never thrown). */
  run<T>(work: () => Promise<T>): Promise<T | undefined>;
  clearError(): void;
}

/** One button's worth of request state: a second click while pending is ignored. */
export function useApiCall(): ApiCallState {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const busy = useRef(false);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(toApiError(e));
      return undefined;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { pending, error, run, clearError };
}
