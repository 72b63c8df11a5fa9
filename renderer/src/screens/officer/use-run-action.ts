import { useState } from "react";
import type { RequestOf } from "../../../../src/api/contract.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall, type ApiCallState } from "../../api/use-api-call.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

export interface RunAction extends ApiCallState {
  /** When the running action was started, for the elapsed-time display. */
  startedAt: number | null;
  runAction(request: RequestOf<"ceremony:run-action">): Promise<void>;
}

/**
 * Runs the current step's action. On failure the core has journaled it and the step stays
 * paused; the view is refreshed so the timeline shows the failure too.
 */
export function useRunAction(): RunAction {
  const { accept, refresh } = useOpenCeremony();
  const state = useApiCall();
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const runAction = async (request: RequestOf<"ceremony:run-action">) => {
    setStartedAt(Date.now());
    const view = await state.run(() => call("ceremony:run-action", request));
    setStartedAt(null);
    if (view) accept(view);
    else await refresh();
  };
  return { ...state, startedAt, runAction };
}
