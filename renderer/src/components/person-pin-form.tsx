import { useRef, useState, type ReactNode } from "react";
import type { ApiError, ParticipantView } from "../../../src/api/contract.ts";
import { roleTitle } from "../../../src/common/roles.ts";
import { ErrorNotice } from "./error-notice.tsx";
import { Field } from "./field.tsx";

/**
 * "Choose your name, type your PIN": how a witness attests. The PIN field is cleared after
 * every attempt, so the next person never finds the previous PIN in it. A refused attempt keeps
 * the chosen name and puts the cursor in the PIN field, so retyping the PIN and Enter is enough;
 * after a success the form is fresh for the next person, the cursor on its first control.
 */
export function PersonPinForm({
  idPrefix,
  people,
  submitLabel,
  pending,
  error,
  disabled = false,
  disabledReason,
  children,
  onSubmit,
}: {
  idPrefix: string;
  people: ParticipantView[];
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  disabled?: boolean;
  disabledReason?: string;
  children?: ReactNode;
  /** Resolves with a value when the attestation was accepted, undefined when it was refused. */
  onSubmit(participantId: string, pin: string): Promise<unknown>;
}) {
  const [chosen, setChosen] = useState("");
  const [pin, setPin] = useState("");
  const form = useRef<HTMLFormElement>(null);
  const person = people.find((p) => p.id === chosen) ?? null;
  const ready = person !== null && pin.length > 0 && !disabled;
  return (
    <form
      ref={form}
      className="person-pin-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        const typed = pin;
        setPin("");
        void onSubmit(chosen, typed).then((accepted) => {
          if (accepted === undefined) {
            document.getElementById(`${idPrefix}-pin`)?.focus();
            return;
          }
          setChosen("");
          // The form may have been replaced by then (the step moved on): focus only what is still here.
          const first = form.current?.querySelector<HTMLElement>("input:not([disabled]), select:not([disabled])");
          if (first && form.current?.isConnected) first.focus();
        });
      }}
    >
      {children}
      <Field id={`${idPrefix}-person`} label="Your name">
        {(props) => (
          <select {...props} value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">Choose your name…</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {roleTitle(p.role)}
                {p.title ? ` (${p.title})` : ""}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${idPrefix}-pin`} label="Your attestation PIN">
        {(props) => <input {...props} type="password" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" maxLength={128} />}
      </Field>
      {error ? <ErrorNotice error={error} title="Not attested" /> : null}
      <button type="submit" className="button-primary button-large" disabled={!ready || pending} aria-describedby={disabledReason ? `${idPrefix}-why` : undefined}>
        {pending ? "Checking…" : submitLabel}
      </button>
      {disabledReason ? (
        <p className="hint" id={`${idPrefix}-why`}>
          {disabledReason}
        </p>
      ) : null}
    </form>
  );
}
