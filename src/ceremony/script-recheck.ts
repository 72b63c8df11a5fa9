/**
 * The ceremony layer's extra bundle check: the script recorded in the transcript still parses
 * and validates; every step.started event carries exactly the attestation rule the script gives
 * that step — so the rules `verify` enforces are the script's, not whatever the events say — and
 * the steps ran in the script's order, each completed before the next started, and a completed
 * ceremony completed every step of its script.
 */
import { eventsOfType } from "../events/index.ts";
import { canonicalJson } from "../journal/canonical-json.ts";
import type { ExtraCheck, Transcript } from "../transcript/index.ts";
import { type LoadedScript, loadScriptWith } from "./script-loader.ts";

// An archive holds many bundles of the same few scripts: each script is validated once per process.
const loaded = new Map<string, LoadedScript | string>();
const CACHE_LIMIT = 64;

function scriptOf(t: Transcript): LoadedScript | string {
  const key = `${t.script.sha256}\n${JSON.stringify(t.script.params)}`;
  const hit = loaded.get(key);
  if (hit !== undefined) return hit;
  let result: LoadedScript | string;
  try {
    // Structure only (no action schemas): the rules verify enforces are the steps', roles' and
    // attestations'; loading every action's code would slow every verify (script-loader.ts).
    result = loadScriptWith(null, t.script.text, "transcript script", { parameters: t.script.params });
  } catch (e) {
    result = `the script in the transcript does not validate: ${(e as Error).message.split("\n").slice(0, 3).join(" ")}`;
  }
  if (loaded.size >= CACHE_LIMIT) loaded.clear();
  loaded.set(key, result);
  return result;
}

/** Steps in the script's order: a step starts only after the one before it completed; a completed ceremony completed them all. */
function orderProblems(t: Transcript, stepCount: number): string[] {
  const problems: string[] = [];
  let done = 0;
  for (const e of t.events) {
    if (e.type !== "step.started" && e.type !== "step.completed") continue;
    const index = e.body.stepIndex;
    if (e.type === "step.started" && index !== done) {
      problems.push(
        index < done
          ? `event ${e.seq}: step ${index + 1} started again after it was completed`
          : `event ${e.seq}: step ${index + 1} started before step ${done + 1} was completed; the script's steps run in order`,
      );
    } else if (e.type === "step.completed") {
      if (index === done) done++;
      else problems.push(`event ${e.seq}: step ${index + 1} completed out of order (step ${done + 1} was next)`);
    }
  }
  if (t.ceremony.status === "completed" && done < stepCount) {
    const missing = Array.from({ length: stepCount - done }, (_, i) => done + i + 1);
    problems.push(`the ceremony is recorded as completed, but step${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of its ${stepCount}-step script never completed`);
  }
  return problems;
}

export const scriptRecheck: ExtraCheck = {
  name: "SCRIPT_RULES",
  run({ transcript }) {
    const script = scriptOf(transcript);
    if (typeof script === "string") return [script];
    const problems: string[] = [];
    for (const e of eventsOfType(transcript.events, "step.started")) {
      const index = e.body.stepIndex;
      const step = script.steps[index];
      if (!step) {
        problems.push(`event ${e.seq}: step ${index + 1} is not in the script`);
        continue;
      }
      const rule = e.body.attestation;
      // The recorded rule must be the script's, named witnesses included: dropping "including" would drop the CISO rule.
      const same = canonicalJson(rule, "attestation rule") === canonicalJson(step.rule, "attestation rule");
      if (!same || e.body.stepId !== step.id) {
        problems.push(`event ${e.seq}: step ${index + 1} claims attestation rule ${JSON.stringify(rule)}, the script says ${JSON.stringify(step.rule)}`);
      }
    }
    problems.push(...orderProblems(transcript, script.steps.length));
    return problems;
  },
};
