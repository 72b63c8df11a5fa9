/**
 * Lints: each one checks one rule, names the section it comes from, and returns a sentence when
 * the rule is broken. Any failure stops signing, warnings included (Boulder's ceremony tool
 * treats zlint warnings the same way). A script may skip a lint only by naming it, and the
 * skipped ids are returned so the journal records them.
 */
import { PkiInputError } from "../errors.ts";

export interface Lint<T> {
  /** zlint-style id: e_ (error) or w_ (warning); both block signing. */
  readonly id: string;
  /** The rule's source, e.g. "RFC 5280 §4.1.2.2". */
  readonly source: string;
  readonly description: string;
  /** When false the lint reports not_applicable. */
  readonly appliesTo?: (target: T) => boolean;
  /** Returns why the rule is broken, or undefined when it holds. */
  readonly check: (target: T) => string | undefined;
}

export type LintStatus = "pass" | "fail" | "not_applicable" | "skipped";

export interface LintResult {
  readonly id: string;
  readonly source: string;
  readonly status: LintStatus;
  readonly message?: string;
}

/** Refuses skip ids that name no lint in `lints`, and duplicates. */
export function requireKnownLintIds<T>(lints: readonly Lint<T>[], skip: unknown, path: string): string[] {
  if (skip === undefined) return [];
  if (!Array.isArray(skip) || skip.some((s) => typeof s !== "string")) {
    throw new PkiInputError("UNKNOWN_LINT", `${path} must be a list of lint ids.`);
  }
  const known = new Set(lints.map((l) => l.id));
  const unknown = skip.filter((s: string) => !known.has(s));
  if (unknown.length > 0) {
    throw new PkiInputError("UNKNOWN_LINT", `${path} names unknown lint(s) ${unknown.join(", ")}; a lint can only be skipped by its exact id.`);
  }
  if (new Set(skip).size !== skip.length) throw new PkiInputError("UNKNOWN_LINT", `${path} names a lint twice.`);
  return [...(skip as string[])];
}

export function runLints<T>(lints: readonly Lint<T>[], target: T, skip: readonly string[]): LintResult[] {
  return lints.map((lint) => {
    const base = { id: lint.id, source: lint.source };
    if (skip.includes(lint.id)) return { ...base, status: "skipped" };
    try {
      if (lint.appliesTo && !lint.appliesTo(target)) return { ...base, status: "not_applicable" };
      const message = lint.check(target);
      return message === undefined ? { ...base, status: "pass" } : { ...base, status: "fail", message };
    } catch (e) {
      return { ...base, status: "fail", message: `could not be evaluated: ${e instanceof Error ? e.message : String(e)}` };
    }
  });
}

export function failures(results: readonly LintResult[]): LintResult[] {
  return results.filter((r) => r.status === "fail");
}
