import { formatFingerprint, formatUtc } from "../common/index.ts";
import { type CeremonyScriptInput, type PrintedBlank, type PrintedScriptStep, validateCeremonyScriptInput } from "./ceremony-script-input.ts";
import { SAFE } from "./page-geometry.ts";
import { PageFlow } from "./page-flow.ts";
import { renderPdf, type Pdf } from "./pdf-document.ts";
import { CEREMONY_REHEARSAL_LABEL } from "./rehearsal-mark.ts";
import { BODY, drawDocumentTitle, drawParagraph, drawSectionHeading } from "./sheet-sections.ts";
import { drawTable } from "./table.ts";
import { drawLine, lineHeight, truncateToWidth, wrapToWidth, type Type } from "./text-fit.ts";

const STEP_HEADING: Type = { font: "Helvetica-Bold", size: 13 };
const PERFORMER: Type = { font: "Helvetica-Oblique", size: 9 };
const SUBHEAD: Type = { font: "Helvetica-Bold", size: 8.5 };
const CHECK_ITEM: Type = { font: "Helvetica", size: 10 };
const BLANK_LABEL: Type = { font: "Helvetica-Bold", size: 9.5 };
const BLANK_NOTE: Type = { font: "Helvetica", size: 8 };
const BOX_LABEL: Type = { font: "Helvetica-Bold", size: 8.5 };
const BOX_CAPTION: Type = { font: "Helvetica", size: 6 };
const CHECKBOX = 10;
const BLANK_HEIGHT = 22;
/** A handwritten character needs about this much room. */
const CHAR_WIDTH = 11;
const LABEL_COLUMN = 230;
const INITIALS_BOX = { width: 82, height: 34, gap: 5 };

/**
 * The paper script handed out before a ceremony (docs/architecture.md, Paper in the room): per step the
 * instructions, checklist boxes, a blank for every value the screen asks witnesses to write down,
 * and initials boxes per witness. Every page carries the SHA-256 of the script and of its
 * parameters, which ceremony.started records too, so the annotated paper binds to the bundle.
 */
export async function renderCeremonyScript(input: CeremonyScriptInput): Promise<Buffer> {
  validateCeremonyScriptInput(input);
  const scriptHash = formatFingerprint(input.scriptSha256);
  const paramsHash = formatFingerprint(input.parametersSha256);
  return renderPdf(
    { title: `${input.rehearsal ? "REHEARSAL " : ""}Ceremony script: ${input.title}`, subject: `Script ${input.scriptId} v${input.version}`, date: new Date(input.printedAt) },
    (doc) => {
      const flow = new PageFlow(doc, {
        rehearsalLabel: input.rehearsal ? CEREMONY_REHEARSAL_LABEL : undefined,
        runningHead: `Ceremony script · ${input.title} · continued`,
        footer: `Ceremony script · ${input.scriptFile} v${input.version} · printed ${formatUtc(input.printedAt)}`,
        footerLines: [`Script SHA-256     ${scriptHash}`, `Parameters SHA-256 ${paramsHash}`],
      });
      flow.newPage();
      drawDocumentTitle(doc, flow, "Ceremony script — fill in by hand", input.title, [
        `${input.scriptFile} · script ${input.scriptId} version ${input.version} · printed ${formatUtc(input.printedAt)}`,
      ]);
      drawIntroduction(doc, flow, input, scriptHash, paramsHash);
      input.steps.forEach((step) => drawStep(doc, flow, step, input.roster.length));
      drawClosing(doc, flow, input.closing);
      flow.finish();
    },
  );
}

function drawIntroduction(doc: Pdf, flow: PageFlow, input: CeremonyScriptInput, scriptHash: string, paramsHash: string): void {
  if (input.description) {
    drawParagraph(doc, flow, input.description);
    flow.y += 8;
  }
  drawSectionHeading(doc, flow, "Binding");
  drawParagraph(
    doc,
    flow,
    "Before the ceremony starts, check that the workstation shows these two SHA-256 values for the script and its " +
      "parameters. The signed transcript records both, so this paper, filled in, belongs to exactly one ceremony bundle.",
  );
  flow.y += 4;
  drawTable(
    doc,
    flow,
    [
      { header: "What", weight: 1 },
      { header: "SHA-256", weight: 5.2, type: { font: "Courier-Bold", size: 8.5 } },
    ],
    [
      ["Script", scriptHash],
      ["Parameters", paramsHash],
    ],
  );
  flow.y += 10;
  if (input.parameters.length > 0) {
    drawSectionHeading(doc, flow, "Parameters");
    drawTable(
      doc,
      flow,
      [
        { header: "Parameter", weight: 3, maxLines: 3 },
        { header: "Value", weight: 2, maxLines: 3 },
      ],
      input.parameters.map((p) => [p.label, p.value]),
    );
    flow.y += 10;
  }
  drawSectionHeading(doc, flow, "People", 80);
  drawParagraph(doc, flow, "Each person writes their name and specimen initials next to their code; the initials boxes in each step use these codes.");
  flow.y += 4;
  drawTable(
    doc,
    flow,
    [
      { header: "Code", weight: 0.8 },
      { header: "Role", weight: 2 },
      { header: "Name", weight: 3 },
      { header: "Specimen initials", weight: 1.5 },
    ],
    input.roster.map((r) => [r.code, r.role, "", ""]),
  );
  flow.y += 10;
  drawSectionHeading(doc, flow, "How to fill this in");
  drawParagraph(
    doc,
    flow,
    "Tick each checklist box when you have seen it done. Copy each value exactly as the screen shows it: the screen " +
      "highlights the digits this paper asks for. Initial your box and write the time (UTC) when the step is done. " +
      "If the ceremony is aborted, strike out every step it did not reach and write ABORTED with the reason at the end.",
  );
}

function stepHeight(doc: Pdf, step: PrintedScriptStep, rosterSize: number): number {
  const instructions = wrapToWidth(doc, BODY, step.instructions, SAFE.width).length * lineHeight(BODY);
  const checklist = step.checklist.reduce((sum, item) => sum + wrapToWidth(doc, CHECK_ITEM, item, SAFE.width - 20).length * lineHeight(CHECK_ITEM) + 4, 0);
  const blanks = step.blanks.length * (BLANK_HEIGHT + 6);
  const perLine = Math.max(1, Math.floor((SAFE.width + INITIALS_BOX.gap) / (INITIALS_BOX.width + INITIALS_BOX.gap)));
  const boxLines = Math.ceil(Math.max(1, Math.min(step.initials.length, rosterSize)) / perLine);
  return lineHeight(STEP_HEADING) + lineHeight(PERFORMER) + instructions + 3 * (lineHeight(SUBHEAD) + 6) + checklist + blanks + boxLines * (INITIALS_BOX.height + INITIALS_BOX.gap) + 24;
}

function drawStep(doc: Pdf, flow: PageFlow, step: PrintedScriptStep, rosterSize: number): void {
  // A step stays on one page when it fits on one, so a witness never turns a page mid-step.
  flow.ensure(Math.min(stepHeight(doc, step, rosterSize), flow.bottom - SAFE.top - 60));
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.2).stroke("black");
  flow.y += 8;
  const heading = truncateToWidth(doc, STEP_HEADING, `Step ${step.number} · ${step.title}`, SAFE.width);
  drawLine(doc, STEP_HEADING, heading, SAFE.left, flow.y);
  flow.y += lineHeight(STEP_HEADING);
  drawLine(doc, PERFORMER, `Performed by: ${step.performer}`, SAFE.left, flow.y);
  flow.y += lineHeight(PERFORMER) + 2;
  if (step.instructions.trim() !== "") drawParagraph(doc, flow, step.instructions);
  flow.y += 4;

  if (step.checklist.length > 0) {
    subheading(doc, flow, "CHECKLIST");
    for (const item of step.checklist) drawCheckItem(doc, flow, item);
  }
  if (step.blanks.length > 0) {
    subheading(doc, flow, "WRITE DOWN WHAT THE SCREEN SHOWS");
    for (const blank of step.blanks) drawBlank(doc, flow, blank);
  }
  subheading(doc, flow, `INITIALS AND TIME (UTC) · attested by ${step.attestation}`);
  drawInitialsBoxes(doc, flow, step.initials);
  flow.y += 12;
}

function subheading(doc: Pdf, flow: PageFlow, text: string): void {
  flow.ensure(lineHeight(SUBHEAD) + 20);
  flow.y += 2;
  drawLine(doc, SUBHEAD, text, SAFE.left, flow.y);
  flow.y += lineHeight(SUBHEAD) + 3;
}

function drawCheckItem(doc: Pdf, flow: PageFlow, item: string): void {
  const lines = wrapToWidth(doc, CHECK_ITEM, item, SAFE.width - 20);
  flow.ensure(lines.length * lineHeight(CHECK_ITEM) + 4);
  doc.lineWidth(1).rect(SAFE.left, flow.y, CHECKBOX, CHECKBOX).stroke("black");
  lines.forEach((line, i) => drawLine(doc, CHECK_ITEM, line, SAFE.left + 20, flow.y + i * lineHeight(CHECK_ITEM)));
  flow.y += lines.length * lineHeight(CHECK_ITEM) + 4;
}

/** The label and what to copy on the left; on the right a box as wide as the value needs. */
function drawBlank(doc: Pdf, flow: PageFlow, blank: PrintedBlank): void {
  flow.ensure(BLANK_HEIGHT + 6);
  const top = flow.y;
  drawLine(doc, BLANK_LABEL, truncateToWidth(doc, BLANK_LABEL, blank.label, LABEL_COLUMN - 8), SAFE.left, top + 1);
  drawLine(doc, BLANK_NOTE, truncateToWidth(doc, BLANK_NOTE, blank.copy, LABEL_COLUMN - 8), SAFE.left, top + 2 + lineHeight(BLANK_LABEL));
  const width = Math.min(SAFE.right - SAFE.left - LABEL_COLUMN, blank.chars * CHAR_WIDTH + 12);
  doc.lineWidth(1).rect(SAFE.left + LABEL_COLUMN, top, width, BLANK_HEIGHT).stroke("black");
  flow.y += BLANK_HEIGHT + 6;
}

function drawInitialsBoxes(doc: Pdf, flow: PageFlow, codes: readonly string[]): void {
  if (codes.length === 0) {
    flow.ensure(lineHeight(PERFORMER));
    drawLine(doc, PERFORMER, "no attestation required", SAFE.left, flow.y);
    flow.y += lineHeight(PERFORMER);
    return;
  }
  const perLine = Math.max(1, Math.floor((SAFE.width + INITIALS_BOX.gap) / (INITIALS_BOX.width + INITIALS_BOX.gap)));
  for (let start = 0; start < codes.length; start += perLine) {
    flow.ensure(INITIALS_BOX.height + INITIALS_BOX.gap);
    codes.slice(start, start + perLine).forEach((code, i) => {
      const x = SAFE.left + i * (INITIALS_BOX.width + INITIALS_BOX.gap);
      const split = x + INITIALS_BOX.width * 0.45;
      doc.lineWidth(1).rect(x, flow.y, INITIALS_BOX.width, INITIALS_BOX.height).stroke("black");
      doc.lineWidth(0.5).moveTo(split, flow.y + 12).lineTo(split, flow.y + INITIALS_BOX.height).stroke("black");
      drawLine(doc, BOX_LABEL, code, x + 3, flow.y + 3);
      drawLine(doc, BOX_CAPTION, "initials", x + 3, flow.y + INITIALS_BOX.height - 8);
      drawLine(doc, BOX_CAPTION, "time", split + 3, flow.y + INITIALS_BOX.height - 8);
    });
    flow.y += INITIALS_BOX.height + INITIALS_BOX.gap;
  }
}

/** What the end screen asks witnesses to copy, and the outcome. */
function drawClosing(doc: Pdf, flow: PageFlow, blanks: readonly PrintedBlank[]): void {
  flow.ensure(260);
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.2).stroke("black");
  flow.y += 8;
  drawSectionHeading(doc, flow, "At the end of the ceremony", 200);
  for (const blank of blanks) drawBlank(doc, flow, blank);
  flow.y += 6;
  subheading(doc, flow, "OUTCOME (tick one)");
  for (const item of ["Completed: every step above was done and initialled", "ABORTED: steps not reached are struck out; reason:"]) drawCheckItem(doc, flow, item);
  const lineY = flow.y + 18;
  doc.lineWidth(0.8).moveTo(SAFE.left + 20, lineY).lineTo(SAFE.right, lineY).stroke("black");
  flow.y = lineY + 10;
  drawParagraph(doc, flow, "Keep this paper with the witness sign-off sheet. An auditor compares every value written here with the signed transcript.");
}
