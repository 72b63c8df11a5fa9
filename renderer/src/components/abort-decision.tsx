import { useState } from "react";
import { roleTitle } from "../../../src/common/roles.ts";
import { Field } from "./field.tsx";

/** Who may decide an abort (the runner refuses anyone else: a share holder must not stop a ceremony). */
const DECIDERS = ["ceremony-administrator", "crypto-officer", "internal-witness"];

interface Person {
  id: string;
  name: string;
  role: string;
}

/** What an abort records: who decided, why, and — unless sign-in is open with no witness in — an internal witness's PIN. */
export interface AbortDecision {
  actor: string;
  setActor(id: string): void;
  reason: string;
  setReason(text: string): void;
  witness: string;
  setWitness(id: string): void;
  witnessPin: string;
  setWitnessPin(pin: string): void;
  /** Who may decide, the ceremony administrator first. */
  deciders: Person[];
  witnesses: Person[];
  witnessNeeded: boolean;
  ready: boolean;
  /** The request's fields. Empties the PIN field on every attempt, so nobody finds the witness's PIN in it later. */
  take(): { actorId: string; reason: string; witnessId?: string; witnessPin?: string };
}

/** The state of an abort decision over `participants` in sign-in `phase` (the console's abort and the start screen's abandon). */
export function useAbortDecision(participants: readonly Person[], phase: string, initial: { firstDecider?: boolean; reason?: string } = {}): AbortDecision {
  const allowed = participants.filter((p) => DECIDERS.includes(p.role));
  const deciders = [...allowed.filter((p) => p.role === "ceremony-administrator"), ...allowed.filter((p) => p.role !== "ceremony-administrator")];
  const [actor, setActor] = useState(initial.firstDecider ? (deciders[0]?.id ?? "") : "");
  const [reason, setReason] = useState(initial.reason ?? "");
  const [witness, setWitness] = useState("");
  const [witnessPin, setWitnessPin] = useState("");
  const witnesses = participants.filter((p) => p.role === "internal-witness" && p.id !== actor);
  const witnessNeeded = phase !== "sign-in" || witnesses.length > 0;
  const ready = actor !== "" && reason.trim() !== "" && (!witnessNeeded || (witness !== "" && witnessPin !== ""));
  return {
    actor,
    setActor(id) {
      setActor(id);
      if (id === witness) setWitness("");
    },
    reason,
    setReason,
    witness,
    setWitness,
    witnessPin,
    setWitnessPin,
    deciders,
    witnesses,
    witnessNeeded,
    ready,
    take() {
      const typed = witnessPin;
      setWitnessPin("");
      return { actorId: actor, reason: reason.trim(), ...(witnessNeeded ? { witnessId: witness, witnessPin: typed } : {}) };
    },
  };
}

/** The decision's fields: who decides, the reason, and the confirming witness with their PIN when one is needed. */
export function AbortDecisionFields({ id, decision: d, labels }: { id: string; decision: AbortDecision; labels: { actor: string; witness: string; reasonRows: number } }) {
  return (
    <>
      <Field id={`${id}-actor`} label={labels.actor}>
        {(props) => (
          <select {...props} value={d.actor} onChange={(e) => d.setActor(e.target.value)}>
            {d.deciders.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {roleTitle(p.role)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${id}-reason`} label="Reason (goes into the transcript)">
        {(props) => <textarea {...props} rows={labels.reasonRows} value={d.reason} onChange={(e) => d.setReason(e.target.value)} maxLength={1000} />}
      </Field>
      {d.witnessNeeded ? (
        <>
          <Field id={`${id}-witness`} label={labels.witness}>
            {(props) => (
              <select {...props} value={d.witness} onChange={(e) => d.setWitness(e.target.value)}>
                <option value="">Choose the witness…</option>
                {d.witnesses.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} — {roleTitle(p.role)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={`${id}-witness-pin`} label="The witness’s attestation PIN">
            {(props) => <input {...props} type="password" value={d.witnessPin} onChange={(e) => d.setWitnessPin(e.target.value)} autoComplete="off" maxLength={128} />}
          </Field>
        </>
      ) : null}
    </>
  );
}
