import { fingerprintForReadAloud } from "../common/index.ts";
import { drawFieldRow, measureFieldRow, type FieldRow } from "./field-row.ts";
import { balancedLines, hexLines } from "./hex-lines.ts";
import { SAFE } from "./page-geometry.ts";
import type { PageFlow } from "./page-flow.ts";
import type { Pdf } from "./pdf-document.ts";
import { drawLine, lineHeight, wrapToWidth, type Type } from "./text-fit.ts";
import { drawTable } from "./table.ts";
import type { PrintedCheckpoint, PrintedNamedWitness, PrintedParticipant } from "./witness-sheet-input.ts";

/** Sections that the witness sheet and the transcript summary share. */

export const SECTION_HEADING: Type = { font: "Helvetica-Bold", size: 12 };
export const BODY: Type = { font: "Helvetica", size: 9.5 };
const KIND: Type = { font: "Helvetica-Bold", size: 9 };
const TITLE: Type = { font: "Helvetica-Bold", size: 22 };
const SUBTITLE: Type = { font: "Helvetica", size: 10.5 };
const HEX: Type = { font: "Courier-Bold", size: 12 };
const WORDS: Type = { font: "Helvetica", size: 11 };
const LABEL_WIDTH = 130;

/** "WITNESS SIGN-OFF SHEET", the ceremony title large, then the facts line(s) under it. */
export function drawDocumentTitle(doc: Pdf, flow: PageFlow, kind: string, title: string, subtitle: readonly string[]): void {
  drawLine(doc, KIND, kind.toUpperCase(), SAFE.left, flow.y);
  flow.y += lineHeight(KIND) + 2;
  for (const line of wrapToWidth(doc, TITLE, title, SAFE.width, 2)) {
    drawLine(doc, TITLE, line, SAFE.left, flow.y);
    flow.y += lineHeight(TITLE);
  }
  for (const text of subtitle) {
    for (const line of wrapToWidth(doc, SUBTITLE, text, SAFE.width, 2)) {
      drawLine(doc, SUBTITLE, line, SAFE.left, flow.y);
      flow.y += lineHeight(SUBTITLE);
    }
  }
  flow.y += 4;
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.5).stroke("black");
  flow.y += 12;
}

/** A section heading, kept on the same page as at least `keepWith` points of what follows. */
export function drawSectionHeading(doc: Pdf, flow: PageFlow, text: string, keepWith = 40): void {
  flow.ensure(lineHeight(SECTION_HEADING) + 4 + keepWith);
  drawLine(doc, SECTION_HEADING, text, SAFE.left, flow.y);
  flow.y += lineHeight(SECTION_HEADING) + 4;
}

/** Wrapped body text; breaks between lines when it reaches the bottom of a page. */
export function drawParagraph(doc: Pdf, flow: PageFlow, text: string, type: Type = BODY): void {
  for (const line of wrapToWidth(doc, type, text, SAFE.width)) {
    flow.ensure(lineHeight(type));
    drawLine(doc, type, line, SAFE.left, flow.y);
    flow.y += lineHeight(type);
  }
}

/** Label/value rows, each kept whole on a page. */
export function drawFieldRows(doc: Pdf, flow: PageFlow, rows: readonly FieldRow[], labelWidth = LABEL_WIDTH): void {
  for (const row of rows) {
    const height = measureFieldRow(doc, row, labelWidth);
    flow.ensure(height);
    flow.y += drawFieldRow(doc, row, SAFE.left, flow.y, labelWidth, SAFE.width - labelWidth) + 5;
  }
}

export function checkpointRows(doc: Pdf, checkpoint: PrintedCheckpoint): FieldRow[] {
  const valueWidth = SAFE.width - LABEL_WIDTH;
  return [
    { label: "Ceremony", lines: [checkpoint.ceremonyId], type: HEX },
    { label: "Events", note: "journal records, seq 0 to count-1", lines: [String(checkpoint.eventCount)], type: HEX },
    { label: "Head", note: "SHA-256 chain head after the last event", lines: hexLines(doc, HEX, checkpoint.head, valueWidth), type: HEX },
  ];
}

/** A fingerprint in both read-aloud forms: hex groups in Courier, PGP words beneath. */
export function fingerprintRows(doc: Pdf, label: string, note: string, sha256Hex: string): FieldRow[] {
  const valueWidth = SAFE.width - LABEL_WIDTH;
  const { hexGroups, words } = fingerprintForReadAloud(sha256Hex);
  return [
    { label, note, lines: balancedLines(doc, HEX, hexGroups, valueWidth), type: HEX },
    { label: "Same, as PGP words", lines: balancedLines(doc, WORDS, words, valueWidth), type: WORDS },
  ];
}

/** "Internal witness · Director of Cybersecurity": the role and, when given, the job title. */
export function roleWithTitle(p: PrintedParticipant, roleTitle: (role: string) => string): string {
  return p.title ? `${roleTitle(p.role)} · ${p.title}` : roleTitle(p.role);
}

/**
 * The witnesses the script's policy names by job title and who filled each, so the paper shows
 * that "one being the CISO or Director of Cybersecurity" held, by name. Nothing when none.
 */
export function drawNamedWitnesses(doc: Pdf, flow: PageFlow, named: readonly PrintedNamedWitness[] | undefined, participants: readonly PrintedParticipant[]): void {
  if (!named?.length) return;
  const byId = new Map(participants.map((p) => [p.id, p]));
  drawSectionHeading(doc, flow, "Witnesses named by policy", 40);
  drawTable(
    doc,
    flow,
    [
      { header: "Required", weight: 3, maxLines: 3 },
      { header: "Filled by", weight: 3, maxLines: 3 },
      { header: "Policy", weight: 4, maxLines: 4 },
    ],
    named.map((n) => [
      n.title,
      n.filledBy.map((id) => byId.get(id)).map((p) => (p ? `${p.name} (${p.title ?? "no title"})` : "?")).join(", ") || "NOT FILLED",
      n.policy ?? "",
    ]),
  );
  flow.y += 14;
}
