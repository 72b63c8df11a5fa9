import type { ScriptSummary } from "../../../../src/api/contract.ts";

export type ParameterView = ScriptSummary["parameters"][number];

/** What each input holds: text for most types, a boolean for a checkbox. */
export type RawValues = Record<string, string | boolean>;

/** The form's starting values: each parameter's default, as the input shows it. */
export function initialValues(parameters: ParameterView[]): RawValues {
  const values: RawValues = {};
  for (const p of parameters) {
    if (p.type === "boolean") values[p.name] = p.default === true;
    else if (p.default === undefined) values[p.name] = "";
    else if (p.type === "string-list" && Array.isArray(p.default)) values[p.name] = p.default.join("\n");
    else if (p.type === "revocation-list") values[p.name] = JSON.stringify(p.default ?? [], null, 2);
    else values[p.name] = String(p.default);
  }
  return values;
}

/**
 * The values sent to the core. Text that does not convert is sent as typed, so the core's
 * validation names the problem ("must be a whole number") instead of the form guessing.
 * An empty optional field is left out: the script's default applies.
 */
export function typedValues(parameters: ParameterView[], raw: RawValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters) {
    const value = raw[p.name];
    if (typeof value === "boolean") {
      out[p.name] = value;
      continue;
    }
    const text = (value ?? "").trim();
    if (text === "") continue;
    switch (p.type) {
      case "integer":
        out[p.name] = /^-?\d+$/.test(text) ? Number(text) : text;
        break;
      case "string-list":
        out[p.name] = text.split("\n").map((l) => l.trim()).filter(Boolean);
        break;
      case "revocation-list":
        try {
          out[p.name] = JSON.parse(text) as unknown;
        } catch {
          out[p.name] = text;
        }
        break;
      default:
        out[p.name] = text;
    }
  }
  return out;
}

/** Issues about one parameter ("parameters.NAME…"), and the rest. */
export function splitIssues(issues: ScriptSummary["issues"]): { byParameter: Map<string, string[]>; other: ScriptSummary["issues"] } {
  const byParameter = new Map<string, string[]>();
  const other: ScriptSummary["issues"] = [];
  for (const issue of issues) {
    const match = /^parameters\.([A-Za-z0-9]+)/.exec(issue.path);
    if (match?.[1]) byParameter.set(match[1], [...(byParameter.get(match[1]) ?? []), issue.message]);
    else other.push(issue);
  }
  return { byParameter, other };
}
