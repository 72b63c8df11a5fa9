import { useRef, useState } from "react";
import { call } from "../../api/ceremony-client.ts";
import { useApiCall } from "../../api/use-api-call.ts";
import { ErrorNotice } from "../../components/error-notice.tsx";
import { Field } from "../../components/field.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";

const MIN_PIN_LENGTH = 6;

/**
 * One person signs in: name, organisation, role, and an attestation PIN typed twice. The PIN
 * leaves this form only in the request; the form forgets it as soon as the core answers.
 */
export function ParticipantForm({ roles, titles, onAdded }: { roles: string[]; titles: string[]; onAdded(message: string): void }) {
  const { accept } = useOpenCeremony();
  const [name, setName] = useState("");
  const [organisation, setOrganisation] = useState("");
  const [title, setTitle] = useState("");
  const [role, setRole] = useState(roles[0] ?? "");
  const [pin, setPin] = useState("");
  const [pinAgain, setPinAgain] = useState("");
  const [attempted, setAttempted] = useState(false);
  const adding = useApiCall();
  const nameRef = useRef<HTMLInputElement>(null);

  const errors = {
    name: name.trim() === "" ? "Type the person's name." : null,
    organisation: organisation.trim() === "" ? "Type the person's organisation." : null,
    pin: pin.length < MIN_PIN_LENGTH ? `The PIN needs at least ${MIN_PIN_LENGTH} characters.` : null,
    pinAgain: pinAgain !== pin ? "The two PINs differ. Type the same PIN twice." : null,
  };
  const valid = Object.values(errors).every((e) => e === null);
  const show = (e: string | null) => (attempted ? e : null);

  const submit = () => {
    setAttempted(true);
    if (!valid) return;
    void adding.run(async () => {
      const view = await call("ceremony:add-participant", { name: name.trim(), role, organisation: organisation.trim(), ...(title.trim() ? { title: title.trim() } : {}), attestationPin: pin });
      accept(view);
      onAdded(`${name.trim()} signed in as ${roleTitle(role)}.`);
      setName("");
      setTitle("");
      setPin("");
      setPinAgain("");
      setAttempted(false);
      nameRef.current?.focus();
    });
  };

  return (
    <form
      className="participant-form panel"
      aria-labelledby="participant-form-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 id="participant-form-heading">Sign in a person</h2>
      <Field id="participant-name" label="Name" error={show(errors.name)}>
        {(props) => <input {...props} ref={nameRef} type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={120} />}
      </Field>
      <Field id="participant-organisation" label="Organisation" error={show(errors.organisation)}>
        {(props) => <input {...props} type="text" value={organisation} onChange={(e) => setOrganisation(e.target.value)} autoComplete="off" maxLength={120} />}
      </Field>
      {titles.length ? (
        // Asked only when the script names witnesses by job title: the rule is checked against it.
        <Field id="participant-title" label="Job title" hint={`This script's policy names a witness by title: ${titles.join("; ")}. Type the title as the policy names it; leave it empty for anyone else.`}>
          {(props) => <input {...props} type="text" value={title} onChange={(e) => setTitle(e.target.value)} autoComplete="off" maxLength={120} />}
        </Field>
      ) : null}
      <Field id="participant-role" label="Role">
        {(props) => (
          <select {...props} value={role} onChange={(e) => setRole(e.target.value)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleTitle(r)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="participant-pin" label="Attestation PIN" hint={`At least ${MIN_PIN_LENGTH} characters. The person types it themselves and uses it to attest steps.`} error={show(errors.pin)}>
        {(props) => <input {...props} type="password" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="new-password" maxLength={128} />}
      </Field>
      <Field id="participant-pin-again" label="Attestation PIN again" error={show(errors.pinAgain)}>
        {(props) => <input {...props} type="password" value={pinAgain} onChange={(e) => setPinAgain(e.target.value)} autoComplete="new-password" maxLength={128} />}
      </Field>
      {adding.error ? <ErrorNotice error={adding.error} title="This person was not signed in" /> : null}
      <button type="submit" className="button-primary" disabled={adding.pending}>
        {adding.pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
