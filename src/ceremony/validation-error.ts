import { CeremonyError } from "../errors.ts";

/** One problem in a script or parameter file, at a YAML path such as `steps[3].action.params.curve`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export class ScriptValidationError extends CeremonyError {
  constructor(readonly source: string, readonly issues: ValidationIssue[]) {
    super(
      "SCRIPT_INVALID",
      `${source} is not valid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n") +
        "\nFix the file and validate it again; nothing was done on the HSM.",
    );
  }
}

/** `["steps", 3, "action"]` → `steps[3].action`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
