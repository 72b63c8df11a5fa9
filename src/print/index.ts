export { PrintInputError } from "./errors.ts";
export { CEREMONY_REHEARSAL_LABEL, SHARE_CARD_REHEARSAL_LABEL } from "./rehearsal-mark.ts";
export { type ShareCardInput } from "./share-card-input.ts";
export { renderShareCard } from "./share-card.ts";
export { type PrintedCheckpoint, type PrintedParticipant, type WitnessSheetInput } from "./witness-sheet-input.ts";
export { renderWitnessSheet } from "./witness-sheet.ts";
export { type PrintedStepOutcome, type TranscriptSummaryInput } from "./transcript-summary-input.ts";
export { renderTranscriptSummary } from "./transcript-summary.ts";
