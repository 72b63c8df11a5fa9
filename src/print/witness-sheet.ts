import { formatFingerprint, formatUtc, roleTitle } from "../common/index.ts";
import { measureFieldRow } from "./field-row.ts";
import { drawKeyCopies } from "./key-copies-section.ts";
import { drawReEscrow } from "./reescrow-section.ts";
import { SAFE } from "./page-geometry.ts";
import { PageFlow } from "./page-flow.ts";
import { renderPdf, type Pdf } from "./pdf-document.ts";
import { CEREMONY_REHEARSAL_LABEL } from "./rehearsal-mark.ts";
import {
  BODY,
  SECTION_HEADING,
  checkpointRows,
  drawDocumentTitle,
  drawFieldRows,
  drawParagraph,
  drawNamedWitnesses,
  drawSectionHeading,
  fingerprintRows,
  roleWithTitle,
} from "./sheet-sections.ts";
import { drawTable } from "./table.ts";
import { drawVoidedSets } from "./voided-sets.ts";
import { drawLine, fitSize, lineHeight, truncateToWidth, widthOf, wrapToWidth, type Type } from "./text-fit.ts";
import { validateWitnessSheetInput, type PrintedParticipant, type WitnessSheetInput } from "./witness-sheet-input.ts";

const NUMBER_WIDTH = 30;
const TITLE_WIDTH = 200;
const BOX_HEIGHT = 36;
const BOX_GAP = 4;
const BOXES_PER_LINE = 3;
const PAD = 5;
const STEP_NUMBER: Type = { font: "Helvetica-Bold", size: 11 };
const STEP_TITLE: Type = { font: "Helvetica", size: 10 };
const BOX_LABEL: Type = { font: "Helvetica-Bold", size: 7.5 };
const BOX_CAPTION: Type = { font: "Helvetica", size: 6 };
const HEADER: Type = { font: "Helvetica-Bold", size: 8.5 };
const SIGNATURE_ROW = 40;
const ABORTED: Type = { font: "Helvetica-Bold", size: 16 };
const NOT_DONE: Type = { font: "Helvetica-Bold", size: 10 };

/**
 * The paper the witnesses keep: who took part, every step with a box per required witness for
 * initials and time, and at the end the journal checkpoint and the transcript-signing key's
 * fingerprint, which everyone signs under. The signed transcript is then bound to this paper by
 * that fingerprint.
 */
export async function renderWitnessSheet(input: WitnessSheetInput): Promise<Buffer> {
  validateWitnessSheetInput(input);
  const title = input.title ?? `Ceremony ${input.ceremonyId}`;
  const aborted = input.aborted !== undefined ? "ABORTED " : "";
  return renderPdf(
    { title: `${input.rehearsal ? "REHEARSAL " : ""}${aborted}Witness sign-off sheet: ${title}`, subject: `Ceremony ${input.ceremonyId}`, date: new Date(input.ceremonyDate) },
    (doc) => {
      const flow = new PageFlow(doc, {
        rehearsalLabel: input.rehearsal ? CEREMONY_REHEARSAL_LABEL : undefined,
        runningHead: `${aborted}Witness sign-off sheet · ceremony ${input.ceremonyId} · ${formatUtc(input.ceremonyDate)} · continued`,
        footer: `${aborted}Witness sign-off sheet · ceremony ${input.ceremonyId}`,
      });
      flow.newPage();
      const subtitle = [`Ceremony ${input.ceremonyId} · ${formatUtc(input.ceremonyDate)}`];
      if (input.script !== undefined) subtitle.push(`Script ${input.script.id} · SHA-256 ${formatFingerprint(input.script.sha256)}`);
      drawDocumentTitle(doc, flow, "Witness sign-off sheet", title, subtitle);
      if (input.aborted !== undefined) drawAbortedBanner(doc, flow, input.aborted.reason);

      drawSectionHeading(doc, flow, "Participants");
      drawTable(
        doc,
        flow,
        [
          { header: "Name", weight: 3, maxLines: 2 },
          { header: "Role", weight: 2.2, maxLines: 2 },
          { header: "Organisation", weight: 3, maxLines: 2 },
          { header: "Specimen initials", weight: 1.8 },
        ],
        input.participants.map((p) => [p.name, roleWithTitle(p, roleTitle), p.organisation, ""]),
      );
      flow.y += 14;
      drawNamedWitnesses(doc, flow, input.namedWitnesses, input.participants);

      drawSectionHeading(doc, flow, "Steps", 60);
      drawParagraph(
        doc,
        flow,
        "Initial your box and write the time (UTC) when you have seen the step done as the screen describes it." +
          (input.steps.some((s) => s.done === false) ? " Steps struck through were never done: nobody initials them." : ""),
      );
      flow.y += 4;
      drawSteps(doc, flow, input);
      flow.y += 14;
      if (input.keyCopies) drawKeyCopies(doc, flow, input.keyCopies);
      drawVoidedSets(doc, flow, input.voidedCardSets ?? [], new Map(input.participants.map((p) => [p.id, p.name])), true);
      if (input.reEscrow) drawReEscrow(doc, flow, input.reEscrow);

      drawClosingBlock(doc, flow, input);
      flow.finish();
    },
  );
}

function drawStepsHeader(doc: Pdf, flow: PageFlow): void {
  drawLine(doc, HEADER, "NO.", SAFE.left, flow.y);
  drawLine(doc, HEADER, "STEP", SAFE.left + NUMBER_WIDTH, flow.y);
  drawLine(doc, HEADER, "WITNESS INITIALS AND TIME (UTC)", SAFE.left + NUMBER_WIDTH + TITLE_WIDTH, flow.y);
  flow.y += lineHeight(HEADER) + 2;
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.2).stroke("black");
}

function drawSteps(doc: Pdf, flow: PageFlow, input: WitnessSheetInput): void {
  const byId = new Map(input.participants.map((p) => [p.id, p]));
  const boxesX = SAFE.left + NUMBER_WIDTH + TITLE_WIDTH;
  const boxWidth = (SAFE.right - boxesX - (BOXES_PER_LINE - 1) * BOX_GAP) / BOXES_PER_LINE;

  flow.ensure(lineHeight(HEADER) + 2 + 60);
  drawStepsHeader(doc, flow);
  for (const step of input.steps) {
    const titleLines = wrapToWidth(doc, STEP_TITLE, step.title, TITLE_WIDTH - 10, 6);
    const witnesses = step.witnessIds.map((id) => byId.get(id)).filter((p): p is PrintedParticipant => p !== undefined);
    const boxLines = Math.ceil(witnesses.length / BOXES_PER_LINE);
    const boxesHeight = boxLines * BOX_HEIGHT + Math.max(0, boxLines - 1) * BOX_GAP;
    const height = Math.max(titleLines.length * lineHeight(STEP_TITLE), boxesHeight, lineHeight(STEP_NUMBER)) + 2 * PAD;
    if (flow.ensure(height)) drawStepsHeader(doc, flow);

    const top = flow.y;
    drawLine(doc, STEP_NUMBER, String(step.number), SAFE.left, top + PAD);
    titleLines.forEach((line, i) => drawLine(doc, STEP_TITLE, line, SAFE.left + NUMBER_WIDTH, top + PAD + 1 + i * lineHeight(STEP_TITLE)));
    if (witnesses.length === 0) {
      drawLine(doc, { font: "Helvetica-Oblique", size: 9 }, "no attestation required", boxesX, top + PAD + 1);
    }
    witnesses.forEach((witness, i) => {
      const x = boxesX + (i % BOXES_PER_LINE) * (boxWidth + BOX_GAP);
      const y = top + PAD + Math.floor(i / BOXES_PER_LINE) * (BOX_HEIGHT + BOX_GAP);
      drawWitnessBox(doc, witness, x, y, boxWidth);
    });
    if (step.done === false) strikeOut(doc, top, height);
    flow.y = top + height;
    doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(0.5).stroke("black");
  }
}

/** A step the ceremony never did: struck through the title and the boxes, so nobody initials it. */
function strikeOut(doc: Pdf, top: number, height: number): void {
  const middle = top + height / 2;
  doc.save();
  doc.lineWidth(2).moveTo(SAFE.left, middle).lineTo(SAFE.right, middle).stroke("black");
  doc.lineWidth(1).moveTo(SAFE.left + NUMBER_WIDTH + TITLE_WIDTH, top + 2).lineTo(SAFE.right, top + height - 2).stroke("black");
  // The words sit on a white patch over the boxes, so the strike lines never hide them.
  const label = "NOT DONE";
  const width = widthOf(doc, NOT_DONE, label) + 12;
  const x = (SAFE.left + NUMBER_WIDTH + TITLE_WIDTH + SAFE.right - width) / 2;
  doc.rect(x, middle - lineHeight(NOT_DONE) / 2 - 3, width, lineHeight(NOT_DONE) + 6).fill("white");
  doc.restore();
  drawLine(doc, NOT_DONE, label, x + 6, middle - NOT_DONE.size / 2);
}

/** Solid black band with ABORTED and the reason: it must not be missed, and it photocopies. */
function drawAbortedBanner(doc: Pdf, flow: PageFlow, reason: string): void {
  const lines = wrapToWidth(doc, BODY, `Reason recorded: ${reason}`, SAFE.width - 20, 3);
  const height = lineHeight(ABORTED) + lines.length * lineHeight(BODY) + 14;
  flow.ensure(height);
  doc.save();
  doc.rect(SAFE.left, flow.y, SAFE.width, height).fill("black");
  doc.restore();
  drawLine(doc, ABORTED, "ABORTED — this ceremony did not complete", SAFE.left + 10, flow.y + 6, { color: "white" });
  lines.forEach((line, i) => drawLine(doc, BODY, line, SAFE.left + 10, flow.y + 8 + lineHeight(ABORTED) + i * lineHeight(BODY), { color: "white" }));
  flow.y += height + 12;
}

/** One witness's box: their name on top, then "initials" and "time" cells to write in. */
function drawWitnessBox(doc: Pdf, witness: PrintedParticipant, x: number, y: number, width: number): void {
  const split = x + width * 0.5;
  doc.lineWidth(1).rect(x, y, width, BOX_HEIGHT).stroke("black");
  doc.lineWidth(0.5).moveTo(split, y + 11).lineTo(split, y + BOX_HEIGHT).stroke("black");
  // Each witness must find their own box: shrink a long name before cutting it.
  const label: Type = { ...BOX_LABEL, size: fitSize(doc, BOX_LABEL.font, witness.name, width - 6, BOX_LABEL.size, 6) };
  drawLine(doc, label, truncateToWidth(doc, label, witness.name, width - 6), x + 3, y + 3);
  drawLine(doc, BOX_CAPTION, "initials", x + 3, y + BOX_HEIGHT - 8);
  drawLine(doc, BOX_CAPTION, "time", split + 3, y + BOX_HEIGHT - 8);
}

/**
 * Checkpoint, signer fingerprint, statement and signatures, kept on one page when they fit, so
 * every signature sits under the fingerprint it vouches for.
 */
function drawClosingBlock(doc: Pdf, flow: PageFlow, input: WitnessSheetInput): void {
  const checkpoint = checkpointRows(doc, input.checkpoint);
  const signer = fingerprintRows(
    doc,
    "Transcript signer",
    "SPKI SHA-256 of the HSM key that signs the transcript",
    input.transcriptSigner.spkiSha256,
  );
  const statement = statementText(input);
  const rowsHeight = [...checkpoint, ...signer].reduce((sum, row) => sum + measureFieldRow(doc, row, 130) + 5, 0);
  const headings = 3 * (lineHeight(SECTION_HEADING) + 4) + 28;
  const statementHeight = wrapToWidth(doc, BODY, statement, SAFE.width).length * lineHeight(BODY) + 10;
  const signaturesHeight = lineHeight(HEADER) + 4 + input.participants.length * SIGNATURE_ROW;
  const whole = rowsHeight + headings + statementHeight + signaturesHeight;
  const pageRoom = flow.bottom - SAFE.top - 60;
  // Too many signers for one page: keep the fingerprint, the statement and the first signatures
  // together, and let the rest follow on pages that repeat the fingerprint.
  flow.ensure(whole <= pageRoom ? whole : whole - signaturesHeight + 3 * SIGNATURE_ROW);

  drawSectionHeading(doc, flow, "Journal checkpoint", 60);
  drawFieldRows(doc, flow, checkpoint);
  flow.y += 10;
  drawSectionHeading(doc, flow, "Transcript-signing key", 60);
  drawFieldRows(doc, flow, signer);
  flow.y += 10;
  drawSectionHeading(doc, flow, "Signatures", statementHeight + SIGNATURE_ROW);
  drawParagraph(doc, flow, statement);
  flow.y += 10;
  drawSignatureRows(doc, flow, input.participants, formatFingerprint(input.transcriptSigner.spkiSha256));
}

function statementText(input: WitnessSheetInput): string {
  return (
    "By signing I confirm that I took part in this ceremony in the role shown, that I initialled only " +
    "steps I saw done, and that the journal checkpoint and the transcript-signing key fingerprint above " +
    "were read aloud and match what the workstation displayed. A transcript for ceremony " +
    `${input.ceremonyId} is genuine only if it verifies under a key with exactly this fingerprint.`
  );
}

function drawSignatureRows(doc: Pdf, flow: PageFlow, participants: readonly PrintedParticipant[], signer: string): void {
  const nameWidth = 200;
  const signatureWidth = SAFE.width - nameWidth - 110;
  const reminder: Type = { font: "Courier-Bold", size: 9 };
  const header = (continued = false): void => {
    if (continued) {
      drawLine(doc, { font: "Helvetica-Bold", size: 9 }, "Signatures, continued: signing under transcript signer", SAFE.left, flow.y);
      flow.y += lineHeight(reminder);
      drawLine(doc, reminder, signer, SAFE.left, flow.y);
      flow.y += lineHeight(reminder) + 8;
    }
    drawLine(doc, HEADER, "NAME AND ROLE", SAFE.left, flow.y);
    drawLine(doc, HEADER, "SIGNATURE", SAFE.left + nameWidth, flow.y);
    drawLine(doc, HEADER, "DATE", SAFE.left + nameWidth + signatureWidth + 10, flow.y);
    flow.y += lineHeight(HEADER) + 4;
  };
  flow.ensure(lineHeight(HEADER) + 4 + SIGNATURE_ROW);
  header();
  for (const p of participants) {
    if (flow.ensure(SIGNATURE_ROW)) header(true);
    const nameType: Type = { font: "Helvetica-Bold", size: 10 };
    const roleType: Type = { font: "Helvetica", size: 8.5 };
    drawLine(doc, nameType, truncateToWidth(doc, nameType, p.name, nameWidth - 10), SAFE.left, flow.y + 8);
    drawLine(doc, roleType, truncateToWidth(doc, roleType, `${roleWithTitle(p, roleTitle)} · ${p.organisation}`, nameWidth - 10), SAFE.left, flow.y + 21);
    const lineY = flow.y + SIGNATURE_ROW - 8;
    doc.lineWidth(0.8);
    doc.moveTo(SAFE.left + nameWidth, lineY).lineTo(SAFE.left + nameWidth + signatureWidth - 10, lineY).stroke("black");
    doc.moveTo(SAFE.left + nameWidth + signatureWidth + 10, lineY).lineTo(SAFE.right, lineY).stroke("black");
    flow.y += SIGNATURE_ROW;
  }
}
