import type { ScriptSummary } from "../../../../src/api/contract.ts";

/** Validation issues with the YAML path each one is about. */
export function IssueList({ issues, id }: { issues: ScriptSummary["issues"]; id?: string }) {
  if (issues.length === 0) return null;
  return (
    <ul className="issue-list" id={id}>
      {issues.map((issue, i) => (
        <li key={i}>
          <code className="issue-path">{issue.path}</code> <span>{issue.message}</span>
        </li>
      ))}
    </ul>
  );
}
