export { PrintInputError } from "./errors.ts";
export { type ShareCardInput } from "./share-card-input.ts";
export { SHARE_CARD_REHEARSAL_LABEL, renderShareCard } from "./share-card.ts";
export { type PrintedCheckpoint, type PrintedParticipant, type WitnessSheetInput } from "./witness-sheet-input.ts";
export { CEREMONY_REHEARSAL_LABEL, renderWitnessSheet } from "./witness-sheet.ts";
export { type PrintedStepOutcome, type TranscriptSummaryInput } from "./transcript-summary-input.ts";
export { renderTranscriptSummary } from "./transcript-summary.ts";
