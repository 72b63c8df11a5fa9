/**
 * The policy evidence report (docs/evidence-report.md): the seed policies' requirements as a
 * table, and which verified bundles evidence each. Reads bundles through the verify library
 * (src/transcript) and imports no HSM, SQLite or PDF code.
 */
export { type EvidenceReportOptions, NoBundlesError, STATUS_WORDS, buildEvidenceReport } from "./build-report.ts";
export { PCI_ROWS, POLICY_NUMBERS, REQUIREMENTS, REQUIREMENT_IDS, type PciRow, type PolicySource, type Requirement, type RequirementId, SEEDS, type SeedId } from "./policy.ts";
export {
  EVIDENCE_REPORT_FORMAT,
  type EvidenceActor,
  type EvidenceItem,
  type EvidenceReport,
  type Finding,
  type FindingKind,
  type PciResult,
  type ReportBundle,
  type ReportKey,
  type ReportKeyCopy,
  type RequirementResult,
  type RequirementStatus,
  STATUSES,
} from "./report-types.ts";
export { ROTATION_SCRIPTS } from "./checks-people.ts";
