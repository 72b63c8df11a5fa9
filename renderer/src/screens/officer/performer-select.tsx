import type { ParticipantView } from "../../../../src/api/contract.ts";
import { Field } from "../../components/field.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";

/** Who performs the step: only people signed in with the step's role. */
export function PerformerSelect({ id, role, people, value, onChange }: { id: string; role: string; people: ParticipantView[]; value: string; onChange(id: string): void }) {
  const eligible = people.filter((p) => p.role === role);
  if (eligible.length === 0) {
    return (
      <p className="text-danger">
        <span aria-hidden="true">✖ </span>Nobody signed in as {roleTitle(role)}, who performs this step. Abort the ceremony and sign in again.
      </p>
    );
  }
  return (
    <Field id={id} label={`Performed by (${roleTitle(role)})`}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          {eligible.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} — {p.organisation}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function defaultPerformer(role: string, people: ParticipantView[]): string {
  return people.find((p) => p.role === role)?.id ?? "";
}
