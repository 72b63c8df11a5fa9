/**
 * Parse → validate → resolve parameters → validate each action's parameters, all before any HSM
 * call. Every problem is collected (not only the first), each named by its YAML path.
 *
 * The actions' parameter schemas come in as an argument: load-script.ts passes the action
 * registry (which pulls in every action, the PKI, printing and escrow code), while `verify`'s
 * re-check of a transcript's script (script-recheck.ts) passes none, so the auditor's command
 * starts without loading the code of every ceremony step (issue 16).
 */
import { createHash } from "node:crypto";
import { InputFileError, readInputFile } from "../input-file.ts";
import { basename } from "node:path";
import { parseDocument, isMap, isSeq, type Node as YamlNode } from "yaml";
import { z } from "zod";
import { ParamsFile, ScriptDefinition, type ParameterDefinition, type RequiredTitle, type StepDefinition } from "./script-schema.ts";
import type { NamedWitnessRule } from "../common/index.ts";
import { ScriptValidationError, type ValidationIssue } from "./validation-error.ts";
import { issuesFromZod } from "./zod-issues.ts";
import { DEFAULT_ROLE_MINIMUMS, ROLES, type Role } from "./roles.ts";
import { canonicalJson } from "../journal/canonical-json.ts";

const MAX_SCRIPT_BYTES = 256 * 1024;

/** The structure-only check's stand-in for an action's schema. */
const ANY_PARAMS = z.unknown();

/** A step's attestation rule as the engine applies and the journal records it (step.started). */
export interface ResolvedAttestationRule {
  roles: StepDefinition["attestation"]["roles"];
  count: number;
  /** The named witnesses (requiredTitles) who must be among the attesters. */
  including?: Array<{ title: string; anyOf: string[]; roles: string[]; count: number }>;
}

export interface ResolvedStep extends StepDefinition {
  index: number;
  /** The action's parameters after substitution, checked against its schema. */
  resolvedParams: unknown;
  /** `attestation` with its `including` ids replaced by the requirements they name. */
  rule: ResolvedAttestationRule;
}

export interface LoadedScript {
  definition: ScriptDefinition;
  text: string;
  sha256: string;
  fileName: string;
  parameters: Record<string, unknown>;
  /** SHA-256 of the resolved parameters as canonical JSON: printed on the paper script, recorded at the start. */
  parametersSha256: string;
  roleMinimums: Record<Role, number>;
  /** Witnesses the script requires by job title, checked when sign-in closes. */
  namedWitnesses: Array<NamedWitnessRule & { id: string; policy?: string }>;
  steps: ResolvedStep[];
}

function namedWitnessRule(r: RequiredTitle): NamedWitnessRule & { id: string; policy?: string } {
  return { id: r.id, title: r.title, anyOf: r.anyOf, roles: r.roles, count: r.count, ...(r.policy ? { policy: r.policy } : {}) };
}

/** Parses YAML strictly: duplicate keys, anchors/aliases and trailing documents are errors. */
export function parseYamlStrict(text: string, source: string): unknown {
  if (Buffer.byteLength(text) > MAX_SCRIPT_BYTES) {
    throw new ScriptValidationError(source, [{ path: "", message: `is larger than ${MAX_SCRIPT_BYTES / 1024} KiB; a ceremony script is never that big` }]);
  }
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING) {
    throw new ScriptValidationError(source, [{ path: "", message: `nests brackets or braces ${depth} levels deep; a ceremony file needs at most ${MAX_NESTING}` }]);
  }
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  } catch (e) {
    // The YAML parser recurses; anything it still cannot take is named, never a stack overflow.
    if (e instanceof RangeError) throw new ScriptValidationError(source, [{ path: "", message: "is nested too deeply to read; a ceremony file is a few levels deep" }]);
    throw e;
  }
  const problems: ValidationIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    path: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "",
    message: /call stack/i.test(e.message) ? "is nested too deeply to read; a ceremony file is a few levels deep" : (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ""),
  }));
  if (problems.length) throw new ScriptValidationError(source, problems);
  if (hasAlias(doc.contents as YamlNode | null)) {
    throw new ScriptValidationError(source, [{ path: "", message: "YAML anchors and aliases are not allowed in ceremony files; write each value out" }]);
  }
  return doc.toJS({ maxAliasCount: 0 });
}

const MAX_NESTING = 32;

/** Deepest nesting of flow collections ([ and {) outside quoted strings and comments. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (comment) {
      if (c === "\n") comment = false;
    } else if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") comment = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  return max;
}

function hasAlias(node: YamlNode | null): boolean {
  if (!node) return false;
  if ((node as { type?: string }).type === "ALIAS" || node.constructor.name === "Alias") return true;
  if (isMap(node)) return node.items.some((p) => hasAlias(p.key as YamlNode) || hasAlias(p.value as YamlNode));
  if (isSeq(node)) return node.items.some((i) => hasAlias(i as YamlNode));
  return false;
}

/**
 * The text of a script or parameter file: a regular file no larger than a script can be (checked
 * before reading, so a FIFO or /dev/zero is refused at once), in UTF-8 — a UTF-16 file or a binary
 * one is named as such instead of failing later as "must be a mapping".
 */
async function readYamlFile(path: string, what: string): Promise<string> {
  const bytes = await readInputFile(path, what, MAX_SCRIPT_BYTES);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0);
  if (utf16) throw new InputFileError(path, "unreadable", `${path} is UTF-16 or binary, not UTF-8 text (${what}). Save it as UTF-8 and try again.`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError(path, "unreadable", `${path} is not valid UTF-8 text (${what}). Save it as UTF-8 and try again.`);
  }
}

/** A script's text as a file holds it (size, encoding and kind checked), for load-script.ts. */
export async function readScriptText(path: string): Promise<string> {
  return readYamlFile(path, "a ceremony script");
}

export async function loadParamsFile(path: string): Promise<ParamsFile> {
  return parseParams(await readYamlFile(path, "a parameter file"), basename(path));
}

export function parseParams(text: string, source: string): ParamsFile {
  const raw = parseYamlStrict(text, source);
  const parsed = ParamsFile.safeParse(raw ?? {});
  if (!parsed.success) throw new ScriptValidationError(source, issuesFromZod(parsed.error));
  return parsed.data;
}

/**
 * What script validation needs of the actions: each one's parameter schema by type. `null` is the
 * structure-only check `verify` makes of a recorded script: any action type, its parameters
 * substituted but not checked against a schema (the ceremony checked them before it ran).
 */
export type ActionSchemas = ReadonlyMap<string, { readonly params: z.ZodType }> | null;

/** Validates a whole script with its parameter values; throws one error listing every problem. */
export function loadScriptWith(actions: ActionSchemas, text: string, fileName: string, params: ParamsFile = ParamsFile.parse({})): LoadedScript {
  const raw = parseYamlStrict(text, fileName);
  const parsed = ScriptDefinition.safeParse(raw);
  if (!parsed.success) throw new ScriptValidationError(fileName, issuesFromZod(parsed.error));
  const definition = parsed.data;
  const issues: ValidationIssue[] = [];

  const stepIds = new Set<string>();
  definition.steps.forEach((s, i) => {
    if (stepIds.has(s.id)) issues.push({ path: `steps[${i}].id`, message: `"${s.id}" is used by an earlier step; step ids must be unique` });
    stepIds.add(s.id);
  });

  const parameters = resolveParameters(definition.parameters, params.parameters, issues);
  const roleMinimums = { ...DEFAULT_ROLE_MINIMUMS } as Record<Role, number>;
  for (const [role, value] of Object.entries(definition.roles) as Array<[Role, number | string]>) {
    if (typeof value === "number") {
      roleMinimums[role] = value;
      continue;
    }
    const name = value.slice(2, -1);
    const resolved = parameters[name];
    if (typeof resolved === "number" && Number.isInteger(resolved) && resolved >= 0) roleMinimums[role] = resolved;
    else if (name in definition.parameters) {
      if (name in parameters) issues.push({ path: `roles.${role}`, message: `refers to parameter "${name}", which is not a whole number` });
    } else issues.push({ path: `roles.${role}`, message: `refers to parameter "${name}", which the script does not define` });
  }
  const namedWitnesses = definition.requiredTitles.map(namedWitnessRule);
  const titleIds = new Set<string>();
  namedWitnesses.forEach((rule, i) => {
    if (titleIds.has(rule.id)) issues.push({ path: `requiredTitles[${i}].id`, message: `"${rule.id}" is used by an earlier requirement; ids must be unique` });
    titleIds.add(rule.id);
    const room = rule.roles.reduce((sum, r) => sum + (roleMinimums[r as Role] ?? 0), 0);
    if (room < rule.count) {
      issues.push({ path: `requiredTitles[${i}].roles`, message: `needs ${rule.count} ${rule.roles.join(" or ")} with this title, but the script asks for only ${room} such people in roles` });
    }
  });
  // Parameters already reported (missing or invalid) are not reported again at each use.
  const reported = new Set(Object.keys(definition.parameters).filter((n) => !(n in parameters)));

  const steps: ResolvedStep[] = definition.steps.map((rawStep, index) => {
    // What people read (title, instructions, checklist) may name parameter values: "${threshold} holders".
    const text = (value: string, path: string): string => String(substitute(value, { values: parameters, reported, unresolved: { count: 0 } }, path, issues));
    const step = {
      ...rawStep,
      title: text(rawStep.title, `steps[${index}].title`),
      instructions: text(rawStep.instructions, `steps[${index}].instructions`),
      checklist: rawStep.checklist.map((item, i) => text(item, `steps[${index}].checklist[${i}]`)),
    };
    for (const role of step.attestation.roles) {
      if (roleMinimums[role] === 0 && role !== "share-holder") {
        issues.push({ path: `steps[${index}].attestation.roles`, message: `needs a ${role}, but roles.${role} is 0` });
      }
    }
    const including: NonNullable<ResolvedAttestationRule["including"]> = [];
    (step.attestation.including ?? []).forEach((id, i) => {
      const named = namedWitnesses.find((r) => r.id === id);
      const path = `steps[${index}].attestation.including[${i}]`;
      if (!named) issues.push({ path, message: `names "${id}", which is not an id in requiredTitles` });
      else if (!named.roles.some((r) => step.attestation.roles.includes(r as Role))) {
        issues.push({ path, message: `names "${id}", whose roles (${named.roles.join(", ")}) do not attest this step (${step.attestation.roles.join(", ")})` });
      } else including.push({ title: named.title, anyOf: [...named.anyOf], roles: [...named.roles], count: named.count });
    });
    if (including.reduce((sum, r) => sum + r.count, 0) > step.attestation.count) {
      issues.push({ path: `steps[${index}].attestation.including`, message: `names more witnesses than the step's count of ${step.attestation.count}` });
    }
    const rule: ResolvedAttestationRule = { roles: step.attestation.roles, count: step.attestation.count, ...(including.length ? { including } : {}) };
    const action = actions === null ? { params: ANY_PARAMS } : actions.get(step.action.type);
    if (!action) {
      issues.push({ path: `steps[${index}].action.type`, message: `must be one of ${[...(actions?.keys() ?? [])].sort().join(", ")}` });
      return { ...step, index, resolvedParams: undefined, rule };
    }
    const before = issues.length;
    const unresolved = { count: 0 };
    const substituted = substitute(step.action.params, { values: parameters, reported, unresolved }, `steps[${index}].action.params`, issues);
    const result = action.params.safeParse(substituted);
    if (!result.success && issues.length === before && unresolved.count === 0) {
      issues.push(...issuesFromZod(result.error, ["steps", index, "action", "params"]).map((issue) => toParameterIssue(issue, step, index, definition.parameters)));
    }
    return { ...step, index, resolvedParams: result.success ? result.data : undefined, rule };
  });

  if (issues.length) throw new ScriptValidationError(fileName, issues);
  return {
    definition,
    text,
    sha256: createHash("sha256").update(text, "utf8").digest("hex"),
    fileName,
    parameters,
    parametersSha256: parametersSha256(parameters),
    roleMinimums,
    namedWitnesses,
    steps,
  };
}

/**
 * An action's complaint about a value that came straight from a parameter (`k: ${threshold}`) is
 * the parameter's problem: it is reported on that parameter, named by its description, so the
 * start screen shows it on the field the person typed into.
 */
function toParameterIssue(issue: ValidationIssue, step: StepDefinition, index: number, parameters: Record<string, ParameterDefinition>): ValidationIssue {
  const prefix = `steps[${index}].action.params.`;
  if (!issue.path.startsWith(prefix)) return issue;
  const key = issue.path.slice(prefix.length);
  const ref = WHOLE_REF.exec(String(step.action.params[key] ?? ""));
  const name = ref?.[1];
  if (!name || !(name in parameters)) return issue;
  return { path: `parameters.${name}`, message: issue.message };
}

/**
 * The parameters' hash is over their resolved values (defaults filled in) as canonical JSON
 * (RFC 8785), so the same ceremony gives the same hash from a parameters file, from the start
 * screen's form, or recomputed by an auditor from the transcript's script.params.
 */
export function parametersSha256(parameters: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(parameters, "parameters"), "utf8").digest("hex");
}

function resolveParameters(
  definitions: Record<string, ParameterDefinition>,
  given: Record<string, unknown>,
  issues: ValidationIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!(name in definitions)) issues.push({ path: `parameters.${name}`, message: "is not a parameter of this script (check its spelling)" });
  }
  for (const [name, def] of Object.entries(definitions)) {
    const path = `parameters.${name}`;
    const value = name in given ? given[name] : def.default;
    if (value === undefined) {
      if (def.required !== false) issues.push({ path, message: "is required; give it a value (in the parameters file, or on the start screen)" });
      continue;
    }
    const problem = checkParameter(def, value);
    if (problem) issues.push({ path, message: problem });
    else out[name] = value;
  }
  return out;
}

function checkParameter(def: ParameterDefinition, value: unknown): string | null {
  switch (def.type) {
    case "string":
    case "file":
      if (typeof value !== "string") return "must be text";
      if (def.type === "string" && def.maxLength && value.length > def.maxLength) return `must be at most ${def.maxLength} characters`;
      if (def.type === "string" && def.pattern && !new RegExp(def.pattern, "u").test(value)) {
        return def.patternHint ? `must be ${def.patternHint}` : `is not in the form this script expects (pattern ${def.pattern})`;
      }
      return null;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return "must be a whole number";
      if (def.min !== undefined && value < def.min) return `must be at least ${def.min}`;
      if (def.max !== undefined && value > def.max) return `must be at most ${def.max}`;
      return null;
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "enum":
      return typeof value === "string" && def.values.includes(value) ? null : `must be one of ${def.values.join(", ")}`;
    case "string-list":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return "must be a list of text values";
      if (def.maxItems && value.length > def.maxItems) return `must have at most ${def.maxItems} items`;
      return null;
    case "date":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value)
        ? null
        : "must be a date such as 2027-01-31 or 2027-01-31T00:00:00Z";
    case "revocation-list":
      return Array.isArray(value) ? null : "must be a list of revocations";
  }
}

const WHOLE_REF = /^\$\{([a-zA-Z][a-zA-Z0-9]*)\}$/;
const INLINE_REF = /\$\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

/** Replaces `${name}` with parameter values: a whole-string reference keeps the value's type. */
function substitute(
  value: unknown,
  scope: { values: Record<string, unknown>; reported: Set<string>; unresolved: { count: number } },
  path: string,
  issues: ValidationIssue[],
): unknown {
  const lookup = (name: string): unknown => {
    if (name in scope.values) return scope.values[name];
    scope.unresolved.count++;
    if (!scope.reported.has(name)) issues.push({ path, message: `refers to parameter "${name}", which the script does not define` });
    return undefined;
  };
  if (typeof value === "string") {
    const whole = WHOLE_REF.exec(value);
    if (whole) return lookup(whole[1]!);
    return value.replace(INLINE_REF, (_m, name: string) => String(lookup(name) ?? ""));
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, scope, `${path}[${i}]`, issues));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scope, `${path}.${k}`, issues)]));
  }
  return value;
}

export { ROLES };
