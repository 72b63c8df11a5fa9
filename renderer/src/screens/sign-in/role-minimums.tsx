import type { CeremonyView } from "../../../../src/api/contract.ts";
import { roleTitle } from "../../../../src/common/roles.ts";

export interface RoleCount {
  role: string;
  needed: number;
  have: number;
}

export function roleCounts(view: CeremonyView): RoleCount[] {
  return Object.entries(view.roleMinimums).map(([role, needed]) => ({ role, needed, have: view.participants.filter((p) => p.role === role).length }));
}

/** Each role's minimum head-count, who is here, and what is still missing. */
export function RoleMinimums({ counts }: { counts: RoleCount[] }) {
  return (
    <table className="data-table role-table">
      <caption>Who the script needs</caption>
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Needed</th>
          <th scope="col">Signed in</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((c) => {
          const missing = Math.max(0, c.needed - c.have);
          return (
            <tr key={c.role}>
              <th scope="row">{roleTitle(c.role)}</th>
              <td className="num">{c.needed === 0 ? "optional" : c.needed}</td>
              <td className="num">{c.have}</td>
              <td className={missing ? "text-danger" : "text-success"}>
                <span aria-hidden="true">{missing ? "✖ " : "✔ "}</span>
                {missing ? `${missing} more needed` : "enough"}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
