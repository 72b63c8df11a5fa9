/** The script catalogue: the shipped scripts, their summaries for the start screen, and the printed ceremony script. */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { recoverySourceOf, withRecoveryHeadCount } from "../../ceremony/escrow-holders.ts";
import { type LoadedScript, loadScript, parseYamlStrict } from "../../ceremony/load-script.ts";
import { type EscrowSetLookup, revocationInInventory, revokedSetMessage } from "../../ceremony/recovery-standing.ts";
import { paperScriptInput } from "../../ceremony/paper-script.ts";
import { DEFAULT_ROLE_MINIMUMS } from "../../ceremony/roles.ts";
import { ScriptDefinition } from "../../ceremony/script-schema.ts";
import { ScriptValidationError } from "../../ceremony/validation-error.ts";
import { renderCeremonyScript } from "../../print/index.ts";
import type { ScriptSummary } from "../contract.ts";
import { ServiceError } from "./service-error.ts";

export class ScriptCatalogue {
  constructor(
    private readonly scriptsDir: string,
    private readonly dataDir: string,
    /** The key inventory's escrow sets: a recovery of a set a re-escrow revoked is a problem of its parameters. */
    private readonly escrowSet?: EscrowSetLookup,
  ) {}

  /** The path of a shipped script by file name; anything but a plain name is refused. */
  path(file: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(file)) throw new ServiceError("SCRIPT_NAME", `"${file}" is not a ceremony script name.`);
    return join(this.scriptsDir, file);
  }

  async text(file: string): Promise<string> {
    return readFile(this.path(file), "utf8");
  }

  async list(): Promise<ScriptSummary[]> {
    const files = (await readdir(this.scriptsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    return Promise.all(files.map((f) => this.summarize(f)));
  }

  /** What the start screen shows of a script: its parameters, head-counts, steps, and every problem. */
  async summarize(file: string, parameters?: Record<string, unknown>): Promise<ScriptSummary> {
    const text = await this.text(file);
    const base: ScriptSummary = { file, parameters: [], roles: {}, steps: [], issues: [] };
    let definition;
    try {
      const raw = parseYamlStrict(text, file);
      const parsed = ScriptDefinition.safeParse(raw);
      if (parsed.success) definition = parsed.data;
    } catch (e) {
      if (e instanceof ScriptValidationError) return { ...base, issues: e.issues };
      throw e;
    }
    let roles: Record<string, number> | undefined;
    try {
      const loaded = await withRecoveryHeadCount(loadScript(text, file, { parameters: parameters ?? {} }), this.scriptsDir);
      definition = loaded.definition;
      base.sha256 = loaded.sha256;
      base.parametersSha256 = loaded.parametersSha256;
      roles = loaded.roleMinimums;
      const revoked = await this.revokedRecovery(loaded);
      if (revoked) base.issues = [revoked];
    } catch (e) {
      if (!(e instanceof ScriptValidationError)) throw e;
      base.issues = e.issues;
    }
    if (!definition) return base;
    return {
      ...base,
      id: definition.id,
      title: definition.title,
      version: definition.version,
      ...(definition.description ? { description: definition.description } : {}),
      parameters: Object.entries(definition.parameters).map(([name, d]) => ({
        name,
        type: d.type,
        description: d.description,
        required: d.required !== false && d.default === undefined,
        ...(d.default !== undefined ? { default: d.default } : {}),
        ...(d.type === "enum" ? { values: d.values } : {}),
        ...(d.type === "integer" && d.min !== undefined ? { min: d.min } : {}),
        ...(d.type === "integer" && d.max !== undefined ? { max: d.max } : {}),
      })),
      // Head-counts that depend on a parameter are known once the parameters validate.
      roles: roles ?? { ...DEFAULT_ROLE_MINIMUMS, ...Object.fromEntries(Object.entries(definition.roles).filter(([, v]) => typeof v === "number")) },
      steps: definition.steps.map((s) => ({ id: s.id, title: s.title, action: s.action.type })),
    };
  }

  /** A recovery whose bundle's card set a re-escrow revoked, as the key inventory records: the problem, on the bundle's parameter. */
  private async revokedRecovery(script: LoadedScript): Promise<{ path: string; message: string } | null> {
    if (!this.escrowSet) return null;
    const source = await recoverySourceOf(script, this.scriptsDir);
    const revocation = source ? revocationInInventory(this.escrowSet, source.setId) : null;
    if (!revocation) return null;
    const step = script.steps.find((s) => s.action.type === "escrow.recover");
    const name = /^\$\{([a-zA-Z][a-zA-Z0-9]*)\}$/.exec(String(step?.action.params.bundle ?? ""))?.[1] ?? "bundle";
    return { path: `parameters.${name}`, message: revokedSetMessage(revocation) };
  }

  /** Writes the printed ceremony script (the paper witnesses annotate) next to the journal; never overwrites. */
  async print(file: string, parameters: Record<string, unknown>, rehearsal: boolean): Promise<{ path: string; scriptSha256: string; parametersSha256: string }> {
    const script = loadScript(await this.text(file), file, { parameters });
    const now = new Date();
    const pdf = await renderCeremonyScript(paperScriptInput(script, { rehearsal, printedAt: now }));
    const dir = join(this.dataDir, "printed-scripts");
    await mkdir(dir, { recursive: true });
    const stamp = now.toISOString().replace(/[-:]/g, "").slice(0, 15);
    const path = join(dir, `${script.definition.id}-${stamp}-${script.parametersSha256.slice(0, 8)}.pdf`);
    await writeFile(path, pdf, { flag: "wx" });
    return { path, scriptSha256: script.sha256, parametersSha256: script.parametersSha256 };
  }
}
