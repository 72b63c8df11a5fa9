import { formatKcv, formatSetId, formatUtc } from "../common/index.ts";
import { drawFieldRow, measureFieldRow, type FieldRow } from "./field-row.ts";
import { hexLines } from "./hex-lines.ts";
import { SAFE } from "./page-geometry.ts";
import { PageFlow } from "./page-flow.ts";
import { renderPdf, type Pdf } from "./pdf-document.ts";
import { drawQrCode } from "./qr-vector.ts";
import { SHARE_CARD_REHEARSAL_LABEL } from "./rehearsal-mark.ts";
import { validateShareCardInput, type ShareCardInput } from "./share-card-input.ts";
import { drawLine, fitSize, lineHeight, truncateToWidth, widthOf, wrapToWidth, type Type } from "./text-fit.ts";
import { drawWordGrid, planWordGrid, type WordGridPlan } from "./word-grid.ts";

const QR_SIZE = 158;
const COLUMN_GAP = 18;
const FACT_LABEL_WIDTH = 74;
const DIGEST_LABEL_WIDTH = 128;
const SECTION_GAP = 10;
const HEADING: Type = { font: "Helvetica-Bold", size: 10 };
const SMALL: Type = { font: "Helvetica", size: 8 };
const BODY: Type = { font: "Helvetica", size: 8.5 };
const FACT_VALUE: Type = { font: "Courier-Bold", size: 12 };
const DIGEST_VALUE: Type = { font: "Courier-Bold", size: 10 };
const SIGN_FIELD_HEIGHT = 30;
const SIGN_COLUMN_WIDTH = 200;
/** Words shrink to this size to stay on one page before they flow onto a second. */
const SMALLEST_ONE_PAGE_WORD_SIZE = 13;

/**
 * One share holder's card: who holds it, which key and set it belongs to, the share as numbered
 * words and as a QR code, the digests that let the holder and a recovery ceremony check it, and the
 * wrapped key, so that any k cards alone are enough to recover. One page for ordinary word counts;
 * words that do not fit continue on further pages, each marked like the first.
 */
export async function renderShareCard(input: ShareCardInput): Promise<Buffer> {
  validateShareCardInput(input);
  const { share, holder } = input;
  const shareLine = `Share ${share.index} of ${share.n}`;
  return renderPdf(
    {
      title: `${input.rehearsal ? "REHEARSAL " : ""}${shareLine}: ${input.keyLabel}, ${holder.name}`,
      subject: `Key escrow share card, ceremony ${input.ceremonyId}`,
      date: new Date(input.ceremonyDate),
    },
    (doc) => {
      const flow = new PageFlow(doc, {
        rehearsalLabel: input.rehearsal ? SHARE_CARD_REHEARSAL_LABEL : undefined,
        runningHead: `Key escrow share card · ceremony ${input.ceremonyId} · key ${input.keyLabel} · ${shareLine}, ${share.k} needed`,
        footer: `Share card · ceremony ${input.ceremonyId} · key ${input.keyLabel} · set ${formatSetId(share.setId)}`,
      });
      flow.newPage();
      drawTitle(doc, flow, input);
      drawTopBlock(doc, flow, input);
      drawWordsAndChecks(doc, flow, input);
      flow.finish();
    },
  );
}

function drawTitle(doc: Pdf, flow: PageFlow, input: ShareCardInput): void {
  const { share } = input;
  drawLine(doc, { font: "Helvetica-Bold", size: 8.5 }, "KEY ESCROW SHARE CARD", SAFE.left, flow.y);
  drawLine(doc, { font: "Helvetica", size: 8.5 }, "Private: keep it sealed in its bag; never copy or photograph it", SAFE.left, flow.y, {
    width: SAFE.width,
    align: "right",
  });
  flow.y += 13;
  const big: Type = { font: "Helvetica-Bold", size: 30 };
  const rest: Type = { font: "Helvetica", size: 20 };
  const shareLine = `Share ${share.index} of ${share.n}`;
  drawLine(doc, big, shareLine, SAFE.left, flow.y);
  // Baselines aligned: the smaller text starts lower by the difference in ascent.
  drawLine(doc, rest, ` — ${share.k} needed to recover`, SAFE.left + widthOf(doc, big, shareLine), flow.y + (big.size - rest.size) * 0.72);
  flow.y += big.size + 2;
  doc.moveTo(SAFE.left, flow.y).lineTo(SAFE.right, flow.y).lineWidth(1.5).stroke("black");
  flow.y += SECTION_GAP;
}

/** Holder and facts on the left, the QR code on the right. */
function drawTopBlock(doc: Pdf, flow: PageFlow, input: ShareCardInput): void {
  const top = flow.y;
  const leftWidth = SAFE.width - QR_SIZE - COLUMN_GAP;
  let y = top;

  const nameSize = fitSize(doc, "Helvetica-Bold", input.holder.name, leftWidth, 18, 13);
  const nameType: Type = { font: "Helvetica-Bold", size: nameSize };
  for (const line of wrapToWidth(doc, nameType, input.holder.name, leftWidth, 2)) {
    drawLine(doc, nameType, line, SAFE.left, y);
    y += lineHeight(nameType);
  }
  const roleType: Type = { font: "Helvetica", size: 10.5 };
  for (const line of wrapToWidth(doc, roleType, `${input.holder.role} · ${input.holder.organisation}`, leftWidth, 2)) {
    drawLine(doc, roleType, line, SAFE.left, y);
    y += lineHeight(roleType);
  }
  y += 8;

  const valueWidth = leftWidth - FACT_LABEL_WIDTH;
  const facts: FieldRow[] = [
    { label: "Ceremony", lines: wrapToWidth(doc, FACT_VALUE, input.ceremonyId, valueWidth, 2), type: FACT_VALUE },
    { label: "Date", lines: [formatUtc(input.ceremonyDate)], type: FACT_VALUE },
    { label: "Key", lines: wrapToWidth(doc, FACT_VALUE, input.keyLabel, valueWidth, 2), type: FACT_VALUE },
    { label: "KCV-ECB0", lines: [formatKcv(input.kcvEcb0)], type: FACT_VALUE },
    { label: "KCV-CMAC", lines: [formatKcv(input.kcvCmac)], type: FACT_VALUE },
    { label: "Set ID", lines: hexLines(doc, FACT_VALUE, input.share.setId, valueWidth), type: FACT_VALUE },
  ];
  for (const row of facts) y += drawFieldRow(doc, row, SAFE.left, y, FACT_LABEL_WIDTH, valueWidth) + 2;

  const qrX = SAFE.right - QR_SIZE;
  drawQrCode(doc, input.share.qrText, qrX, top - 6, QR_SIZE, "share.qrText");
  drawLine(doc, SMALL, `QR code: the ${input.share.words.length} words below`, qrX, top + QR_SIZE - 8, {
    width: QR_SIZE,
    align: "center",
  });
  flow.y = Math.max(y, top + QR_SIZE + 2) + SECTION_GAP;
}

interface Section {
  height: number;
  draw: (top: number) => void;
}

/** The digests: what a holder or a recovery ceremony compares, and the wrapped key itself. */
function digestSection(doc: Pdf, input: ShareCardInput): Section {
  const valueWidth = SAFE.width - DIGEST_LABEL_WIDTH;
  const row = (label: string, note: string, hex: string): FieldRow => ({
    label,
    note,
    lines: hexLines(doc, DIGEST_VALUE, hex, valueWidth),
    type: DIGEST_VALUE,
  });
  const rows: FieldRow[] = [
    row("Share fingerprint", "SHA-256 of this share", input.share.fingerprint),
    row("Wrapped key", "RFC 5649, under the escrow key", input.wrappedKey.hex),
    row("Wrapped key SHA-256", "check after typing it in", input.wrappedKey.sha256),
  ];
  if (input.bundleSigner !== undefined) {
    rows.push(row("Transcript signer", "SPKI SHA-256 of the bundle signer", input.bundleSigner.fingerprint));
  }
  const gap = 5;
  return {
    height: rows.reduce((sum, r) => sum + measureFieldRow(doc, r, DIGEST_LABEL_WIDTH) + gap, -gap),
    draw: (top) => {
      let y = top;
      for (const r of rows) y += drawFieldRow(doc, r, SAFE.left, y, DIGEST_LABEL_WIDTH, valueWidth) + gap;
    },
  };
}

/** Recovery instructions on the left; bag number, signature and date fields stacked on the right. */
function recoveryAndSignSection(doc: Pdf, input: ShareCardInput): Section {
  const boxWidth = SAFE.width - SIGN_COLUMN_WIDTH - COLUMN_GAP;
  const lines = wrapToWidth(doc, BODY, recoveryText(input), boxWidth - 16);
  const boxHeight = 8 + lineHeight(HEADING) + lines.length * lineHeight(BODY) + 4;
  const height = Math.max(boxHeight, 3 * SIGN_FIELD_HEIGHT + 12);
  // The signature gets whatever height the instructions leave; bag number and date need one line.
  const fields = [
    { label: "Tamper-evident bag no.", height: SIGN_FIELD_HEIGHT },
    { label: "Holder's signature", height: height - 2 * SIGN_FIELD_HEIGHT },
    { label: "Date", height: SIGN_FIELD_HEIGHT },
  ];
  return {
    height,
    draw: (top) => {
      doc.rect(SAFE.left, top, boxWidth, height).lineWidth(1).stroke("black");
      drawLine(doc, HEADING, "To recover the key", SAFE.left + 8, top + 7);
      let y = top + 7 + lineHeight(HEADING);
      for (const line of lines) {
        drawLine(doc, BODY, line, SAFE.left + 8, y);
        y += lineHeight(BODY);
      }
      const x = SAFE.right - SIGN_COLUMN_WIDTH;
      let fy = top;
      for (const field of fields) {
        doc.rect(x, fy, SIGN_COLUMN_WIDTH, field.height).lineWidth(1).stroke("black");
        drawLine(doc, SMALL, field.label, x + 5, fy + 4);
        fy += field.height;
      }
    },
  };
}

function recoveryText(input: ShareCardInput): string {
  const { k } = input.share;
  return (
    `Bring this card, sealed in its bag, to a recovery ceremony. Recovery takes ${k} card${k === 1 ? "" : "s"} ` +
    `with this set ID; fewer reveal nothing about the key. The words (or the QR code), the set ID and ` +
    "the wrapped key are all it needs: docs/share-format.md specifies the format for any GF(256) Shamir " +
    "implementation. Both KCVs must match after recovery. If this card is lost, damaged or seen by " +
    "anyone else, tell the ceremony administrator at once."
  );
}

/**
 * The word grid, then the checks. The grid gets the room the other sections leave: words shrink
 * down to SMALLEST_ONE_PAGE_WORD_SIZE to stay on one page, and beyond that keep full size and
 * continue on further pages.
 */
function drawWordsAndChecks(doc: Pdf, flow: PageFlow, input: ShareCardInput): void {
  const { words } = input.share;
  const digests = digestSection(doc, input);
  const recovery = recoveryAndSignSection(doc, input);
  const headingHeight = lineHeight(HEADING) + 3;
  const continuedNoteHeight = lineHeight(BODY) + 4;
  const gridRoom = flow.remaining - headingHeight - SECTION_GAP - digests.height - SECTION_GAP - recovery.height;

  let plan: WordGridPlan | undefined;
  for (let size = 15; size >= SMALLEST_ONE_PAGE_WORD_SIZE && plan === undefined; size--) {
    const candidate = planWordGrid(doc, words, SAFE.width, size);
    if (Math.ceil(words.length / candidate.columns) * candidate.rowHeight <= gridRoom) plan = candidate;
  }
  const overflows = plan === undefined;
  const grid = plan ?? planWordGrid(doc, words, SAFE.width);
  const rowsOnFirst = overflows
    ? Math.max(1, Math.floor((gridRoom - continuedNoteHeight) / grid.rowHeight))
    : Math.ceil(words.length / grid.columns);
  let count = Math.min(words.length, rowsOnFirst * grid.columns);

  drawGridPart(doc, flow, grid, words, 0, count, headingHeight);
  if (count < words.length) {
    drawLine(doc, { font: "Helvetica-Bold", size: 9 }, `Words ${count + 1}-${words.length} continue on the next page.`, SAFE.left, flow.y + 3);
    flow.y += continuedNoteHeight;
  }
  flow.y += SECTION_GAP;
  digests.draw(flow.y);
  flow.y += digests.height + SECTION_GAP;
  recovery.draw(flow.y);
  flow.y += recovery.height;

  let from = count;
  while (from < words.length) {
    flow.newPage();
    drawContinuationTitle(doc, flow, input);
    count = Math.min(words.length - from, Math.floor((flow.remaining - headingHeight) / grid.rowHeight) * grid.columns);
    drawGridPart(doc, flow, grid, words, from, count, headingHeight);
    from += count;
  }
}

/** A continuation page repeats the share line and the holder, large, so a loose page is not mistaken for another card. */
function drawContinuationTitle(doc: Pdf, flow: PageFlow, input: ShareCardInput): void {
  const type: Type = { font: "Helvetica-Bold", size: 18 };
  const text = `Share ${input.share.index} of ${input.share.n}, continued: ${input.holder.name}`;
  drawLine(doc, type, truncateToWidth(doc, type, text, SAFE.width), SAFE.left, flow.y);
  flow.y += lineHeight(type) + SECTION_GAP;
}

function drawGridPart(
  doc: Pdf,
  flow: PageFlow,
  plan: WordGridPlan,
  words: readonly string[],
  from: number,
  count: number,
  headingHeight: number,
): void {
  const range = from === 0 && count === words.length ? `${words.length} words` : `words ${from + 1}-${from + count} of ${words.length}`;
  drawLine(doc, HEADING, `Share words (${range}), numbered down each column`, SAFE.left, flow.y);
  flow.y += headingHeight;
  flow.y += drawWordGrid(doc, plan, words, from, Math.ceil(count / plan.columns), SAFE.left, flow.y);
}
