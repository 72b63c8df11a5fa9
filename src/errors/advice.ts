/**
 * What an officer can do about an error, in three kinds. The kind decides what the screens and
 * the terminal offer after a failure: "Retry" only where retrying can help (docs/errors.md).
 * This folder imports nothing from the layers, so that every layer (and the renderer, for types)
 * may import it.
 */
export const ADVICE_KINDS = ["retry", "choose-another", "stop"] as const;
export type AdviceKind = (typeof ADVICE_KINDS)[number];

/** One sentence per kind, shown under the error's own message. */
export const ADVICE_TEXT: Readonly<Record<AdviceKind, string>> = {
  retry: "Retrying can help: do what the message says, then retry.",
  "choose-another": "Retrying the same thing cannot help: this HSM or this input cannot do it. Choose another input, or abort and use another HSM.",
  stop: "Stop: do not retry. Call the ceremony administrator; abort the ceremony if they say so.",
};

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
