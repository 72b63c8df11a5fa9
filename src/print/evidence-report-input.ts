import { PrintInputError } from "./errors.ts";
import { requireArray, requireIsoDate, requireText } from "./validate.ts";

export type PrintedStatus = "evidenced" | "missing" | "overdue" | "contradicted";

/**
 * What the evidence report's PDF prints: the JSON report (src/evidence, docs/evidence-report.md)
 * fits this shape as it is, so the paper and the JSON say the same. Plain data.
 */
export interface EvidenceReportInput {
  generatedAt: string;
  asOf: string;
  app: { name: string; version: string };
  policy: { seeds: ReadonlyArray<{ id: string; file: string; title: string }> };
  anchors: readonly string[];
  bundles: ReadonlyArray<{
    path: string;
    ceremonyId: string | null;
    scriptId: string | null;
    verdict: string;
    signerSpkiSha256: string | null;
    anchored: boolean;
    rehearsal: boolean;
    use: "evidence" | "not-verified";
    failures: ReadonlyArray<{ code: string; message: string }>;
  }>;
  requirements: ReadonlyArray<{
    id: string;
    title: string;
    check: string;
    status: PrintedStatus;
    sources: ReadonlyArray<{ seed: string; section: string; quote: string }>;
    evidence: ReadonlyArray<{ ceremonyId: string; seq: number | null; time: string; actor: { name: string; role: string } | null; text: string }>;
    findings: ReadonlyArray<{ kind: Exclude<PrintedStatus, "evidenced">; text: string; ceremonyId: string | null; seq: number | null }>;
  }>;
  pciDss: ReadonlyArray<{ id: string; pciTitle: string; seedMapping: { seed: string; section: string; quote: string } | null; requirements: readonly string[]; status: PrintedStatus }>;
  keys: ReadonlyArray<{
    label: string;
    algorithm: string;
    kind: string;
    createdAt: string | null;
    createdBy: string | null;
    rotationDueAt: string | null;
    rotation: string;
    copies: ReadonlyArray<{ where: string; state: string }>;
  }>;
  notes: readonly string[];
  summary: { bundles: number; usedAsEvidence: number; notVerified: number; notAnchored: number; requirements: Record<PrintedStatus, number> };
}

const STATUSES: readonly PrintedStatus[] = ["evidenced", "missing", "overdue", "contradicted"];

export function validateEvidenceReportInput(input: EvidenceReportInput): void {
  requireIsoDate(input.generatedAt, "generatedAt");
  requireIsoDate(input.asOf, "asOf");
  requireText(input.app?.name, "app.name", 100);
  requireText(input.app.version, "app.version", 100);
  requireArray(input.bundles, "bundles", 1).forEach((b, i) => requireText(b?.path, `bundles[${i}].path`, 4096));
  requireArray(input.requirements, "requirements", 1).forEach((r, i) => {
    requireText(r?.title, `requirements[${i}].title`, 300);
    if (!STATUSES.includes(r.status)) throw new PrintInputError(`requirements[${i}].status`, `must be one of ${STATUSES.join(", ")}`);
    requireArray(r.sources, `requirements[${i}].sources`, 1);
    requireArray(r.evidence, `requirements[${i}].evidence`);
    requireArray(r.findings, `requirements[${i}].findings`);
  });
  requireArray(input.pciDss, "pciDss");
  requireArray(input.keys, "keys");
  requireArray(input.notes, "notes");
}
