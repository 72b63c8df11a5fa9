import { useEffect, useId, useRef, useState } from "react";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";
import { roleTitle } from "../../format/role-titles.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

/**
 * Stopping a ceremony asks who stops it and why; both go into the signed transcript. A modal
 * <dialog> keeps focus inside until it is answered or dismissed with Escape.
 */
export function AbortCeremony({ prominent = false }: { prominent?: boolean }) {
  const { view, accept } = useOpenCeremony();
  const dialog = useRef<HTMLDialogElement>(null);
  // The button appears in more than one place (the footer, beside a failure), each with its dialog.
  const id = useId();
  const [open, setOpen] = useState(false);
  const [actor, setActor] = useState("");
  const [reason, setReason] = useState("");
  const aborting = useApiCall();
  const administrators = view.participants.filter((p) => p.role === "ceremony-administrator");
  const actors = administrators.length ? [...administrators, ...view.participants.filter((p) => p.role !== "ceremony-administrator")] : view.participants;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const submit = () =>
    aborting.run(async () => {
      accept(await call("ceremony:abort", { actorId: actor, reason: reason.trim() }));
      setOpen(false);
    });

  return (
    <div className={`abort-ceremony${prominent ? " abort-prominent" : ""}`}>
      <button
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
          To abort, first sign in the ceremony administrator: an abort is recorded with who decided it.
        </p>
      ) : null}
      <dialog ref={dialog} className="abort-dialog" aria-labelledby={`${id}-heading`} onClose={() => setOpen(false)}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            if (actor && reason.trim()) void submit();
          }}
        >
          <h2 id={`${id}-heading`}>Abort the ceremony?</h2>
          <p>The ceremony stops here and cannot go on. Its transcript is still signed, marked ABORTED, with the reason below.</p>
          <Field id={`${id}-actor`} label="Who decides to abort">
            {(props) => (
              <select {...props} value={actor} onChange={(e) => setActor(e.target.value)}>
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
          {aborting.error ? <ErrorNotice error={aborting.error} title="The ceremony was not aborted" /> : null}
          <div className="button-row">
            <button type="submit" className="button-danger" disabled={!actor || reason.trim() === "" || aborting.pending}>
              {aborting.pending ? "Aborting…" : "Abort the ceremony"}
            </button>
            <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
              Keep going
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
