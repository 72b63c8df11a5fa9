/**
 * The one list of error codes (issue 10): each code declared once, in the table of the layer that
 * raises it, with its classes, its advice kind and the sentence for the officer. docs/errors.md is
 * generated from it (`npm run docs:errors`), and test/unit/errors/registry.test.ts fails when src/
 * throws a code that is not here. Imports nothing from the layers: every layer may import it.
 */
import type { AdviceKind, ErrorEntry } from "./advice.ts";
import { APP_ERRORS } from "./codes-app.ts";
import { CEREMONY_ERRORS } from "./codes-ceremony.ts";
import { ESCROW_ERRORS } from "./codes-escrow.ts";
import { HSM_ERRORS } from "./codes-hsm.ts";
import { JOURNAL_ERRORS } from "./codes-journal.ts";
import { PKI_ERRORS } from "./codes-pki.ts";
import { TRANSCRIPT_ERRORS } from "./codes-transcript.ts";

export { ADVICE_KINDS, ADVICE_TEXT, type AdviceKind, type ErrorEntry, type ErrorLayer } from "./advice.ts";

/** The tables in the order docs/errors.md lists them; a code in two tables fails the registry test. */
export const ERROR_TABLES = [
  { title: "HSM (PKCS#11)", codes: HSM_ERRORS },
  { title: "Ceremony", codes: CEREMONY_ERRORS },
  { title: "Share cards and escrow", codes: ESCROW_ERRORS },
  { title: "Certificates, CRLs and CSRs", codes: PKI_ERRORS },
  { title: "Journal", codes: JOURNAL_ERRORS },
  { title: "Bundles and verification", codes: TRANSCRIPT_ERRORS },
  { title: "Application, command line and screens", codes: APP_ERRORS },
] as const;

export const ERROR_REGISTRY = {
  ...HSM_ERRORS,
  ...CEREMONY_ERRORS,
  ...ESCROW_ERRORS,
  ...PKI_ERRORS,
  ...JOURNAL_ERRORS,
  ...TRANSCRIPT_ERRORS,
  ...APP_ERRORS,
} as const satisfies Record<string, ErrorEntry>;

/** A registered code: a throw site naming any other code does not compile. */
export type ErrorCode = keyof typeof ERROR_REGISTRY;

/** A PKCS#11 return code as the module names it; unlisted ones take CKR_UNLISTED's advice. */
export type CkrCode = `CKR_${string}`;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_REGISTRY, code);
}

/** The entry for a code; an unlisted CKR_ code (or anything else) falls back to a listed one. */
export function entryFor(code: string): ErrorEntry {
  if (isErrorCode(code)) return ERROR_REGISTRY[code];
  return code.startsWith("CKR_") ? ERROR_REGISTRY.CKR_UNLISTED : ERROR_REGISTRY.ACTION_FAILED;
}

export function adviceKindOf(code: string): AdviceKind {
  return entryFor(code).advice;
}

/** Narrows a code that crossed a boundary (the HSM worker's messages, a journal row) to the registry's type. */
export function asKnownCode(code: string): ErrorCode | CkrCode {
  if (isErrorCode(code) || code.startsWith("CKR_")) return code as ErrorCode | CkrCode;
  return "ACTION_FAILED";
}
