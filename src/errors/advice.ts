/**
 * What an officer can do about an error, in three kinds. The kind decides what the screens and
 * the terminal offer after a failure: "Retry" only where retrying can help (docs/errors.md).
 * The kinds, their sentences and the offer per kind are pure (src/common/advice.ts), so that the
 * renderer decides as the core does; this folder imports nothing else, so that every layer may
 * import it.
 */
import type { AdviceKind } from "../common/advice.ts";

export { ADVICE_KINDS, ADVICE_TEXT, type AdviceKind } from "../common/advice.ts";

/** The layer (src/ folder, or electron/ renderer/) whose code raises an error. */
export type ErrorLayer = "core" | "hsm" | "journal" | "pki" | "escrow" | "transcript" | "evidence" | "print" | "ceremony" | "api" | "cli" | "electron" | "renderer";

/** One registered code: declared once, with the classes that raise it and the sentence for the officer. */
export interface ErrorEntry {
  readonly layer: ErrorLayer;
  /** Classes that raise the code; `VerifyFailure` marks a finding of `verify`, not a thrown error. */
  readonly classes: readonly string[];
  readonly advice: AdviceKind;
  /** What happened and what to do, in general; a thrown message adds the particulars. */
  readonly officer: string;
}

export function entry(layer: ErrorLayer, classes: readonly string[], advice: AdviceKind, officer: string): ErrorEntry {
  return { layer, classes, advice, officer };
}
