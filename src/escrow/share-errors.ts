import { formatSetId } from "../common/index.ts";
/**
 * Errors a share holder or the officer reads while typing or scanning cards. Each names the
 * share by the label the caller gave ("share from card 3", "Alice's card") and, where it can,
 * the word, and ends with what to do. Fields beyond the message let the UI highlight the word.
 */
import { CeremonyError, type ErrorCode } from "../errors.ts";

/** "share from card 3" → "Share from card 3", for the start of a sentence. */
function sentenceStart(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function quoteList(words: readonly string[]): string {
  const quoted = words.map((w) => `'${w}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

/** Something is wrong with one share's text; nothing has been combined. */
export class ShareDecodeError extends CeremonyError {
  readonly label: string;
  /** `recordedSentence`: the same without the card's words, for the journal (see CeremonyError). */
  constructor(code: ErrorCode, label: string, sentence: string, recordedSentence = sentence) {
    super(code, `${sentenceStart(label)}: ${sentence}`, { recorded: `${sentenceStart(label)}: ${recordedSentence}` });
    this.label = label;
  }
}

export class UnknownShareWordError extends ShareDecodeError {
  constructor(
    label: string,
    readonly wordNumber: number,
    readonly word: string,
    readonly suggestions: readonly string[],
  ) {
    const hint = suggestions.length > 0 ? `; did you mean ${quoteList(suggestions)}?` : ".";
    super(
      "ESCROW_UNKNOWN_WORD",
      label,
      `word ${wordNumber} '${word}' is not in the word list${hint} Read word ${wordNumber} again from the card.`,
      `word ${wordNumber} is not in the word list. Read word ${wordNumber} again from the card.`,
    );
  }
}

export class ShareWordCountError extends ShareDecodeError {
  constructor(
    label: string,
    readonly given: number,
    readonly expected: number,
  ) {
    const problem =
      given < expected
        ? `${expected - given === 1 ? "a word is" : "words are"} missing`
        : `there ${given - expected === 1 ? "is an extra word" : "are extra words"}`;
    super(
      "ESCROW_WORD_COUNT",
      label,
      `${given} words given, ${expected} expected: ${problem}. Compare the words with the card one by one.`,
    );
  }
}

/** What is wrong with the numbers typed before the words. */
export type NumberingProblem =
  | { kind: "missing"; wordNumber: number }
  | { kind: "twice"; wordNumber: number }
  | { kind: "out-of-place"; wordNumber: number; position: number };

export class ShareNumberingError extends ShareDecodeError {
  constructor(
    label: string,
    readonly problem: NumberingProblem,
  ) {
    const detail =
      problem.kind === "missing"
        ? `word ${problem.wordNumber} is missing`
        : problem.kind === "twice"
          ? `word ${problem.wordNumber} is given twice`
          : `the word numbered ${problem.wordNumber} is the ${ordinal(problem.position)} word given, so ` +
            (problem.wordNumber > problem.position
              ? "a word before it is missing"
              : "a word before it was typed twice or the numbering is wrong");
    super("ESCROW_WORD_NUMBERING", label, `${detail}. Compare the words with the card one by one.`);
  }
}

/** Which words the checksum diagnosis points at, 1-based, for the UI; empty when unknown. */
export type ChecksumSuspect =
  | { kind: "mistyped"; wordNumber: number; typed: string; cardMaySay: string }
  | { kind: "swapped"; wordNumber: number }
  | { kind: "unknown" };

export class ShareChecksumError extends ShareDecodeError {
  constructor(
    label: string,
    readonly suspect: ChecksumSuspect,
  ) {
    const detail =
      suspect.kind === "mistyped"
        ? `word ${suspect.wordNumber} '${suspect.typed}' is probably wrong (the card may say '${suspect.cardMaySay}')`
        : suspect.kind === "swapped"
          ? `words ${suspect.wordNumber} and ${suspect.wordNumber + 1} look swapped`
          : "a word is mistyped or two words are swapped";
    const recorded = suspect.kind === "mistyped" ? `word ${suspect.wordNumber} is probably wrong` : detail;
    super("ESCROW_CHECKSUM", label, `the words do not check: ${detail}; read the card again.`, `the words do not check: ${recorded}; read the card again.`);
  }
}

export class ShareVersionError extends ShareDecodeError {
  constructor(
    label: string,
    readonly version: number,
    readonly supported: number,
  ) {
    super(
      "ESCROW_UNSUPPORTED_VERSION",
      label,
      `the card uses share format version ${version}, but this program reads only version ${supported}. ` +
        `Use the Ceremony Workstation release named on the card, or check the first word if you typed it.`,
    );
  }
}

export class MalformedShareError extends ShareDecodeError {
  constructor(
    label: string,
    readonly reason: string,
  ) {
    super(
      "ESCROW_MALFORMED_SHARE",
      label,
      `the words check, but the share is not valid: ${reason}. ` +
        `The card was not made by Ceremony Workstation or was altered; do not use it and tell the ceremony administrator.`,
    );
  }
}

/** The shares decode one by one but do not belong together, or are not enough. */
export class ShareCombineError extends CeremonyError {}

export class TooFewSharesError extends ShareCombineError {
  constructor(
    readonly given: number,
    readonly needed: number,
  ) {
    const missing = needed - given;
    super(
      "ESCROW_TOO_FEW_SHARES",
      given === 0
        ? `no shares given: bring at least ${needed} cards of this set.`
        : `${given} share${given === 1 ? "" : "s"} given, ${needed} needed: ` +
            `bring ${missing} more card${missing === 1 ? "" : "s"} of this set.`,
    );
  }
}

export class ShareSetMismatchError extends ShareCombineError {
  constructor(
    readonly strays: ReadonlyArray<{ label: string; setId: string }>,
    readonly majoritySetId: string,
  ) {
    const which = strays.map((s) => `${s.label} belongs to set ${formatSetId(s.setId)}`).join("; ");
    super(
      "ESCROW_SET_MISMATCH",
      `${sentenceStart(which)}, the others to set ${formatSetId(majoritySetId)}: the cards come from different escrows. ` +
        `Use only cards whose set ID is the one in the transcript.`,
    );
  }
}

export class ShareParameterMismatchError extends ShareCombineError {
  constructor(
    readonly label: string,
    readonly claimed: { k: number; n: number },
    readonly others: { k: number; n: number },
  ) {
    super(
      "ESCROW_PARAMETER_MISMATCH",
      `${sentenceStart(label)} says ${claimed.k} of ${claimed.n}, the others say ${others.k} of ${others.n}, ` +
        `although the set IDs match: a card was altered. Put it aside and tell the ceremony administrator.`,
    );
  }
}

export class DuplicateShareError extends ShareCombineError {
  constructor(
    readonly labels: readonly [string, string],
    readonly index: number,
    readonly identical: boolean,
  ) {
    const [a, b] = labels;
    super(
      "ESCROW_DUPLICATE_SHARE",
      identical
        ? // The envelope index is not printed on a card; the holder's own label says which card it is.
          `${sentenceStart(a)} and ${b} are the same card (the same words): bring a different card of this set.`
        : `${sentenceStart(a)} and ${b} claim the same place in the split (share index ${index}) but differ: one of them was altered. ` +
            `Put both aside and tell the ceremony administrator.`,
    );
  }
}

export class InconsistentShareError extends ShareCombineError {
  constructor(
    readonly label: string,
    readonly basis: readonly string[],
  ) {
    super(
      "ESCROW_INCONSISTENT_SHARE",
      `${sentenceStart(label)} does not agree with ${joinLabels(basis)}, although the words of each check: ` +
        `one of these cards was altered. Recover with a different choice of cards and tell the ceremony administrator.`,
    );
  }
}

function joinLabels(labels: readonly string[]): string {
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels.at(-1) ?? ""}`;
}
