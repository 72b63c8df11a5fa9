import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The online system imports src/transcript on machines without native modules, so nothing it
// reaches may import better-sqlite3, pkcs11js, pdfkit or electron — not even transitively.
const FORBIDDEN = ["better-sqlite3", "pkcs11js", "pdfkit", "electron"];
const here = dirname(fileURLToPath(import.meta.url));
const entry = resolve(here, "../../../src/transcript/index.ts");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;

function reachable(start: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2]) as string;
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

describe("src/transcript stands alone", () => {
  it("reaches none of the native or Electron packages", () => {
    const { files, packages } = reachable(entry);
    expect([...packages].filter((p) => FORBIDDEN.some((f) => p === f || p.startsWith(`${f}/`)))).toEqual([]);
    expect([...packages].filter((p) => !p.startsWith("node:")).sort()).toEqual(["zod"]);
    const outside = [...files].map((f) => f.slice(resolve(here, "../../../src").length + 1)).filter((f) => !f.startsWith("transcript/"));
    expect(outside.sort()).toEqual(["common/pem.ts", "errors.ts", "journal/canonical-json.ts", "journal/chain.ts", "journal/errors.ts", "journal/secret-guard.ts", "signer.ts"]);
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
      return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", stdio: "pipe" }).trim();
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
  }

  it("loads in a process where the native packages cannot be imported", () => {
    expect(Number(importWithForbiddenBlocked(entry))).toBeGreaterThan(10);
    expect(importWithForbiddenBlocked(resolve(here, "../../../src/journal/index.ts"))).toContain("blocked import better-sqlite3");
  });
});
