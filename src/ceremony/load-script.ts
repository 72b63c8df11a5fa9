/**
 * Loading a ceremony script for a ceremony: script-loader.ts's validation with every action's
 * parameter schema from the action registry. (verify re-checks a recorded script with
 * script-loader.ts alone; see there.)
 */
import { basename } from "node:path";
import { actionRegistry } from "./actions/registry.ts";
import { loadParamsFile, loadScriptWith, readScriptText, type LoadedScript } from "./script-loader.ts";
import { ParamsFile } from "./script-schema.ts";

export { loadParamsFile, parametersSha256, parseParams, parseYamlStrict, ROLES, type LoadedScript, type ResolvedStep } from "./script-loader.ts";

/** Validates a whole script with its parameter values; throws one error listing every problem. */
export function loadScript(text: string, fileName: string, params: ParamsFile = ParamsFile.parse({})): LoadedScript {
  return loadScriptWith(actionRegistry, text, fileName, params);
}

export async function loadScriptFile(path: string, paramsPath?: string): Promise<{ script: LoadedScript; params: ParamsFile }> {
  const text = await readScriptText(path);
  const params = paramsPath ? await loadParamsFile(paramsPath) : ParamsFile.parse({});
  return { script: loadScript(text, basename(path), params), params };
}
