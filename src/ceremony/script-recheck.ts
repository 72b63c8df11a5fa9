/**
 * The ceremony layer's extra bundle check: the script recorded in the transcript still parses
 * and validates, and every step.started event carries exactly the attestation rule the script
 * gives that step — so the rules `verify` enforces are the script's, not whatever the events say.
 */
import type { ExtraCheck } from "../transcript/index.ts";
import { loadScript } from "./load-script.ts";

export const scriptRecheck: ExtraCheck = {
  name: "SCRIPT_RULES",
  run({ transcript }) {
    let script;
    try {
      script = loadScript(transcript.script.text, "transcript script", { parameters: transcript.script.params });
    } catch (e) {
      return [`the script in the transcript does not validate: ${(e as Error).message.split("\n").slice(0, 3).join(" ")}`];
    }
    const problems: string[] = [];
    for (const e of transcript.events.filter((x) => x.type === "step.started")) {
      const index = e.body.stepIndex as number;
      const step = script.steps[index];
      if (!step) {
        problems.push(`event ${e.seq}: step ${index + 1} is not in the script`);
        continue;
      }
      const rule = e.body.attestation as { roles: string[]; count: number };
      const same = rule?.count === step.attestation.count && JSON.stringify(rule.roles) === JSON.stringify(step.attestation.roles);
      if (!same || e.body.stepId !== step.id) {
        problems.push(`event ${e.seq}: step ${index + 1} claims attestation rule ${JSON.stringify(rule)}, the script says ${JSON.stringify(step.attestation)}`);
      }
    }
    return problems;
  },
};
