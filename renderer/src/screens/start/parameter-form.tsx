import type { ScriptSummary } from "../../../../src/api/contract.ts";
import { Field } from "../../components/field.tsx";
import { IssueList } from "./issue-list.tsx";
import { splitIssues, type ParameterView, type RawValues } from "./parameter-values.ts";

/** The chosen script's parameters; the core re-validates them as they change. */
export function ParameterForm({
  summary,
  values,
  checking,
  onChange,
}: {
  summary: ScriptSummary;
  values: RawValues;
  checking: boolean;
  onChange(name: string, value: string | boolean): void;
}) {
  const { byParameter, other } = splitIssues(summary.issues);
  return (
    <fieldset className="parameter-form">
      <legend>2. Parameters of {summary.title ?? summary.file}</legend>
      {summary.parameters.length === 0 ? <p>This script has no parameters.</p> : null}
      <div className="parameter-grid">
        {summary.parameters.map((p) => (
          <ParameterInput key={p.name} parameter={p} value={values[p.name]} issues={byParameter.get(p.name) ?? []} onChange={(v) => onChange(p.name, v)} />
        ))}
      </div>
      <div className="validation-status" role="status">
        {checking ? (
          <p>Checking the parameters…</p>
        ) : summary.issues.length === 0 ? (
          <p className="text-success">
            <span aria-hidden="true">✔ </span>The script and its parameters are valid.
          </p>
        ) : (
          <p className="text-danger">
            <span aria-hidden="true">✖ </span>
            {summary.issues.length} {summary.issues.length === 1 ? "problem" : "problems"} to fix before the ceremony can start.
          </p>
        )}
      </div>
      <IssueList issues={other} />
    </fieldset>
  );
}

function ParameterInput({ parameter: p, value, issues, onChange }: { parameter: ParameterView; value: string | boolean | undefined; issues: string[]; onChange(value: string | boolean): void }) {
  const id = `param-${p.name}`;
  // The core's sentences start with the verb ("must be at most 25"): on the field they read as its own.
  const error = issues.length ? issues.map((i) => i.charAt(0).toUpperCase() + i.slice(1)).join("; ") : null;
  // A description that already states the limit ("at most 25") is not followed by it again.
  const statesRange = p.max !== undefined && p.description.includes(String(p.max));
  const range = !statesRange && (p.min !== undefined || p.max !== undefined) ? `From ${p.min ?? "…"} to ${p.max ?? "…"}. ` : "";
  const hint = (
    <>
      {range}
      {p.type === "file" ? "A path on this workstation, e.g. on the removable medium. " : null}
      In a parameters file: <code className="param-name">{p.name}</code>
    </>
  );
  const label = (
    <>
      {p.description}
      {p.required ? <span className="required"> (required)</span> : null}
    </>
  );
  if (p.type === "boolean") {
    return (
      <div className="field field-checkbox">
        <input type="checkbox" id={id} checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-hint`} />
        <label htmlFor={id}>{label}</label>
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(props) =>
        p.type === "enum" && p.values ? (
          <select {...props} value={text} onChange={(e) => onChange(e.target.value)}>
            {p.required && text === "" ? <option value="">Choose…</option> : null}
            {p.values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        ) : p.type === "string-list" || p.type === "revocation-list" ? (
          <textarea {...props} rows={4} value={text} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
        ) : (
          <input
            {...props}
            type={p.type === "date" ? "date" : "text"}
            inputMode={p.type === "integer" ? "numeric" : undefined}
            value={text}
            onChange={(e) => onChange(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
        )
      }
    </Field>
  );
}
