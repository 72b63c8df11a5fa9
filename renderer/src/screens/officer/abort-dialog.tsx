import { useEffect, useId, useRef, useState, type Ref } from "react";
import { createPortal } from "react-dom";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { AbortDecisionFields, useAbortDecision } from "../../components/abort-decision.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * Stopping a ceremony asks who stops it and why, and a second person, an internal witness, types
 * their attestation PIN (dual control); all of it goes into the signed transcript. Only while
 * sign-in is open and no witness has signed in yet may the decider abort alone. A modal
 * <dialog> keeps focus inside until it is answered or dismissed with Escape.
 */
export function AbortCeremony({ prominent = false, buttonRef }: { prominent?: boolean; buttonRef?: Ref<HTMLButtonElement> }) {
  const { view, accept } = useOpenCeremony();
  const dialog = useRef<HTMLDialogElement>(null);
  // The button appears in more than one place (the footer, beside a failure), each with its dialog.
  const id = useId();
  const [open, setOpen] = useState(false);
  const decision = useAbortDecision(view.participants, view.phase);
  const aborting = useApiCall();
  const actors = decision.deciders;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const submit = () => {
    const fields = decision.take();
    return aborting.run(async () => {
      accept(await call("ceremony:abort", fields));
      setOpen(false);
    });
  };

  return (
    <div className={`abort-ceremony${prominent ? " abort-prominent" : ""}`}>
      <button
        ref={buttonRef}
        type="button"
        className={prominent ? "button-danger button-large" : "button-danger-quiet"}
        onClick={() => {
          if (decision.actor === "") decision.setActor(actors[0]?.id ?? "");
          setOpen(true);
        }}
        disabled={actors.length === 0}
        aria-describedby={actors.length === 0 ? `${id}-nobody` : undefined}
      >
        Abort the ceremony…
      </button>
      {actors.length === 0 ? (
        <p className="hint" id={`${id}-nobody`}>
          To abort, first sign in the ceremony administrator: an abort is recorded with who decided it, and a share holder cannot decide it.
        </p>
      ) : null}
      {/*
        The button sits beside a step's failure, inside the step's own form; the dialog's form is
        not nested in it (a nested form's submit never reached its handler: the dialog closed and
        nothing was aborted), and its submit does not travel on to the step's form.
      */}
      {createPortal(
        <dialog ref={dialog} className="abort-dialog" aria-labelledby={`${id}-heading`} onClose={() => setOpen(false)}>
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              e.stopPropagation();
              if (decision.ready) void submit();
            }}
          >
            <h2 id={`${id}-heading`}>Abort the ceremony?</h2>
            <p>The ceremony stops here and cannot go on. Its transcript is still signed, marked ABORTED, with the reason below.</p>
            <AbortDecisionFields id={id} decision={decision} labels={{ actor: "Who decides to abort", witness: "Internal witness confirming the abort", reasonRows: 3 }} />
            {aborting.error ? <ErrorNotice error={aborting.error} title="The ceremony was not aborted" /> : null}
            <div className="button-row">
              <button type="submit" className="button-danger" disabled={!decision.ready || aborting.pending}>
                {aborting.pending ? "Aborting…" : "Abort the ceremony"}
              </button>
              <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
                Keep going
              </button>
            </div>
          </form>
        </dialog>,
        document.body,
      )}
    </div>
  );
}
