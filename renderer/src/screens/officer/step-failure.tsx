import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { failureOffer, type FailureOffer } from "../../../../src/common/advice.ts";
import { ErrorNotice, type ShownError } from "../../components/error-notice.tsx";
import { AbortCeremony } from "./abort-dialog.tsx";

export interface StepFailure {
  /** The failure shown (null while the action runs, or when there is none). */
  error: ShownError | null;
  /** What the failure offers besides Abort (src/common/advice.ts); null without a failure. */
  offer: FailureOffer | null;
  /** "Enter different input" was chosen: the step's inputs are open again. */
  reopened: boolean;
  /** The step may be run: no failure, a failure retrying can help, or inputs entered anew. */
  mayRun: boolean;
  reopen(): void;
  /** Called when the step is run: a new failure then moves focus again. */
  attempted(): void;
  noticeRef: RefObject<HTMLDivElement | null>;
  abortRef: RefObject<HTMLButtonElement | null>;
  reopenRef: RefObject<HTMLButtonElement | null>;
}

/**
 * What a failed step offers follows the error's advice kind, never the habit of offering
 * "Retry": Retry for an error retrying can help; for a choose-another error at a step that reads
 * a file or cards, entering different ones; otherwise only Abort. When a failure appears, focus
 * moves to the first thing to do — `retryTarget` (the PIN field or the Retry button), the
 * "Enter different…" button, the Abort button, or for a stop the notice itself, which says to
 * call the ceremony administrator.
 */
export function useStepFailure(
  error: ShownError | null,
  needs: readonly string[],
  retryTarget: RefObject<HTMLElement | null>,
  /** Empties the step's inputs (the file, the cards) for different ones; they take focus. */
  clearInputs: () => void,
): StepFailure {
  const [reopened, setReopened] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const noticeRef = useRef<HTMLDivElement>(null);
  const abortRef = useRef<HTMLButtonElement>(null);
  const reopenRef = useRef<HTMLButtonElement>(null);
  const offer = error ? failureOffer(error.advice, needs) : null;
  // The view is polled, so the same journaled failure arrives as a new object: focus moves once
  // per failure shown, not once per poll.
  const shownKey = error ? `${attempt}\n${error.code}\n${error.message}` : null;

  useEffect(() => {
    if (shownKey === null || offer === null) return;
    const target =
      offer === "retry" ? retryTarget.current : offer === "different-input" ? reopenRef.current : error?.advice === "stop" ? noticeRef.current : abortRef.current;
    // Without an Abort button (the ceremony is already aborted), reading the notice is what is left.
    (target ?? noticeRef.current)?.focus();
    // Only a new failure moves focus; `offer` and `error` follow from shownKey.
  }, [shownKey]);

  const reopen = () => {
    clearInputs();
    setReopened(true);
  };
  const attempted = useCallback(() => {
    setReopened(false);
    setAttempt((n) => n + 1);
  }, []);
  return {
    error,
    offer,
    reopened,
    mayRun: offer === null || offer === "retry" || (offer === "different-input" && reopened),
    reopen,
    attempted,
    noticeRef,
    abortRef,
    reopenRef,
  };
}

/** The failure, its advice, and the offers it allows: "Enter different …" where that can help, and Abort (dual-controlled). */
export function StepFailureNotice({ failure, title, reopenLabel = "Enter different input", canAbort = true }: { failure: StepFailure; title: string; reopenLabel?: string; canAbort?: boolean }) {
  if (!failure.error) return null;
  return (
    <ErrorNotice error={failure.error} title={title} focusRef={failure.noticeRef}>
      {failure.offer === "different-input" && !failure.reopened ? (
        <button type="button" ref={failure.reopenRef} className="button-primary" onClick={failure.reopen}>
          {reopenLabel}
        </button>
      ) : null}
      {canAbort ? <AbortCeremony buttonRef={failure.abortRef} /> : null}
    </ErrorNotice>
  );
}
