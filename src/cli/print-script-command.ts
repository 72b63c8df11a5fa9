import { writeFile } from "node:fs/promises";
import { loadScriptFile } from "../ceremony/load-script.ts";
import { paperScriptInput } from "../ceremony/paper-script.ts";
import { ScriptValidationError } from "../ceremony/validation-error.ts";
import { formatHexGroups } from "../common/index.ts";
import { renderCeremonyScript } from "../print/index.ts";
import type { CliIo } from "./io.ts";

const USAGE = "ceremony print-script SCRIPT --params FILE --out PDF [--rehearsal]";

/**
 * `ceremony print-script SCRIPT --params FILE --out PDF`: the paper script for witnesses, printed
 * before the ceremony from exactly the script and parameters the ceremony will run with.
 */
export async function printScriptCommand(
  io: CliIo,
  options: { script?: string; params?: string; out?: string; rehearsal: boolean; now?: Date },
): Promise<number> {
  if (!options.script || !options.out) {
    io.err(`ceremony print-script: give the script and the output file: ${USAGE}`);
    return 2;
  }
  let loaded;
  try {
    loaded = await loadScriptFile(options.script, options.params);
  } catch (e) {
    if (e instanceof ScriptValidationError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
  const { script } = loaded;
  const pdf = await renderCeremonyScript(paperScriptInput(script, { rehearsal: options.rehearsal, printedAt: options.now ?? new Date() }));
  try {
    // Exclusive create: a printed script already handed out is never silently replaced.
    await writeFile(options.out, pdf, { flag: "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`ceremony print-script: cannot write ${options.out} (${code === "EEXIST" ? "it already exists; choose another name or remove it" : (code ?? String(e))})`);
    return 1;
  }
  io.out(`${options.out}: ceremony script for "${script.definition.title}" (${script.steps.length} steps)`);
  io.out(`  script     ${script.fileName} SHA-256 ${formatHexGroups(script.sha256)}`);
  io.out(`  parameters SHA-256 ${formatHexGroups(script.parametersSha256)}`);
  io.out("Print it and hand it to the witnesses before the ceremony; the workstation shows both hashes at the start.");
  return 0;
}
