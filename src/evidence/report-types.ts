/**
 * The evidence report as JSON (format ceremony-workstation.evidence-report.v1): the contract
 * docs/evidence-report.md documents field by field. The PDF prints the same data.
 */
import type { PolicySource, RequirementId, SeedId } from "./policy.ts";

export const EVIDENCE_REPORT_FORMAT = "ceremony-workstation.evidence-report.v1";

/** Worst first: a status is the worst of its findings; evidenced only when there are none. */
export const STATUSES = ["contradicted", "overdue", "missing", "evidenced"] as const;
export type RequirementStatus = (typeof STATUSES)[number];
export type FindingKind = Exclude<RequirementStatus, "evidenced">;

export interface EvidenceActor {
  id: string;
  name: string;
  role: string;
}

/** One event (or step) of one verified ceremony that shows the requirement held. */
export interface EvidenceItem {
  ceremonyId: string;
  /** Bundle folder as given (or found under a folder given). */
  bundle: string;
  /** The event's seq in that ceremony's journal; null for a statement about the whole ceremony. */
  seq: number | null;
  /** UTC ISO-8601 of that event (or of the ceremony's start). */
  time: string;
  actor: EvidenceActor | null;
  text: string;
}

/** What is missing, overdue or contradicted, with where it was seen when it was seen somewhere. */
export interface Finding {
  kind: FindingKind;
  text: string;
  ceremonyId: string | null;
  bundle: string | null;
  seq: number | null;
}

export interface RequirementResult {
  id: RequirementId;
  title: string;
  check: string;
  sources: Array<PolicySource & { seedFile: string }>;
  status: RequirementStatus;
  evidence: EvidenceItem[];
  findings: Finding[];
}

export interface PciResult {
  id: string;
  pciTitle: string;
  seedMapping: (PolicySource & { seedFile: string }) | null;
  requirements: RequirementId[];
  status: RequirementStatus;
}

export type BundleUse = "evidence" | "not-verified";

export interface ReportBundle {
  path: string;
  ceremonyId: string | null;
  scriptId: string | null;
  title: string | null;
  /** The verify verdict (ceremony verify's words, src/transcript/verify-archive.ts). */
  verdict: "verified" | "verified-not-anchored" | "verified-aborted" | "verified-aborted-not-anchored" | "failed";
  signerSpkiSha256: string | null;
  anchored: boolean;
  rehearsal: boolean;
  /** evidence: its events are used; not-verified: it failed a check (with --signer, a signer not among them fails too) and none of its events is used. */
  use: BundleUse;
  failures: Array<{ code: string; message: string }>;
}

export interface ReportKeyCopy {
  kind: "token" | "escrow-set";
  /** "token demo-root (serial 616f…, SoftHSM project SoftHSM v2), CKA_ID 88fb…" or "escrow set EA22…, 3 of 5 cards". */
  where: string;
  madeBy: string;
  /** generated, recovered, escrowed, or elsewhere (no bundle given made it; a destruction named it). */
  how: string;
  /** live, or how it ended (destroyed by ceremony X on date). */
  state: string;
}

export interface ReportKey {
  identity: string;
  label: string;
  algorithm: string;
  kind: string;
  createdAt: string | null;
  createdBy: string | null;
  rotationDueAt: string | null;
  /** active, due-soon, overdue, retired, or "no rotation rule" for kinds the policy gives none. */
  rotation: string;
  copies: ReportKeyCopy[];
}

export interface EvidenceReport {
  format: typeof EVIDENCE_REPORT_FORMAT;
  generatedAt: string;
  /** The time rotation dates are judged at (--at; the report's time by default). */
  asOf: string;
  app: { name: string; version: string };
  policy: { seeds: Array<{ id: SeedId; file: string; title: string }> };
  /** SPKI SHA-256 of every --signer given; empty when none was (nothing is anchored). */
  anchors: string[];
  bundles: ReportBundle[];
  requirements: RequirementResult[];
  pciDss: PciResult[];
  keys: ReportKey[];
  /** Things an auditor should know that are no finding: rehearsals, policy conflicts, anchors. */
  notes: string[];
  summary: {
    bundles: number;
    usedAsEvidence: number;
    notVerified: number;
    notAnchored: number;
    requirements: Record<RequirementStatus, number>;
  };
  /** 0 every requirement evidenced and every bundle verified and anchored; 1 a finding or a bundle not verified; 3 only that nothing is anchored. */
  exitStatus: 0 | 1 | 3;
}
