import { loadScriptFile } from "../ceremony/load-script.ts";
import { actionRegistry } from "../ceremony/actions/registry.ts";
import { ROLE_TITLES, ROLES } from "../ceremony/roles.ts";
import { ScriptValidationError } from "../ceremony/validation-error.ts";
import { formatFingerprint, wrapWords as wrap } from "../common/index.ts";
import type { CliIo } from "./io.ts";

/**
 * `ceremony validate SCRIPT [--params FILE]`: every problem, no HSM touched; when valid, the
 * values the ceremony would run with (defaults filled in) and both hashes the paper script carries.
 */
export async function validateCommand(io: CliIo, scriptPath: string | undefined, paramsPath?: string): Promise<number> {
  if (!scriptPath) {
    io.err("ceremony validate: give the script file: ceremony validate SCRIPT [--params FILE]");
    return 2;
  }
  try {
    const { script, params } = await loadScriptFile(scriptPath, paramsPath);
    const definition = script.definition;
    io.out(`${script.fileName}: valid — "${definition.title}" v${definition.version}`);
    io.out(`  script SHA-256     ${formatFingerprint(script.sha256)}`);
    io.out(`  parameters SHA-256 ${formatFingerprint(script.parametersSha256)}`);
    io.out(`  air gap: ${definition.airGap}`);
    io.out("  parameters, as the ceremony will use them:");
    for (const [name, value] of Object.entries(script.parameters)) {
      const given = name in params.parameters ? "" : " (default)";
      for (const line of wrap(`${name} = ${JSON.stringify(value)}${given} — ${definition.parameters[name]?.description ?? ""}`, "    ", "        ")) io.out(line);
    }
    const roles = ROLES.filter((r) => script.roleMinimums[r] > 0).map((r) => `${script.roleMinimums[r]} × ${ROLE_TITLES[r]}`);
    for (const line of wrap(`roles: ${roles.join(", ")}`, "  ", "    ")) io.out(line);
    io.out("  steps:");
    for (const step of script.steps) {
      const a = actionRegistry.get(step.action.type)!;
      io.out(`  ${String(step.index + 1).padStart(2)}. ${step.title}`);
      const rule = `${step.attestation.count} × ${step.attestation.roles.map((r) => ROLE_TITLES[r]).join(" or ")}`;
      for (const line of wrap(`${step.action.type}: ${a.summary}; attested by ${rule}`, "      ", "      ")) io.out(line);
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
