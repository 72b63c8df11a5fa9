import { formatFingerprint, formatKcv, formatUtc, formatUtcClock, roleTitle } from "../common/index.ts";
import type { FieldRow } from "./field-row.ts";
import { hexLines } from "./hex-lines.ts";
import { SAFE } from "./page-geometry.ts";
import { PageFlow } from "./page-flow.ts";
import { renderPdf, type Pdf } from "./pdf-document.ts";
import { CEREMONY_REHEARSAL_LABEL } from "./rehearsal-mark.ts";
import {
  checkpointRows,
  drawDocumentTitle,
  drawFieldRows,
  drawParagraph,
  drawNamedWitnesses,
  drawSectionHeading,
  fingerprintRows,
  roleWithTitle,
} from "./sheet-sections.ts";
import { drawKeyCopies } from "./key-copies-section.ts";
import { drawReEscrow } from "./reescrow-section.ts";
import { drawTable, type TableColumn } from "./table.ts";
import { drawVoidedSets } from "./voided-sets.ts";
import { drawLine, lineHeight, wrapToWidth, type Type } from "./text-fit.ts";
import { validateTranscriptSummaryInput, type TranscriptSummaryInput } from "./transcript-summary-input.ts";

const VALUE: Type = { font: "Helvetica", size: 10 };
const MONO: Type = { font: "Courier-Bold", size: 10 };
const HEX_CELL: Type = { font: "Courier", size: 8.5 };
const FACT_LABEL_WIDTH = 130;
const COMMAND: Type = { font: "Courier-Bold", size: 10.5 };

/**
 * The auditor's paper view of a transcript: what ran, on which host and HSM, who did and attested
 * each step, what came out, and the checkpoint and signer fingerprint that tie this paper to the
 * signed bundle, with how to verify that bundle.
 */
export async function renderTranscriptSummary(input: TranscriptSummaryInput): Promise<Buffer> {
  validateTranscriptSummaryInput(input);
  const title = input.title ?? `Ceremony ${input.ceremonyId}`;
  return renderPdf(
    { title: `${input.rehearsal ? "REHEARSAL " : ""}Transcript summary: ${title}`, subject: `Ceremony ${input.ceremonyId}`, date: new Date(input.startedAt) },
    (doc) => {
      const flow = new PageFlow(doc, {
        rehearsalLabel: input.rehearsal ? CEREMONY_REHEARSAL_LABEL : undefined,
        runningHead: `Transcript summary · ceremony ${input.ceremonyId} · ${input.status.toUpperCase()} · continued`,
        footer: `Transcript summary · ceremony ${input.ceremonyId} · the signed bundle is authoritative; this page is a reading aid`,
      });
      flow.newPage();
      const when = `${formatUtc(input.startedAt)}${input.finishedAt === undefined ? "" : ` to ${formatUtc(input.finishedAt)}`}`;
      drawDocumentTitle(doc, flow, "Transcript summary", title, [`Ceremony ${input.ceremonyId} · ${when}`]);
      drawStatus(doc, flow, input);

      drawSectionHeading(doc, flow, "Script, host and HSM");
      drawFieldRows(doc, flow, factRows(doc, input), FACT_LABEL_WIDTH);
      flow.y += 10;
      drawSectionHeading(doc, flow, "Participants");
      drawTable(
        doc,
        flow,
        [
          { header: "Name", weight: 3, maxLines: 2 },
          { header: "Role", weight: 2.2, maxLines: 2 },
          { header: "Organisation", weight: 3, maxLines: 2 },
        ],
        input.participants.map((p) => [p.name, roleWithTitle(p, roleTitle), p.organisation]),
      );
      flow.y += 14;
      drawNamedWitnesses(doc, flow, input.namedWitnesses, input.participants);
      drawSteps(doc, flow, input);
      drawOutputs(doc, flow, input);
      if (input.keyCopies) drawKeyCopies(doc, flow, input.keyCopies);
      drawVoidedSets(doc, flow, input.voidedCardSets ?? [], new Map(input.participants.map((p) => [p.id, p.name])), false);
      if (input.reEscrow) drawReEscrow(doc, flow, input.reEscrow);

      drawSectionHeading(doc, flow, "Journal checkpoint", 80);
      drawFieldRows(doc, flow, checkpointRows(doc, input.checkpoint));
      flow.y += 10;
      drawSectionHeading(doc, flow, "Transcript-signing key", 80);
      drawFieldRows(doc, flow, fingerprintRows(doc, "Transcript signer", "SPKI SHA-256; must equal the witness sheet", input.transcriptSigner.spkiSha256));
      flow.y += 10;
      drawVerification(doc, flow, input);
      flow.finish();
    },
  );
}

/** Completed or aborted, in a ruled box that cannot be missed. */
function drawStatus(doc: Pdf, flow: PageFlow, input: TranscriptSummaryInput): void {
  const statusType: Type = { font: "Helvetica-Bold", size: 16 };
  const reasonType: Type = { font: "Helvetica", size: 10 };
  const reason = input.status === "aborted" ? wrapToWidth(doc, reasonType, `Reason: ${input.abortReason ?? ""}`, SAFE.width - 20, 4) : [];
  const height = 12 + lineHeight(statusType) + reason.length * lineHeight(reasonType);
  doc.rect(SAFE.left, flow.y, SAFE.width, height).lineWidth(input.status === "aborted" ? 2.5 : 1.2).stroke("black");
  drawLine(doc, statusType, `Status: ${input.status === "completed" ? "COMPLETED" : "ABORTED"}`, SAFE.left + 10, flow.y + 7);
  reason.forEach((line, i) => drawLine(doc, reasonType, line, SAFE.left + 10, flow.y + 7 + lineHeight(statusType) + i * lineHeight(reasonType)));
  flow.y += height + 14;
}

function factRows(doc: Pdf, input: TranscriptSummaryInput): FieldRow[] {
  const width = SAFE.width - FACT_LABEL_WIDTH;
  const text = (label: string, value: string, type: Type = VALUE): FieldRow => ({ label, lines: wrapToWidth(doc, type, value, width, 3), type });
  const rows = [
    text("Script", input.script.id),
    { label: "Script SHA-256", lines: hexLines(doc, MONO, input.script.sha256, width), type: MONO },
    text("Host", input.host.hostname),
    text("Operating system", input.host.operatingSystem),
    text("Workstation version", input.host.appVersion),
  ];
  if (input.host.airgap !== undefined) rows.push(text("Air gap", input.host.airgap));
  rows.push(
    text("HSM", `${input.hsm.manufacturer} ${input.hsm.model}`),
    text("HSM serial", input.hsm.serial, MONO),
    text("Token label", input.hsm.tokenLabel, MONO),
  );
  if (input.hsm.firmwareVersion !== undefined) rows.push(text("HSM firmware", input.hsm.firmwareVersion));
  return rows;
}

function drawSteps(doc: Pdf, flow: PageFlow, input: TranscriptSummaryInput): void {
  const names = new Map(input.participants.map((p) => [p.id, p.name]));
  const name = (id: string | undefined): string => (id === undefined ? "" : (names.get(id) ?? id));
  const time = (iso: string | undefined): string => (iso === undefined ? "" : formatUtcClock(iso));
  drawSectionHeading(doc, flow, "Steps", 60);
  const columns: TableColumn[] = [
    { header: "No.", weight: 0.6 },
    { header: "Step", weight: 4, maxLines: 4 },
    { header: "Outcome", weight: 1.3 },
    { header: "Performed by", weight: 2, maxLines: 2 },
    { header: "Attested by", weight: 2.4, maxLines: 8 },
    { header: "Time (UTC)", weight: 1.5, maxLines: 2 },
  ];
  drawTable(
    doc,
    flow,
    columns,
    input.steps.map((s) => [
      String(s.number),
      s.title,
      s.outcome,
      name(s.performerId),
      s.attesterIds.map(name).join(", "),
      [time(s.startedAt), time(s.completedAt)].filter((t) => t !== "").join(" to "),
    ]),
  );
  flow.y += 14;
}

function drawOutputs(doc: Pdf, flow: PageFlow, input: TranscriptSummaryInput): void {
  const { certificates, keys, wrappedKeys, shares } = input.outputs;
  const rotations = input.outputs.rotations ?? [];
  const holders = new Map(input.participants.map((p) => [p.id, p.name]));
  drawSectionHeading(doc, flow, "Outputs", 60);
  if (certificates.length + keys.length + wrappedKeys.length + shares.length + rotations.length === 0) {
    drawParagraph(doc, flow, "This ceremony produced no certificates, keys or shares.");
    flow.y += 10;
    return;
  }
  const table = (caption: string, columns: TableColumn[], rows: string[][]): void => {
    if (rows.length === 0) return;
    const type: Type = { font: "Helvetica-Bold", size: 10 };
    flow.ensure(lineHeight(type) + 50);
    drawLine(doc, type, caption, SAFE.left, flow.y);
    flow.y += lineHeight(type) + 2;
    drawTable(doc, flow, columns, rows);
    flow.y += 12;
  };
  table(
    "Certificates",
    [
      { header: "Label", weight: 2, maxLines: 2 },
      { header: "Subject", weight: 3.5, maxLines: 4 },
      { header: "SHA-256 of the DER certificate", weight: 4.5, type: HEX_CELL },
    ],
    certificates.map((c) => [c.label, c.subject, formatFingerprint(c.sha256)]),
  );
  table(
    "Key check values",
    [
      { header: "Key", weight: 4, maxLines: 2 },
      { header: "KCV-ECB0", weight: 2, type: MONO },
      { header: "KCV-CMAC", weight: 3, type: MONO },
    ],
    keys.map((k) => [k.label, formatKcv(k.kcvEcb0), formatKcv(k.kcvCmac)]),
  );
  table(
    "Wrapped keys (escrow)",
    [
      { header: "Key", weight: 3, maxLines: 2 },
      { header: "SHA-256 of the wrapped key", weight: 7, type: HEX_CELL },
    ],
    wrappedKeys.map((w) => [w.keyLabel, formatFingerprint(w.sha256)]),
  );
  table(
    "Shares",
    [
      { header: "Key", weight: 2.2, maxLines: 2 },
      { header: "Share", weight: 1.4 },
      { header: "Holder", weight: 2.4, maxLines: 2 },
      { header: "Share fingerprint (SHA-256)", weight: 4.5, type: HEX_CELL },
    ],
    shares.map((s) => [s.keyLabel, `${s.index} of ${s.n}, ${s.k} needed`, holders.get(s.holderId) ?? s.holderId, formatFingerprint(s.fingerprint)]),
  );
  table(
    "Key rotation",
    [
      { header: "Replaced key", weight: 3.5, maxLines: 3 },
      { header: "Replaced by", weight: 3.5, maxLines: 3 },
      { header: "Replaced key's destruction", weight: 3, maxLines: 3 },
    ],
    rotations.map((r) => [r.old, r.successor, r.destruction]),
  );
}

function drawVerification(doc: Pdf, flow: PageFlow, input: TranscriptSummaryInput): void {
  drawSectionHeading(doc, flow, "How to verify", 120);
  drawParagraph(doc, flow, "With the workstation software, on the bundle directory (exit status 0 only when every check passes; each failure is named):");
  flow.y += 4;
  flow.ensure(lineHeight(COMMAND) + 4);
  drawLine(doc, COMMAND, "ceremony verify BUNDLE", SAFE.left + 16, flow.y);
  flow.y += lineHeight(COMMAND) + 6;
  drawParagraph(
    doc,
    flow,
    "Without our code: docs/verify-with-openssl.md checks the DSSE signature over transcript.json and the " +
      "manifest digests with stock OpenSSL. Either way, check by eye that the signer's SPKI SHA-256, from",
  );
  flow.y += 4;
  flow.ensure(lineHeight(COMMAND) + 4);
  drawLine(doc, { ...COMMAND, size: 9.5 }, "openssl pkey -pubin -in signer.pub.pem -outform DER | openssl dgst -sha256", SAFE.left + 16, flow.y);
  flow.y += lineHeight(COMMAND) + 6;
  drawParagraph(
    doc,
    flow,
    "equals the transcript signer above and on the witness sheet signed on paper, and that the transcript's " +
      `checkpoint shows ${input.checkpoint.eventCount} events and the head above.`,
  );
}
