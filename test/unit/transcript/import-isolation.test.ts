import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

// The online system imports src/transcript (the verify library) on machines without native
// modules, so nothing it reaches may import better-sqlite3, pkcs11js, pdfkit or electron — not
// even transitively — nor the HSM, journal database, printing, ceremony or CLI code.
const FORBIDDEN = ["better-sqlite3", "pkcs11js", "pdfkit", "electron"];
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const entry = resolve(root, "src/transcript/index.ts");

/** The module graph as esbuild bundles it: type-only imports are erased, exactly as at run time. */
async function moduleGraph(): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: "node", format: "esm", packages: "external", logLevel: "silent" });
  const files = Object.keys(result.metafile.inputs).sort();
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external) packages.add(imp.path);
  }
  return { files, packages: [...packages].sort() };
}

describe("src/transcript stands alone", () => {
  it("reaches no HSM, SQLite, PDF, ceremony or CLI code, and no package but zod", async () => {
    const { files, packages } = await moduleGraph();
    expect(packages.filter((p) => FORBIDDEN.some((f) => p === f || p.startsWith(`${f}/`)))).toEqual([]);
    expect(packages.filter((p) => !p.startsWith("node:"))).toEqual(["zod"]);
    const outside = files.filter((f) => !f.startsWith("src/transcript/"));
    expect(outside.filter((f) => /^src\/(hsm|print|ceremony|cli|api|escrow|airgap)\//.test(f) || f === "src/journal/journal.ts" || f === "src/journal/index.ts")).toEqual([]);
    // What it does use: pure helpers for canonical JSON, the chain, DER and signature checks.
    expect(outside.every((f) => /^src\/(errors|input-file|signer)\.ts$|^src\/(journal|pki|format|common|events|errors)\//.test(f))).toBe(true);
    expect(files).toContain("src/transcript/verify-bundle.ts");
  });

  // A resolve hook that refuses the forbidden packages; the journal's own index is the control
  // that shows the hook bites.
  function importWithForbiddenBlocked(modulePath: string): string {
    const hooks = `export async function resolve(spec, ctx, next) {
      if (${JSON.stringify(FORBIDDEN)}.includes(spec)) throw new Error("blocked import " + spec);
      return next(spec, ctx);
    }`;
    const script = `
      import { register } from "node:module";
      register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}));
      const m = await import(${JSON.stringify(modulePath)});
      console.log(Object.keys(m).length);
    `;
    try {
      return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", stdio: "pipe", cwd: root }).trim();
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
  }

  it("loads in a process where the native packages cannot be imported", () => {
    expect(Number(importWithForbiddenBlocked(entry))).toBeGreaterThan(10);
    expect(importWithForbiddenBlocked(resolve(root, "src/journal/index.ts"))).toContain("blocked import better-sqlite3");
  });
});
