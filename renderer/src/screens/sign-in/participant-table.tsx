import type { ParticipantView } from "../../../../src/api/contract.ts";
import { roleTitle } from "../../../../src/common/roles.ts";

/** Who signed in; the job title column only when the script names witnesses by title (or someone gave one). */
export function ParticipantTable({ participants, showTitle = false }: { participants: ParticipantView[]; showTitle?: boolean }) {
  const titled = showTitle || participants.some((p) => p.title);
  if (participants.length === 0) return <p className="empty">Nobody has signed in yet.</p>;
  return (
    <table className="data-table participant-table">
      <caption>Signed in ({participants.length})</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          {titled ? <th scope="col">Job title</th> : null}
          <th scope="col">Organisation</th>
        </tr>
      </thead>
      <tbody>
        {participants.map((p) => (
          <tr key={p.id}>
            <th scope="row">{p.name}</th>
            <td>{roleTitle(p.role)}</td>
            {titled ? <td>{p.title ?? ""}</td> : null}
            <td>{p.organisation}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
