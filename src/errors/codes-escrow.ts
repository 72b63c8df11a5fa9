import { entry } from "./advice.ts";

const decode = (cls: string, advice: "retry" | "choose-another" | "stop", officer: string) => entry("escrow", [cls], advice, officer);

/** Share cards and the escrow key (src/escrow): what a share holder or the officer reads while entering cards. */
export const ESCROW_ERRORS = {
  ESCROW_UNKNOWN_WORD: decode("UnknownShareWordError", "retry", "A word is not in the word list. Read that word again from the card."),
  ESCROW_WORD_COUNT: decode("ShareWordCountError", "retry", "A word is missing or there is an extra word. Compare the words with the card one by one."),
  ESCROW_WORD_NUMBERING: decode("ShareNumberingError", "retry", "The numbers typed before the words are missing, repeated or out of place. Compare the words with the card one by one."),
  ESCROW_CHECKSUM: decode("ShareChecksumError", "retry", "The words do not check: a word is mistyped or two are swapped. Read the card again."),
  ESCROW_UNSUPPORTED_VERSION: decode(
    "ShareVersionError",
    "choose-another",
    "The card uses a share format version this program does not read. Use the Ceremony Workstation release named on the card.",
  ),
  ESCROW_MALFORMED_SHARE: decode(
    "MalformedShareError",
    "stop",
    "The words check, but the share is not valid: the card was not made by Ceremony Workstation or was altered. Do not use it; tell the ceremony administrator.",
  ),
  ESCROW_TOO_FEW_SHARES: decode("TooFewSharesError", "choose-another", "Fewer cards were given than the escrow needs. Bring more cards of this set."),
  ESCROW_SET_MISMATCH: decode("ShareSetMismatchError", "choose-another", "The cards come from different escrows. Use only cards whose set ID is the one in the transcript."),
  ESCROW_PARAMETER_MISMATCH: decode("ShareParameterMismatchError", "stop", "A card's k-of-n differs from the others of the same set: a card was altered. Put it aside and tell the ceremony administrator."),
  ESCROW_DUPLICATE_SHARE: decode(
    "DuplicateShareError",
    "choose-another",
    "Two cards are the same share: bring a different card of this set. (If they claim the same index but differ, one was altered: tell the ceremony administrator.)",
  ),
  ESCROW_INCONSISTENT_SHARE: decode(
    "InconsistentShareError",
    "stop",
    "A card does not agree with the others although each checks: one was altered. Recover with another choice of cards and tell the ceremony administrator.",
  ),
  ESCROW_UNWRAP_FAILED: decode(
    "KeyUnwrapError",
    "choose-another",
    "The wrapped key does not unwrap under the recovered escrow key (RFC 5649 integrity check): the cards and the wrapped key are not from the same escrow, or a card was altered. Try other cards.",
  ),
} as const;
