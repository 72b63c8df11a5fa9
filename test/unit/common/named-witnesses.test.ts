import { describe, expect, test } from "vitest";
import { assignNamedWitnesses, describeNamedWitness, normaliseTitle, titleFills } from "../../../src/common/index.ts";

const CISO = { title: "CISO or Director of Cybersecurity", anyOf: ["CISO", "Director of Cybersecurity"], roles: ["internal-witness"], count: 1 };
const DPO = { title: "Data Protection Officer", anyOf: ["DPO", "CISO"], roles: ["internal-witness"], count: 1 };
const w = (id: string, title?: string, role = "internal-witness") => ({ id, role, ...(title ? { title } : {}) });

describe("named witnesses (POL-SEC-KM: one witness being the CISO or Director of Cybersecurity)", () => {
  test("a title fills a requirement ignoring case and spacing, never a longer or shorter title", () => {
    expect(normaliseTitle("  Director   of cybersecurity ")).toBe("director of cybersecurity");
    expect(titleFills(w("a", "ciso"), CISO)).toBe(true);
    expect(titleFills(w("a", " Director  of Cybersecurity"), CISO)).toBe(true);
    expect(titleFills(w("a", "Deputy CISO"), CISO)).toBe(false);
    expect(titleFills(w("a", "CIS"), CISO)).toBe(false);
    expect(titleFills(w("a"), CISO)).toBe(false);
  });

  test("the title must come with one of the requirement's roles", () => {
    expect(titleFills(w("a", "CISO", "crypto-officer"), CISO)).toBe(false);
    expect(assignNamedWitnesses([CISO], [w("a", "CISO", "crypto-officer")])).toEqual({ filledBy: [[]], missing: [1] });
  });

  test("one person fills one slot: a CISO is not two named witnesses", () => {
    expect(assignNamedWitnesses([{ ...CISO, count: 2 }], [w("a", "CISO"), w("b")])).toEqual({ filledBy: [["a"]], missing: [1] });
    expect(assignNamedWitnesses([CISO, DPO], [w("a", "CISO")]).missing.reduce((x, y) => x + y)).toBe(1);
  });

  test("the person who fits two requirements goes where only they fit (no greedy mistake)", () => {
    // "a" fits both; "b" only the CISO rule. Greedy would give "a" to CISO and leave DPO empty.
    expect(assignNamedWitnesses([CISO, DPO], [w("a", "CISO"), w("b", "Director of Cybersecurity")])).toEqual({ filledBy: [["b"], ["a"]], missing: [0, 0] });
  });

  test("how a requirement reads on every surface", () => {
    expect(describeNamedWitness(CISO)).toBe("a CISO or Director of Cybersecurity");
    expect(describeNamedWitness({ title: "Security head", anyOf: ["CISO"], count: 2 })).toBe("2 × Security head (job title CISO)");
  });
});
