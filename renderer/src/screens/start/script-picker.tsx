import type { ScriptSummary } from "../../../../src/api/contract.ts";
import { IssueList } from "./issue-list.tsx";

/** Every script in the scripts folder, as a radio group; problems are shown, not hidden. */
export function ScriptPicker({ scripts, selected, onSelect }: { scripts: ScriptSummary[]; selected: string | null; onSelect(file: string): void }) {
  return (
    <fieldset className="script-picker">
      <legend>1. Ceremony script</legend>
      <div className="option-list">
        {scripts.map((script) => {
          const id = `script-${script.file.replace(/[^A-Za-z0-9-]/g, "-")}`;
          return (
            <div key={script.file} className={`option-card${selected === script.file ? " option-card-selected" : ""}`}>
              <input
                type="radio"
                name="script"
                id={id}
                value={script.file}
                checked={selected === script.file}
                onChange={() => onSelect(script.file)}
                aria-describedby={`${id}-details`}
              />
              <label htmlFor={id}>
                <span className="option-title">{script.title ?? script.file}</span>
                <span className="option-meta">
                  {script.file}
                  {script.version !== undefined ? ` · version ${script.version}` : ""} · {script.steps.length} steps
                </span>
              </label>
              <div id={`${id}-details`} className="option-details">
                {script.description ? <p>{script.description}</p> : null}
                {script.issues.length > 0 ? (
                  <>
                    <p className="option-issues-title">
                      <span aria-hidden="true">⚠ </span>Needs attention before it can start:
                    </p>
                    <IssueList issues={script.issues} />
                  </>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
