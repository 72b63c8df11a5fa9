/**
 * The evidence report over the kept format-v1 bundles (test/fixtures/bundles-v1, a demo of
 * 2026-12-01): genuine transcripts from before witnessed previews, so each requirement's reading
 * of old transcripts is pinned — and what an anchor does to which bundles count.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptRecheck } from "../../../src/ceremony/script-recheck.ts";
import { type EvidenceReport, buildEvidenceReport } from "../../../src/evidence/index.ts";

const FIXTURES = resolve(import.meta.dirname, "../../fixtures/bundles-v1");
const NOW = new Date("2026-12-02T00:00:00.000Z");
const ROOT_SIGNER = "2f8fb686a327aacb4ed1924072e76fee5c578c024eb4b896beaf16f691f1a919";

const status = (r: EvidenceReport, id: string) => r.requirements.find((x) => x.id === id)!;

describe("the v1 fixture bundles", () => {
  it("all six verify and count; previews are missing from v1 transcripts, the rest of dual control and the audit trail hold", async () => {
    const r = await buildEvidenceReport([FIXTURES], { extraChecks: [scriptRecheck], now: NOW });
    expect(r.summary).toMatchObject({ bundles: 6, usedAsEvidence: 6, notVerified: 0, notAnchored: 6 });
    expect(r.generatedAt).toBe(NOW.toISOString());
    expect(status(r, "dual-control").status).toBe("evidenced");
    expect(status(r, "audit-trail").status).toBe("evidenced");
    expect(status(r, "split-knowledge").status).toBe("evidenced");
    const noSub = status(r, "no-substitution");
    expect(noSub.status).toBe("missing");
    expect(noSub.findings.every((f) => f.text.includes("without a recorded preview") && f.text.includes("transcript.v1"))).toBe(true);
    // The recovery still evidences that nothing was substituted: its KCVs equal the escrowed key's.
    expect(noSub.evidence.map((e) => e.text)).toEqual(["key-recovery-20261201-2869a5 recovered KEK-01 with KCVs D0E88A / F7A6B86B16, equal to the escrowed key's in master-key-20261201-c49e04"]);
    expect(r.notes.some((n) => n.includes("format v1"))).toBe(true);
    expect(r.exitStatus).toBe(1);
  });

  it("judges rotation at the as-of date: the recovered KEK still held is overdue after 2027-12-01, the destroyed copy is not", async () => {
    const before = await buildEvidenceReport([FIXTURES], { asOf: new Date("2027-11-01T00:00:00Z"), now: NOW });
    expect(status(before, "rotation-schedule").findings.filter((f) => f.kind === "overdue")).toEqual([]);
    const after = await buildEvidenceReport([FIXTURES], { asOf: new Date("2027-12-09T00:00:00Z"), now: NOW });
    const overdue = status(after, "rotation-schedule").findings.filter((f) => f.kind === "overdue");
    expect(overdue.map((f) => f.text)).toEqual([
      "KEK-01 (AES-256 master key (KEK), KCV D0E88A), made 2026-12-01, was due for rotation on 2027-12-01: 7 days overdue (past the policy's 7-day alert); rotate it with kek-rotation.yaml",
    ]);
    const lifetime = await buildEvidenceReport([FIXTURES], { asOf: new Date("2028-12-02T00:00:00Z"), now: NOW });
    expect(status(lifetime, "rotation-schedule").findings.find((f) => f.kind === "overdue")?.text).toMatch(/passed its 2-year lifetime on 2028-12-01 and is still held; rotate it \(kek-rotation\.yaml\) and destroy every copy$/);
  });

  it("with an anchor, a bundle signed by another key is NOT VERIFIED, listed, and its copies drop out", async () => {
    const r = await buildEvidenceReport([FIXTURES], { anchors: [ROOT_SIGNER], now: NOW });
    const recovery = r.bundles.find((b) => b.path.endsWith("05-key-recovery"))!;
    expect(recovery).toMatchObject({ verdict: "failed", use: "not-verified", anchored: false });
    expect(recovery.failures.map((f) => f.code)).toEqual(["SIGNER_KEY_UNEXPECTED"]);
    expect(r.bundles.filter((b) => b.use === "evidence").every((b) => b.anchored)).toBe(true);
    expect(r.summary).toMatchObject({ usedAsEvidence: 5, notVerified: 1, notAnchored: 0 });
    // Without the recovery, the destroyed KEK's only other copy is its escrow set.
    const destruction = status(r, "destruction").findings.map((f) => f.text);
    expect(destruction).toHaveLength(1);
    expect(destruction[0]).toMatch(/its KEK-01 escrow set EA22 9D51 A6 \(3 of 5 cards\) held by Hana Holder, Ivo Holder, Jun Holder, Kai Holder, Lea Holder/);
  });
});
