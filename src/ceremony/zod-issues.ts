/** Zod issues rewritten as sentences an officer can act on, with YAML paths. */
import type { z } from "zod";
import { formatPath, type ValidationIssue } from "./validation-error.ts";

export function issuesFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: "unknown key (check its spelling)" });
      continue;
    }
    if (issue.code === "invalid_union" && "errors" in issue && Array.isArray(issue.errors)) {
      out.push({ path: formatPath(path), message: issue.message });
      continue;
    }
    out.push({ path: formatPath(path), message: sentence(issue) });
  }
  return out;
}

function sentence(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_type":
      if (issue.input === undefined && /received undefined/.test(issue.message)) return "is required";
      return `must be ${article(issue.expected)}`;
    case "too_small":
      if (issue.origin === "string") return issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters`;
      if (issue.origin === "array") return `must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
      return `must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters`;
      if (issue.origin === "array") return `must have at most ${issue.maximum} items`;
      return `must be at most ${issue.maximum}`;
    case "invalid_format":
      return issue.message && !issue.message.startsWith("Invalid") ? issue.message : `is not a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = { int: "a whole number", number: "a number", string: "text", boolean: "true or false", array: "a list", object: "a mapping" };
  return names[expected] ?? `a ${expected}`;
}
