import { resolve } from "node:path";
import { build } from "esbuild";
import { expect, it } from "vitest";

// The evidence report reads bundles through the verify library alone, so the online system (or an
// auditor's machine without native modules) can build the JSON report: nothing it reaches imports
// better-sqlite3, pkcs11js, pdfkit or electron, nor the HSM, journal database, printing, ceremony
// or CLI code. The PDF is drawn by src/print from the finished report, outside this graph.
it("src/evidence reaches only the verify library, events and pure helpers", async () => {
  const root = resolve(import.meta.dirname, "../../..");
  const result = await build({ entryPoints: [resolve(root, "src/evidence/index.ts")], bundle: true, write: false, metafile: true, platform: "node", format: "esm", packages: "external", logLevel: "silent" });
  const files = Object.keys(result.metafile.inputs);
  const packages = new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)));
  expect([...packages].filter((p) => !p.startsWith("node:"))).toEqual(["zod"]);
  expect(files.filter((f) => /^src\/(hsm|print|ceremony|cli|api|escrow|airgap)\//.test(f) || f === "src/journal/journal.ts")).toEqual([]);
  expect(files).toContain("src/transcript/verify-archive.ts");
});
