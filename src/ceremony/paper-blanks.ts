/**
 * What witnesses write by hand on the printed ceremony script, declared once: the printed script
 * draws a blank for each, and the screens (through the step's output view) highlight exactly the
 * digits that blank asks for. A value written on paper can later be compared with the signed
 * transcript, so a transcript rewritten after the ceremony does not match the paper.
 */
import { MILESTONE_DIGITS } from "../journal/index.ts";
import type { ResolvedStep } from "./load-script.ts";

/** Leading hex digits of a fingerprint copied by hand: 64 bits, enough to catch a substitution. */
export const FINGERPRINT_COPY_DIGITS = 16;

export interface PaperBlank {
  /** The step output this blank copies; absent for values read off the hardware (a bag number). */
  output?: string;
  /** What the value is, as the screen labels it. */
  label: string;
  /** Which part to copy, in words: "first 16 hex digits", "all 6 hex digits". */
  copy: string;
  /** Leading hex digits to copy (the screen highlights them); absent means the whole value. */
  digits?: number;
  /** Room on paper, in characters. */
  chars: number;
}

const fingerprint = (output: string, label: string): PaperBlank => ({
  output,
  label,
  copy: `first ${FINGERPRINT_COPY_DIGITS} hex digits`,
  digits: FINGERPRINT_COPY_DIGITS,
  chars: FINGERPRINT_COPY_DIGITS + FINGERPRINT_COPY_DIGITS / 4,
});
const kcv = (output: string, label: string, hexDigits: number): PaperBlank => ({ output, label, copy: `all ${hexDigits} hex digits`, chars: hexDigits + 2 });

/** Per action type, the blanks for its outputs (only those the step shows are printed) and extras. */
const BLANKS: Record<string, readonly PaperBlank[]> = {
  "hsm.login": [
    { label: "HSM tamper-evident bag number", copy: "as printed on the bag", chars: 20 },
    { output: "serial", label: "Token serial", copy: "all of it", chars: 20 },
  ],
  "transcript.ensure-signer": [fingerprint("signerFingerprint", "Transcript-signing key fingerprint")],
  "key.generate-pair": [fingerprint("spkiSha256", "Public key fingerprint (SPKI SHA-256)")],
  "pki.read-csr": [fingerprint("spkiSha256", "Requested public key fingerprint (SPKI SHA-256)")],
  "pki.root-certificate": [fingerprint("certSha256", "Root certificate fingerprint (SHA-256)")],
  "pki.sign-intermediate": [fingerprint("certSha256", "Intermediate certificate fingerprint (SHA-256)")],
  "pki.sign-crl": [{ output: "crlNumber", label: "CRL number", copy: "all of it", chars: 12 }, fingerprint("crlSha256", "CRL fingerprint (SHA-256)")],
  "kek.generate": [kcv("kcvEcb0", "KCV-ECB0", 6)],
  "escrow.check-previous": [kcv("kcvEcb0", "KCV-ECB0 of the key on this token", 6), kcv("kcvCmac", "KCV-CMAC of the key on this token", 10)],
  "escrow.split": [kcv("kcvEcb0", "KCV-ECB0", 6), kcv("kcvCmac", "KCV-CMAC", 10)],
  "escrow.trial-recovery": [kcv("kcvEcb0", "Recovered KCV-ECB0", 6), kcv("kcvCmac", "Recovered KCV-CMAC", 10)],
  "escrow.recover": [kcv("kcvEcb0", "Recovered KCV-ECB0", 6), kcv("kcvCmac", "Recovered KCV-CMAC", 10)],
  "key.copies.account": [{ output: "verdict", label: "Verdict: DESTROYED, or PARTLY DESTROYED", copy: "the first word or two", chars: 18 }],
};

/** The journal head every completed step shows (docs/architecture.md, Journal chain: milestones). */
export const JOURNAL_HEAD_BLANK: PaperBlank = {
  label: "Journal head after this step",
  copy: `first ${MILESTONE_DIGITS} hex digits`,
  digits: MILESTONE_DIGITS,
  chars: MILESTONE_DIGITS + 2,
};

/** The blanks printed for a step: its shown outputs' values and hardware facts, then the journal head. */
export function paperBlanksForStep(step: Pick<ResolvedStep, "action" | "show">): PaperBlank[] {
  const declared = BLANKS[step.action.type] ?? [];
  const shown = (b: PaperBlank): boolean => b.output === undefined || step.show.length === 0 || step.show.includes(b.output);
  return [...declared.filter(shown), JOURNAL_HEAD_BLANK];
}

/** The blank for one output of a step, when the paper asks for it. */
export function paperBlankForOutput(actionType: string, output: string): PaperBlank | undefined {
  return BLANKS[actionType]?.find((b) => b.output === output);
}
