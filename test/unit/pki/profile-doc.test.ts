import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CERTIFICATE_LINTS, CRL_LINTS } from "../../../src/pki/index.ts";

const doc = readFileSync(new URL("../../../docs/pki-profiles.md", import.meta.url), "utf8");

describe("docs/pki-profiles.md", () => {
  it("lists every lint with its source and rule, and no lint that does not exist", () => {
    const registered = new Set([...CERTIFICATE_LINTS, ...CRL_LINTS].map((l) => l.id));
    for (const l of [...CERTIFICATE_LINTS, ...CRL_LINTS]) {
      expect(doc).toContain(`| \`${l.id}\` | ${l.source} | ${l.description} |`);
    }
    const documented = [...doc.matchAll(/^\| `([ew]_[a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toHaveLength(CERTIFICATE_LINTS.length + CRL_LINTS.length);
    expect(documented.filter((id) => !registered.has(id as string))).toEqual([]);
  });
});
