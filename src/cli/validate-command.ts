import { formatFingerprint } from "../common/index.ts";
import { loadScriptFile } from "../ceremony/load-script.ts";
import { actionRegistry } from "../ceremony/actions/registry.ts";
import { ScriptValidationError } from "../ceremony/validation-error.ts";
import type { CliIo } from "./io.ts";

/** `ceremony validate SCRIPT [--params FILE]`: every problem, no HSM touched. */
export async function validateCommand(io: CliIo, scriptPath: string | undefined, paramsPath?: string): Promise<number> {
  if (!scriptPath) {
    io.err("ceremony validate: give the script file: ceremony validate SCRIPT [--params FILE]");
    return 2;
  }
  try {
    const { script } = await loadScriptFile(scriptPath, paramsPath);
    io.out(`${script.fileName}: valid — "${script.definition.title}" v${script.definition.version}`);
    io.out(`  SHA-256 ${formatFingerprint(script.sha256)}`);
    io.out(`  air gap: ${script.definition.airGap}`);
    io.out(`  roles: ${Object.entries(script.roleMinimums).filter(([, n]) => n > 0).map(([r, n]) => `${n} × ${r}`).join(", ")}`);
    for (const step of script.steps) {
      const a = actionRegistry.get(step.action.type)!;
      io.out(`  ${String(step.index + 1).padStart(2)}. ${step.title}  [${step.action.type}: ${a.summary}; ${step.attestation.count} × ${step.attestation.roles.join("/")}]`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ScriptValidationError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}
