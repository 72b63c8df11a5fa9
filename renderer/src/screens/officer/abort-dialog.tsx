import { useEffect, useId, useRef, useState, type Ref } from "react";
import { createPortal } from "react-dom";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/** Who may decide an abort (the runner refuses anyone else: a share holder must not stop a ceremony). */
const DECIDERS = ["ceremony-administrator", "crypto-officer", "internal-witness"];

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
  const [actor, setActor] = useState("");
  const [reason, setReason] = useState("");
  const [witness, setWitness] = useState("");
  const [witnessPin, setWitnessPin] = useState("");
  const aborting = useApiCall();
  const deciders = view.participants.filter((p) => DECIDERS.includes(p.role));
  const actors = [...deciders.filter((p) => p.role === "ceremony-administrator"), ...deciders.filter((p) => p.role !== "ceremony-administrator")];
  const witnesses = view.participants.filter((p) => p.role === "internal-witness" && p.id !== actor);
  const witnessNeeded = view.phase !== "sign-in" || witnesses.length > 0;
  const ready = actor !== "" && reason.trim() !== "" && (!witnessNeeded || (witness !== "" && witnessPin !== ""));

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const submit = () => {
    const typed = witnessPin;
    // The PIN field is emptied on every attempt, so nobody finds the witness's PIN in it later.
    setWitnessPin("");
    return aborting.run(async () => {
      accept(await call("ceremony:abort", { actorId: actor, reason: reason.trim(), ...(witnessNeeded ? { witnessId: witness, witnessPin: typed } : {}) }));
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
          setActor((a) => a || actors[0]?.id || "");
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
              if (ready) void submit();
            }}
          >
            <h2 id={`${id}-heading`}>Abort the ceremony?</h2>
            <p>The ceremony stops here and cannot go on. Its transcript is still signed, marked ABORTED, with the reason below.</p>
            <Field id={`${id}-actor`} label="Who decides to abort">
              {(props) => (
                <select
                  {...props}
                  value={actor}
                  onChange={(e) => {
                    setActor(e.target.value);
                    if (e.target.value === witness) setWitness("");
                  }}
                >
                  {actors.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} — {roleTitle(p.role)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`${id}-reason`} label="Reason (goes into the transcript)">
              {(props) => <textarea {...props} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />}
            </Field>
            {witnessNeeded ? (
              <>
                <Field id={`${id}-witness`} label="Internal witness confirming the abort">
                  {(props) => (
                    <select {...props} value={witness} onChange={(e) => setWitness(e.target.value)}>
                      <option value="">Choose the witness…</option>
                      {witnesses.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name} — {roleTitle(p.role)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field id={`${id}-witness-pin`} label="The witness’s attestation PIN">
                  {(props) => <input {...props} type="password" value={witnessPin} onChange={(e) => setWitnessPin(e.target.value)} autoComplete="off" maxLength={128} />}
                </Field>
              </>
            ) : null}
            {aborting.error ? <ErrorNotice error={aborting.error} title="The ceremony was not aborted" /> : null}
            <div className="button-row">
              <button type="submit" className="button-danger" disabled={!ready || aborting.pending}>
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
