import { useState } from "react";
import type { UnfinishedCeremony } from "../../../../src/api/contract.ts";
import { roleTitle } from "../../../../src/common/roles.ts";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";
import { useCeremony } from "../../state/ceremony-context.tsx";

/** Who may decide an abort (the runner refuses anyone else), as in the officer console's abort dialog. */
const DECIDERS = ["ceremony-administrator", "crypto-officer", "internal-witness"];

/**
 * Abandoning a rehearsal that cannot be resumed: an abort like the officer console's (who decides,
 * why, and an internal witness's PIN once sign-in has closed or a witness signed in). The screen
 * then asks for the signature of its ABORTED transcript, made on a fresh throwaway token; or, when
 * its transcript-signing key went with the old token, says that the journal records its end.
 */
export function AbandonRehearsal({ u, onOpened, onAbandoned }: { u: UnfinishedCeremony; onOpened(): void; onAbandoned(note: string): void }) {
  const { accept } = useCeremony();
  const [open, setOpen] = useState(false);
  const deciders = u.participants.filter((p) => DECIDERS.includes(p.role));
  const [actor, setActor] = useState(deciders[0]?.id ?? "");
  const [reason, setReason] = useState("The workstation stopped during the rehearsal; its throwaway token did not survive the restart.");
  const [witness, setWitness] = useState("");
  const [witnessPin, setWitnessPin] = useState("");
  const abandoning = useApiCall();
  const witnesses = u.participants.filter((p) => p.role === "internal-witness" && p.id !== actor);
  const witnessNeeded = u.phase !== "sign-in" || witnesses.length > 0;
  const ready = actor !== "" && reason.trim() !== "" && (!witnessNeeded || (witness !== "" && witnessPin !== ""));
  const id = `abandon-${u.ceremonyId}`;

  if (deciders.length === 0) {
    return <p className="hint">Nobody who may decide an abort had signed in to this rehearsal, so it stays in the journal unfinished; it holds no key.</p>;
  }
  if (!open) {
    return (
      <button type="button" className="button-danger button-large" onClick={() => setOpen(true)}>
        Abandon the rehearsal…
      </button>
    );
  }
  const submit = () => {
    const typed = witnessPin;
    // Emptied on every attempt, so nobody finds the witness's PIN in the field later.
    setWitnessPin("");
    return abandoning.run(async () => {
      const r = await call("ceremony:abandon", { ceremonyId: u.ceremonyId, actorId: actor, reason: reason.trim(), ...(witnessNeeded ? { witnessId: witness, witnessPin: typed } : {}) });
      if (r.view) {
        // Open and aborted: the screen that signs its ABORTED transcript follows.
        accept(r.view);
        onOpened();
      } else onAbandoned(r.note);
    });
  };
  return (
    <div className="abandon-form" role="group" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`}>Abandon the rehearsal</h4>
      <Field id={`${id}-actor`} label="Who decides to abandon it">
        {(props) => (
          <select
            {...props}
            value={actor}
            onChange={(e) => {
              setActor(e.target.value);
              if (e.target.value === witness) setWitness("");
            }}
          >
            {deciders.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {roleTitle(p.role)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${id}-reason`} label="Reason (goes into the transcript)">
        {(props) => <textarea {...props} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />}
      </Field>
      {witnessNeeded ? (
        <>
          <Field id={`${id}-witness`} label="Internal witness confirming it">
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
      {abandoning.error ? <ErrorNotice error={abandoning.error} title="The rehearsal was not abandoned" /> : null}
      <div className="button-row">
        <button type="button" className="button-danger" disabled={!ready || abandoning.pending} onClick={() => void submit()}>
          {abandoning.pending ? "Abandoning…" : "Abandon the rehearsal"}
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}
