import { formatFingerprintPrefix, formatUtc, formatUtcClock, formatUtcDate, roleTitle } from "../common/index.ts";
import { type EvidenceReportInput, type PrintedStatus, validateEvidenceReportInput } from "./evidence-report-input.ts";
import { SAFE } from "./page-geometry.ts";
import { PageFlow } from "./page-flow.ts";
import { renderPdf, type Pdf } from "./pdf-document.ts";
import { drawDocumentTitle, drawParagraph, drawSectionHeading } from "./sheet-sections.ts";
import { drawTable } from "./table.ts";
import { drawLine, lineHeight, wrapToWidth, type Type } from "./text-fit.ts";

const STATUS_WORD: Record<PrintedStatus, string> = { evidenced: "EVIDENCED", missing: "MISSING", overdue: "OVERDUE", contradicted: "CONTRADICTED" };
const REQUIREMENT_HEADING: Type = { font: "Helvetica-Bold", size: 11 };
const STATUS_TYPE: Type = { font: "Helvetica-Bold", size: 11 };
const SMALL: Type = { font: "Helvetica", size: 8.5 };
const QUOTE: Type = { font: "Helvetica-Oblique", size: 8.5 };
const FINDING: Type = { font: "Helvetica", size: 9 };
const FINDING_KIND: Type = { font: "Helvetica-Bold", size: 9 };

/**
 * The auditor's paper copy of an evidence report: per requirement of the seed policies, its status,
 * the policy text it comes from, what is missing, overdue or contradicted, and the ceremonies and
 * events that evidence it; then the PCI-DSS rows, the bundles read (verified or not) and the keys
 * with their copies. The JSON beside it holds the same data.
 */
export async function renderEvidenceReport(input: EvidenceReportInput): Promise<Buffer> {
  validateEvidenceReportInput(input);
  const asOf = formatUtc(input.asOf);
  return renderPdf({ title: `Policy evidence report as of ${asOf}`, subject: "Key-management policy evidence from signed ceremony bundles", date: new Date(input.generatedAt) }, (doc) => {
    const flow = new PageFlow(doc, {
      runningHead: `Policy evidence report · as of ${asOf} · continued`,
      footer: `Policy evidence report · as of ${asOf} · derived from the signed bundles listed, which are authoritative`,
    });
    flow.newPage();
    const s = input.summary;
    drawDocumentTitle(doc, flow, "Policy evidence report", "Key-management policy: what the ceremonies evidence", [
      `As of ${asOf} · generated ${formatUtc(input.generatedAt)} by ${input.app.name} ${input.app.version}`,
      `${s.bundles} bundle${s.bundles === 1 ? "" : "s"} read: ${s.usedAsEvidence} verified and used as evidence, ${s.notVerified} not verified, ${s.notAnchored} not anchored`,
    ]);
    drawSummaryBox(doc, flow, input);
    drawSectionHeading(doc, flow, "Requirements at a glance", 80);
    drawTable(
      doc,
      flow,
      [
        { header: "No.", weight: 0.5 },
        { header: "Requirement", weight: 6, maxLines: 3 },
        { header: "Status", weight: 1.9 },
        { header: "Evidence", weight: 1.3 },
        { header: "Findings", weight: 1.3 },
      ],
      input.requirements.map((r, i) => [String(i + 1), r.title, STATUS_WORD[r.status], String(r.evidence.length), String(r.findings.length)]),
    );
    flow.y += 14;
    drawPci(doc, flow, input);
    drawBundles(doc, flow, input);
    input.requirements.forEach((r, i) => drawRequirement(doc, flow, r, i + 1));
    drawKeys(doc, flow, input);
    drawSectionHeading(doc, flow, "Notes", 40);
    for (const note of input.notes) {
      drawParagraph(doc, flow, `- ${note}`, SMALL);
      flow.y += 3;
    }
    flow.y += 8;
    drawSectionHeading(doc, flow, "Policy sources", 40);
    for (const seed of input.policy.seeds) drawParagraph(doc, flow, `${seed.id}  ${seed.file}: ${seed.title}`, SMALL);
    flow.finish();
  });
}

function drawSummaryBox(doc: Pdf, flow: PageFlow, input: EvidenceReportInput): void {
  const r = input.summary.requirements;
  const total = input.requirements.length;
  const headline = r.evidenced === total ? `All ${total} requirements evidenced` : `${r.evidenced} of ${total} requirements evidenced`;
  const detail = `${r.contradicted} contradicted · ${r.overdue} overdue · ${r.missing} missing${input.anchors.length ? ` · anchors: ${input.anchors.map(formatFingerprintPrefix).join(", ")}` : " · NOT ANCHORED: no --signer was given"}`;
  const lines = wrapToWidth(doc, SMALL, detail, SAFE.width - 20, 3);
  const height = 14 + lineHeight(STATUS_TYPE) + lines.length * lineHeight(SMALL);
  flow.ensure(height);
  doc.rect(SAFE.left, flow.y, SAFE.width, height).lineWidth(r.evidenced === total ? 1.2 : 2.5).stroke("black");
  drawLine(doc, { ...STATUS_TYPE, size: 14 }, headline, SAFE.left + 10, flow.y + 7);
  lines.forEach((line, i) => drawLine(doc, SMALL, line, SAFE.left + 10, flow.y + 9 + lineHeight(STATUS_TYPE) + i * lineHeight(SMALL)));
  flow.y += height + 14;
}

function drawPci(doc: Pdf, flow: PageFlow, input: EvidenceReportInput): void {
  if (input.pciDss.length === 0) return;
  const number = new Map(input.requirements.map((r, i) => [r.id, i + 1]));
  drawSectionHeading(doc, flow, "PCI-DSS 3.7.1 to 3.7.7", 80);
  drawTable(
    doc,
    flow,
    [
      { header: "PCI-DSS", weight: 0.9 },
      { header: "PCI-DSS v4.0.1", weight: 3, maxLines: 3 },
      { header: "Seed's mapping (001 §9)", weight: 3.5, maxLines: 3 },
      { header: "Judged by", weight: 1.3 },
      { header: "Status", weight: 2 },
    ],
    input.pciDss.map((p) => [
      p.id,
      p.pciTitle,
      p.seedMapping ? p.seedMapping.quote.replace(/^\|\s*|\s*\|$/g, "").replace(/\s*\|\s*/g, " / ") : "no row in the seed's mapping",
      p.requirements.map((id) => `no. ${number.get(id) ?? "?"}`).join(", "),
      STATUS_WORD[p.status],
    ]),
  );
  flow.y += 14;
}

function drawBundles(doc: Pdf, flow: PageFlow, input: EvidenceReportInput): void {
  drawSectionHeading(doc, flow, "Bundles read", 80);
  drawParagraph(doc, flow, "Each bundle was verified with the verify library (ceremony verify) before its events were read. A bundle that is not verified is listed with its first failure and none of its events is used.", SMALL);
  flow.y += 4;
  const use = { evidence: "used as evidence", "not-verified": "NOT VERIFIED: excluded" } as const;
  drawTable(
    doc,
    flow,
    [
      { header: "Bundle", weight: 2.6, maxLines: 3, type: SMALL },
      { header: "Ceremony", weight: 3.4, maxLines: 2, type: SMALL },
      { header: "Signer", weight: 2.2, maxLines: 2, type: SMALL },
      { header: "Verdict and use", weight: 3.8, maxLines: 6, type: SMALL },
    ],
    input.bundles.map((b) => [
      b.path.split("/").filter(Boolean).slice(-2).join("/"),
      `${b.ceremonyId ?? "(unreadable)"}${b.rehearsal ? " REHEARSAL" : ""}`,
      b.signerSpkiSha256 ? `${formatFingerprintPrefix(b.signerSpkiSha256)}${b.anchored ? " anchored" : " not anchored"}` : "none",
      b.use === "evidence" ? `${b.verdict.replace(/-/g, " ")}; ${use[b.use]}` : `${use[b.use]}${b.failures[0] ? ` [${b.failures[0].code}] ${b.failures[0].message}` : ""}`,
    ]),
  );
  flow.y += 14;
}

function drawRequirement(doc: Pdf, flow: PageFlow, r: EvidenceReportInput["requirements"][number], n: number): void {
  const titleLines = wrapToWidth(doc, REQUIREMENT_HEADING, `${n}. ${r.title}`, SAFE.width - 110, 3);
  flow.ensure(titleLines.length * lineHeight(REQUIREMENT_HEADING) + 80);
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.2).stroke("black");
  flow.y += 6;
  drawLine(doc, STATUS_TYPE, STATUS_WORD[r.status], SAFE.right - 100, flow.y, { width: 100, align: "right" });
  for (const line of titleLines) {
    drawLine(doc, REQUIREMENT_HEADING, line, SAFE.left, flow.y);
    flow.y += lineHeight(REQUIREMENT_HEADING);
  }
  flow.y += 2;
  for (const source of r.sources) drawParagraph(doc, flow, `${source.seed} ${source.section}: "${source.quote}"`, QUOTE);
  flow.y += 2;
  drawParagraph(doc, flow, `Checked: ${r.check}`, SMALL);
  flow.y += 6;
  for (const f of r.findings) {
    const kind = `${STATUS_WORD[f.kind]}  `;
    const indent = 86;
    const lines = wrapToWidth(doc, FINDING, `${f.text}${f.ceremonyId && !f.text.includes(f.ceremonyId) ? ` (${f.ceremonyId}${f.seq !== null ? ` seq ${f.seq}` : ""})` : ""}`, SAFE.width - indent);
    flow.ensure(lines.length * lineHeight(FINDING));
    drawLine(doc, FINDING_KIND, kind, SAFE.left, flow.y);
    lines.forEach((line, i) => drawLine(doc, FINDING, line, SAFE.left + indent, flow.y + i * lineHeight(FINDING)));
    flow.y += lines.length * lineHeight(FINDING) + 3;
  }
  if (r.evidence.length > 0) {
    flow.y += 4;
    drawTable(
      doc,
      flow,
      [
        { header: "Ceremony, event", weight: 2.9, maxLines: 3, type: SMALL },
        { header: "Time (UTC)", weight: 1.5, maxLines: 2, type: SMALL },
        { header: "Actor", weight: 1.8, maxLines: 3, type: SMALL },
        { header: "Evidence", weight: 6.6, maxLines: 9, type: SMALL },
      ],
      r.evidence.map((e) => [
        `${e.ceremonyId}${e.seq !== null ? ` seq ${e.seq}` : ""}`,
        `${formatUtcDate(e.time)} ${formatUtcClock(e.time)}`,
        e.actor ? `${e.actor.name}, ${roleTitle(e.actor.role)}` : "",
        e.text,
      ]),
    );
  } else if (r.findings.length === 0) {
    drawParagraph(doc, flow, "No evidence.", SMALL);
  }
  flow.y += 16;
}

function drawKeys(doc: Pdf, flow: PageFlow, input: EvidenceReportInput): void {
  if (input.keys.length === 0) return;
  drawSectionHeading(doc, flow, "Keys and their copies", 80);
  drawTable(
    doc,
    flow,
    [
      { header: "Key", weight: 2.4, maxLines: 3, type: SMALL },
      { header: "Made", weight: 2.6, maxLines: 3, type: SMALL },
      { header: "Rotation", weight: 1.8, maxLines: 3, type: SMALL },
      { header: "Copies", weight: 6, maxLines: 12, type: SMALL },
    ],
    input.keys.map((k) => [
      `${k.label}, ${k.algorithm} ${k.kind}`,
      k.createdAt ? `${formatUtcDate(k.createdAt)} by ${k.createdBy ?? "?"}` : "not made in these bundles",
      k.rotationDueAt ? `${k.rotation}, due ${formatUtcDate(k.rotationDueAt)}` : k.rotation === "retired" ? "retired" : "no rule in the policy",
      k.copies.map((c) => `${c.where}: ${c.state}`).join("; "),
    ]),
  );
  flow.y += 14;
}
