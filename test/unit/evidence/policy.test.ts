/**
 * The requirements table (src/evidence/policy.ts) is derived from the seed policies: every quote
 * must be the seed's own words, and every PCI-DSS row must be judged by requirements that exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PCI_ROWS, REQUIREMENTS, REQUIREMENT_IDS, SEEDS, type PolicySource } from "../../../src/evidence/index.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
// The seeds sit beside the repository (../shared/seeds), also when it is a worktree one level deeper.
const SEED_DIR = [resolve(ROOT, "../shared/seeds"), resolve(ROOT, "../../shared/seeds")].find((d) => existsSync(d));

const allSources = (): PolicySource[] => [...REQUIREMENTS.flatMap((r) => r.sources), ...PCI_ROWS.flatMap((p) => (p.seedMapping ? [p.seedMapping] : []))];

describe("the policy table", () => {
  it("has every requirement once, each with at least one seed source", () => {
    expect(REQUIREMENTS.map((r) => r.id)).toEqual([...REQUIREMENT_IDS]);
    for (const r of REQUIREMENTS) expect(r.sources.length, r.id).toBeGreaterThan(0);
  });

  it("maps PCI-DSS 3.7.1 to 3.7.7, each to existing requirements, and says the seed has no 3.7.3 row", () => {
    expect(PCI_ROWS.map((p) => p.id)).toEqual(["3.7.1", "3.7.2", "3.7.3", "3.7.4", "3.7.5", "3.7.6", "3.7.7"]);
    for (const p of PCI_ROWS) for (const id of p.requirements) expect(REQUIREMENT_IDS).toContain(id);
    expect(PCI_ROWS.find((p) => p.id === "3.7.3")?.seedMapping).toBeNull();
    expect(PCI_ROWS.find((p) => p.id === "3.7.6")?.requirements).toEqual(["split-knowledge", "dual-control"]);
  });

  it("cites the CISO witness rule in the seed's words", () => {
    const rule = REQUIREMENTS.find((r) => r.id === "rotation-witnesses")!;
    expect(rule.sources[0]).toEqual({ seed: "000", section: "Key Rotation and Master Key Access", quote: "Key rotation ceremonies must include at least two witnesses, one being the CISO or Director of Cybersecurity." });
  });

  it.skipIf(!SEED_DIR)("quotes each seed verbatim, in the section it names", () => {
    for (const s of allSources()) {
      const text = readFileSync(join(SEED_DIR!, SEEDS[s.seed].file), "utf8");
      expect(text, `${s.seed} ${s.section}`).toContain(s.quote);
      const at = text.indexOf(s.quote);
      if (s.section.startsWith("§")) {
        // The nearest numbered heading above the quote ("3.6 Rotation Schedule", "9. Compliance Mapping") is the one cited.
        const headings = [...text.slice(0, at).matchAll(/^(\d+(?:\.\d+)?)\.? [A-Z]/gm)];
        expect(headings.at(-1)?.[1], `${s.seed} ${s.section}: "${s.quote}"`).toBe(s.section.slice(1).split(" ")[0]);
      } else {
        expect(text.lastIndexOf(s.section, at), `${s.seed} ${s.section}: "${s.quote}"`).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

if (!SEED_DIR) console.log("policy.test.ts: the seed policies (../shared/seeds) are not beside this checkout; their quotes were not compared");
