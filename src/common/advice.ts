/**
 * What a person can do about an error, in three kinds, and what a failed step offers for each
 * (docs/errors.md). Pure, so that the core, the terminal and the screens decide alike: the error
 * registry (src/errors/) gives every code its kind; the screens and the terminal show the kind's
 * sentence and offer "Retry" only where retrying can help.
 */
export const ADVICE_KINDS = ["retry", "choose-another", "stop"] as const;
export type AdviceKind = (typeof ADVICE_KINDS)[number];

/** One sentence per kind, shown under the error's own message. */
export const ADVICE_TEXT: Readonly<Record<AdviceKind, string>> = {
  retry: "Retrying can help: do what the message says, then retry.",
  "choose-another": "Retrying the same thing cannot help: this HSM or this input cannot do it. Choose another input, or abort and use another HSM.",
  stop: "Stop: do not retry. Call the ceremony administrator; abort the ceremony if they say so.",
};

/**
 * What a failed step offers besides aborting:
 * - "retry": run the step again;
 * - "different-input": run it again with another file or other share cards. A choose-another
 *   error is cured only by another input, so this is offered only at a step that reads a file
 *   or cards; the HSM PIN does not count (another PIN does not give the token a mechanism);
 * - "none": no retry. The ceremony is aborted (or, at the terminal, left open to resume later).
 */
export type FailureOffer = "retry" | "different-input" | "none";

/** The inputs a step asks for (StepView.needs, runner.needsOf). */
export type StepNeed = "hsm-pin" | "shares" | "file";

const INPUTS_ANOTHER_CAN_CURE: ReadonlySet<string> = new Set<StepNeed>(["file", "shares"]);

export function failureOffer(kind: AdviceKind, needs: readonly string[]): FailureOffer {
  switch (kind) {
    case "retry":
      return "retry";
    case "choose-another":
      return needs.some((n) => INPUTS_ANOTHER_CAN_CURE.has(n)) ? "different-input" : "none";
    case "stop":
      return "none";
  }
}
