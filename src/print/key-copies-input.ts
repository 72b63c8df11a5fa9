import { PrintInputError } from "./errors.ts";
import { requireArray, requireText } from "./validate.ts";

/** A destruction's copies of the key and its verdict, for the witness sheet and the summary (docs/architecture.md, "Key copies"). */
export interface PrintedKeyCopies {
  label: string;
  verdict: "destroyed" | "partly-destroyed" | "not-destroyed";
  copies: ReadonlyArray<{ what: string; fate: string; remains: boolean }>;
}

const VERDICTS = ["destroyed", "partly-destroyed", "not-destroyed"] as const;

export function validateKeyCopies(input: PrintedKeyCopies | undefined, path = "keyCopies"): void {
  if (input === undefined) return;
  requireText(input.label, `${path}.label`, 200);
  if (!VERDICTS.includes(input.verdict)) throw new PrintInputError(`${path}.verdict`, `must be one of ${VERDICTS.join(", ")}`);
  requireArray(input.copies, `${path}.copies`, 1).forEach((c, i) => {
    requireText(c?.what, `${path}.copies[${i}].what`, 1000);
    requireText(c.fate, `${path}.copies[${i}].fate`, 1000);
    if (typeof c.remains !== "boolean") throw new PrintInputError(`${path}.copies[${i}].remains`, "must be true or false");
  });
}

