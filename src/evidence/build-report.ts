/**
 * `ceremony report PATH…`: which requirement of the seed policies each signed bundle evidences,
 * and what is missing, overdue or contradicted (docs/evidence-report.md). Reads only signed
 * bundles: each is verified with the verify library first (src/transcript), and only a bundle
 * that verifies — and, when the auditor names anchors, is signed by one of them — counts as
 * evidence. A bundle that does not verify is listed with its failures and its events are unused.
 */
import { formatFingerprintPrefix, formatSetId } from "../common/index.ts";
import { type BundleReport, type Transcript, type VerifyBundleOptions, verifyArchive } from "../transcript/index.ts";
import { CeremonyError } from "../errors.ts";
import { APP_NAME, APP_VERSION } from "../version.ts";
import { type CeremonyRecord, ceremonyRecord } from "./ceremony-record.ts";
import { type CheckInput, type CheckResult, KIND_NAMES, day, tokenCopyName } from "./check-kit.ts";
import { checkCustodians, checkDestruction, checkGeneration, checkReplacement, checkRotationSchedule, checkSplitKnowledge, checkStorage, rotationDate } from "./checks-keys.ts";
import { checkAuditTrail, checkDualControl, checkNoSubstitution, checkRotationWitnesses } from "./checks-people.ts";
import { type LedgerKey, buildKeyLedger } from "./key-ledger.ts";
import { PCI_ROWS, type PolicySource, REQUIREMENTS, type RequirementId, SEEDS, type SeedId } from "./policy.ts";
import {
  EVIDENCE_REPORT_FORMAT,
  type EvidenceReport,
  type ReportBundle,
  type ReportKey,
  type RequirementResult,
  type RequirementStatus,
  STATUSES,
} from "./report-types.ts";

const CHECKS: Record<RequirementId, (input: CheckInput) => CheckResult> = {
  "generation-in-hsm": checkGeneration,
  storage: checkStorage,
  "dual-control": checkDualControl,
  "rotation-witnesses": checkRotationWitnesses,
  "split-knowledge": checkSplitKnowledge,
  custodians: checkCustodians,
  "rotation-schedule": checkRotationSchedule,
  replacement: checkReplacement,
  destruction: checkDestruction,
  "audit-trail": checkAuditTrail,
  "no-substitution": checkNoSubstitution,
};

export interface EvidenceReportOptions extends Pick<VerifyBundleOptions, "anchors" | "extraChecks"> {
  /** Rotation dates are judged at this time; now by default. */
  asOf?: Date;
  /** The report's own time (tests fix it); now by default. */
  now?: Date;
}

/** Thrown when the paths given hold no bundle at all: nothing to report on. */
export class NoBundlesError extends CeremonyError {}

function worst(statuses: readonly RequirementStatus[]): RequirementStatus {
  return STATUSES.find((s) => statuses.includes(s)) ?? "evidenced";
}

function withFile(source: PolicySource): PolicySource & { seedFile: string } {
  return { ...source, seedFile: SEEDS[source.seed].file };
}

/** With --signer, verify itself fails a bundle signed by another key (SIGNER_KEY_UNEXPECTED). */
function bundleUse(b: BundleReport): ReportBundle["use"] {
  return b.verdict === "failed" ? "not-verified" : "evidence";
}

export async function buildEvidenceReport(paths: readonly string[], options: EvidenceReportOptions = {}): Promise<EvidenceReport> {
  const anchors = [...(options.anchors ?? [])];
  const transcripts = new Map<string, Transcript>();
  const verified = await verifyArchive(paths, { anchors, extraChecks: options.extraChecks ?? [], onTranscript: (path, t) => transcripts.set(path, t) });
  if (verified.bundles.every((b) => b.failures.some((f) => f.code === "BUNDLE_UNREADABLE") && !transcripts.has(b.path))) {
    const what = paths.length === 1 ? paths[0]! : `any of ${paths.join(", ")}`;
    throw new NoBundlesError("REPORT_NO_BUNDLES", `No ceremony bundle found in ${what} (a bundle is a folder holding transcript.json, transcript.dsse.json, signer.pub.pem and manifest.json). Give bundle folders or a folder that holds them.`);
  }
  const bundles: ReportBundle[] = verified.bundles.map((b) => ({
    path: b.path,
    ceremonyId: b.ceremonyId,
    scriptId: b.scriptId,
    title: b.title,
    verdict: b.verdict,
    signerSpkiSha256: b.signerSpkiSha256,
    anchored: b.anchored,
    rehearsal: b.rehearsal,
    use: bundleUse(b),
    failures: b.failures.map((f) => ({ code: f.code, message: f.message })),
  }));
  const ceremonies: CeremonyRecord[] = verified.bundles.flatMap((b, i) => {
    const t = transcripts.get(b.path);
    return bundles[i]!.use === "evidence" && t && b.signerSpkiSha256 ? [ceremonyRecord(b.path, t, b.signerSpkiSha256, b.anchored)] : [];
  });
  const now = options.now ?? new Date();
  const asOf = options.asOf ?? now;
  const ledger = buildKeyLedger(ceremonies);
  const input: CheckInput = { ceremonies, ledger, asOf };

  const requirements: RequirementResult[] = REQUIREMENTS.map((req) => {
    const { evidence, findings } = CHECKS[req.id](input);
    const status = findings.length === 0 ? "evidenced" : worst(findings.map((f) => f.kind));
    return { id: req.id, title: req.title, check: req.check, sources: req.sources.map(withFile), status, evidence, findings };
  });
  const statusOf = new Map(requirements.map((r) => [r.id, r.status]));
  const pciDss = PCI_ROWS.map((row) => ({
    id: row.id,
    pciTitle: row.pciTitle,
    seedMapping: row.seedMapping ? withFile(row.seedMapping) : null,
    requirements: [...row.requirements],
    status: worst(row.requirements.map((id) => statusOf.get(id) ?? "missing")),
  }));

  const count = (s: RequirementStatus): number => requirements.filter((r) => r.status === s).length;
  const summary = {
    bundles: bundles.length,
    usedAsEvidence: bundles.filter((b) => b.use === "evidence").length,
    notVerified: bundles.filter((b) => b.use === "not-verified").length,
    notAnchored: bundles.filter((b) => b.use !== "not-verified" && !b.anchored).length,
    requirements: { contradicted: count("contradicted"), overdue: count("overdue"), missing: count("missing"), evidenced: count("evidenced") },
  };
  const clean = summary.requirements.evidenced === requirements.length && summary.notVerified === 0;
  const exitStatus = !clean ? 1 : summary.notAnchored > 0 ? 3 : 0;
  return {
    format: EVIDENCE_REPORT_FORMAT,
    generatedAt: now.toISOString(),
    asOf: asOf.toISOString(),
    app: { name: APP_NAME, version: APP_VERSION },
    policy: { seeds: (Object.keys(SEEDS) as SeedId[]).map((id) => ({ id, file: SEEDS[id].file, title: SEEDS[id].title })) },
    anchors,
    bundles,
    requirements,
    pciDss,
    keys: ledger.keys.map((k) => reportKey(k, asOf)),
    notes: notesFor(bundles, ceremonies, anchors),
    summary,
    exitStatus,
  };
}

function reportKey(key: LedgerKey, asOf: Date): ReportKey {
  const date = rotationDate(key);
  const made = key.generated ?? key.copies[0]?.made ?? null;
  const live = key.copies.filter((x) => (x.kind === "token" ? x.destroyed === null : x.retired === null));
  let rotation = "no rotation rule in the policy for this kind of key";
  if (key.rotatedBy || (key.copies.length > 0 && live.length === 0)) rotation = "retired";
  else if (date) {
    const left = date.dueAt.getTime() - asOf.getTime();
    rotation = left <= 0 ? "overdue" : left <= 30 * 24 * 60 * 60 * 1000 ? "due-soon" : "active";
  }
  return {
    identity: key.identity,
    label: key.label,
    algorithm: key.algorithm,
    kind: KIND_NAMES[key.kind],
    createdAt: made?.event.time ?? null,
    createdBy: made?.ceremony.id ?? null,
    rotationDueAt: date?.dueAt.toISOString() ?? null,
    rotation,
    copies: key.copies.map((copy) =>
      copy.kind === "token"
        ? {
            kind: "token",
            where: tokenCopyName(copy),
            madeBy: copy.how === "elsewhere" ? "not in the bundles given" : copy.made.ceremony.id,
            how: copy.how,
            state: copy.destroyed ? `destroyed by ${copy.destroyed.ceremony.id} on ${day(copy.destroyed.event.time)}` : "live",
          }
        : {
            kind: "escrow-set",
            where: `escrow set ${formatSetId(copy.setId)}, ${copy.k} of ${copy.n} cards (${copy.cards.map((x) => x.holder).join(", ")})`,
            madeBy: copy.made.ceremony.id,
            how: "escrowed",
            state: copy.retired
              ? `${copy.retired.how} by ${copy.retired.ceremony.id} on ${day(copy.retired.event.time)}`
              : copy.revoked
                ? `revoked by ${copy.revoked.ceremony.id} on ${day(copy.revoked.event.time)}, superseded by set ${formatSetId(copy.revoked.supersededBy)}`
                : "live",
          },
    ),
  };
}

function notesFor(bundles: readonly ReportBundle[], ceremonies: readonly CeremonyRecord[], anchors: readonly string[]): string[] {
  const notes: string[] = [];
  const rehearsals = ceremonies.filter((c) => c.rehearsal);
  if (rehearsals.length > 0) {
    notes.push(
      `${rehearsals.length} of the ${ceremonies.length} bundles used as evidence are REHEARSALS on throwaway software tokens: they show the procedure was followed, not that production keys exist (000 "Key Generation": hardware modules are preferred).`,
    );
  }
  if (anchors.length === 0 && ceremonies.length > 0) {
    const signers = [...new Set(ceremonies.map((c) => c.signerSpkiSha256))];
    notes.push(
      `No --signer was given, so nothing is anchored: a bundle re-signed by someone else would read the same. Compare each signer with its witness sheet (${signers.map(formatFingerprintPrefix).join(", ")}) and run again with --signer.`,
    );
  }
  notes.push(
    `Seed 000 says keys rotate at least annually with a lifetime of at most 2 years; seed 001 §4 gives a root CA a 10-year validity. This report applies the annual rule to master keys (001 §3.6) and the 10-year rule to root CA keys; keys of other kinds (transcript-signing) have no rotation rule in the seeds.`,
    `The seed's PCI-DSS mapping (001 §9) numbers three rows differently from PCI-DSS v4.0.1 (3.7.2 is key distribution there, 3.7.7 the prevention of key substitution) and has no row for 3.7.3; each PCI row below is judged by the requirements of both readings.`,
    "A copy of a key (a token it was made on or recovered into, an escrow set) counts as live until a bundle given records its destruction; the report names every live copy of a destroyed key.",
  );
  if (ceremonies.some((c) => c.transcript.format === "ceremony-workstation.transcript.v1")) {
    notes.push("Some transcripts are format v1: they predate witnessed previews (so no-substitution lacks that evidence for them) and job titles at sign-in.");
  }
  return notes;
}

/** For callers that print the report: a requirement's short status word. */
export const STATUS_WORDS: Record<RequirementStatus, string> = {
  evidenced: "EVIDENCED",
  missing: "MISSING",
  overdue: "OVERDUE",
  contradicted: "CONTRADICTED",
};
