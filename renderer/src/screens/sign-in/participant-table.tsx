import type { ParticipantView } from "../../../../src/api/contract.ts";
import { roleTitle } from "../../../../src/common/roles.ts";

export function ParticipantTable({ participants }: { participants: ParticipantView[] }) {
  if (participants.length === 0) return <p className="empty">Nobody has signed in yet.</p>;
  return (
    <table className="data-table participant-table">
      <caption>Signed in ({participants.length})</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Organisation</th>
        </tr>
      </thead>
      <tbody>
        {participants.map((p) => (
          <tr key={p.id}>
            <th scope="row">{p.name}</th>
            <td>{roleTitle(p.role)}</td>
            <td>{p.organisation}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
