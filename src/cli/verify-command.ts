/**
 * `ceremony verify PATH… [--signer PEM|HEX|WORDS]… [--json]`: one bundle in detail, or an archive
 * of them one line each, with a verdict and exit status an auditor can act on (README, "Verifying
 * a bundle"). The signer's fingerprint is always shown, as on the witness sheet, because without
 * an anchor a re-signed forgery verifies as well as the original.
 */
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { CeremonyError } from "../errors.ts";
import { fingerprintWords, formatFingerprint, formatFingerprintPrefix, formatSetId } from "../common/index.ts";
import { readInputFile } from "../input-file.ts";
import { AnchorError, type BundleReport, anchorFromPem, anchorFromText, exitStatusOf, verifyArchive } from "../transcript/index.ts";
import type { CliIo } from "./io.ts";

const USAGE = "ceremony verify PATH... [--signer PEM|FINGERPRINT|WORDS]... [--json]";
const MAX_ANCHOR_FILE_BYTES = 64 * 1024;

/** One --signer value as a SPKI SHA-256: a fingerprint typed as hex or words, else a PEM file. */
export async function resolveAnchor(value: string): Promise<string> {
  const typed = anchorFromText(value);
  if (typed !== null) return typed;
  let pem: Buffer;
  try {
    pem = await readInputFile(value, "the expected signer's key (--signer)", MAX_ANCHOR_FILE_BYTES);
  } catch (e) {
    if (e instanceof CeremonyError && (e as { problem?: string }).problem === "missing") {
      throw new AnchorError(`--signer ${value}: no such file, and not a fingerprint (64 hex digits) or 32 PGP words. Give the signer's PEM file or the fingerprint from the witness sheet.`);
    }
    throw new AnchorError(`--signer: ${(e as Error).message}`);
  }
  return anchorFromPem(pem.toString("utf8"), value);
}

const HEADLINE: Record<BundleReport["verdict"], string> = {
  verified: "VERIFIED",
  "verified-not-anchored": "VERIFIED — NOT ANCHORED",
  "verified-aborted": "VERIFIED — ABORTED CEREMONY",
  "verified-aborted-not-anchored": "VERIFIED — ABORTED CEREMONY, NOT ANCHORED",
  failed: "NOT VERIFIED",
};

function explain(b: BundleReport, abortReason: string | undefined): string {
  const compare = "Compare the signer fingerprint above with the one on the witness sheet, then run again with --signer FINGERPRINT.";
  const aborted = `The record is genuine, but the ceremony was aborted${abortReason ? ` (${abortReason})` : ""}: nothing it made is to be used; adopt its keys in a new ceremony or destroy them.`;
  switch (b.verdict) {
    case "verified":
      return "Signed by the expected key; signature, every file, journal chain, milestones, checkpoint, script and attestation rules all hold.";
    case "verified-not-anchored":
      return `Every check holds, but no expected signer was given, so a bundle re-signed by someone else would look the same. ${compare}`;
    case "verified-aborted":
      return aborted;
    case "verified-aborted-not-anchored":
      return `${aborted} No expected signer was given. ${compare}`;
    case "failed":
      return `${b.failures.length} failure${b.failures.length === 1 ? "" : "s"}:`;
  }
}

function printDetail(io: CliIo, b: BundleReport, abortReason: string | undefined, transcriptFacts: string[]): void {
  for (const line of transcriptFacts) io.out(line);
  if (b.signerSpkiSha256) {
    io.out(`signer     ${formatFingerprint(b.signerSpkiSha256)}`);
    io.out(`           ${fingerprintWords(b.signerSpkiSha256).join(" ")}`);
  }
  for (const link of b.links) io.out(`link       ${link}`);
  const line = `${HEADLINE[b.verdict]}: ${b.path} — ${explain(b, abortReason)}`;
  if (b.verdict === "failed") {
    io.err(line);
    for (const f of b.failures) io.err(`  [${f.code}] ${f.message}`);
  } else io.out(line);
}

function printLine(io: CliIo, b: BundleReport): void {
  const who = b.ceremonyId ? ` ${b.ceremonyId}` : "";
  const signer = b.signerSpkiSha256 ? ` signer ${formatFingerprintPrefix(b.signerSpkiSha256)}` : "";
  if (b.verdict === "failed") {
    const first = b.failures[0];
    const more = b.failures.length > 1 ? ` (and ${b.failures.length - 1} more; ceremony verify ${b.path} lists them)` : "";
    io.out(`${HEADLINE[b.verdict].padEnd(42)} ${b.path}${who} — [${first?.code}] ${first?.message}${more}`);
  } else {
    io.out(`${HEADLINE[b.verdict].padEnd(42)} ${b.path}${who}${signer}`);
  }
}

export interface VerifyCommandOptions {
  signers?: string[];
  json?: boolean;
}

export async function verifyCommand(io: CliIo, paths: string[], options: VerifyCommandOptions = {}): Promise<number> {
  if (paths.length === 0) {
    io.err(`ceremony verify: give one or more bundle folders: ${USAGE}`);
    return 2;
  }
  let anchors: string[];
  try {
    anchors = [];
    for (const value of options.signers ?? []) anchors.push(await resolveAnchor(value));
  } catch (e) {
    if (!(e instanceof CeremonyError)) throw e;
    io.err(`ceremony verify: ${e.message} [${e.code}]`);
    return 2;
  }
  const report = await verifyArchive(paths, { anchors, extraChecks: [scriptRecheck] });
  const status = exitStatusOf(report);
  if (options.json) {
    io.out(JSON.stringify({ ...report, exitStatus: status }, null, 2));
    return status;
  }
  const single = report.bundles.length === 1 && paths.length === 1 ? report.bundles[0] : undefined;
  if (single) {
    printDetail(io, single, single.abortReason ?? undefined, factLines(single));
    return status;
  }
  for (const b of report.bundles) printLine(io, b);
  const s = report.summary;
  io.out(
    `${s.total} bundle${s.total === 1 ? "" : "s"}: ${s.verified} verified (${s.verified - s.notAnchored} anchored, ${s.notAnchored} not anchored, ${s.aborted} aborted), ${s.failed} failed.` +
      (s.notAnchored > 0 ? " Compare each signer fingerprint with its witness sheet and give them with --signer." : ""),
  );
  return status;
}

/** The facts printed above a single bundle's verdict. */
function factLines(b: BundleReport): string[] {
  if (!b.ceremonyId) return [];
  const rehearsal = b.rehearsal ? ", REHEARSAL on a throwaway token" : "";
  return [
    `ceremony   ${b.ceremonyId} — ${b.title ?? ""} (${b.status}${rehearsal})`,
    `script     ${b.scriptId} sha256 ${b.scriptSha256 ? formatFingerprint(b.scriptSha256) : "?"}`,
    ...(b.checkpoint ? [`events     ${b.checkpoint.eventCount}, head ${formatFingerprint(b.checkpoint.head)}`] : []),
    `outputs    ${b.outputs.join(", ") || "none"}`,
    ...b.voidedCardSets.map(
      (v) =>
        `void set   ${formatSetId(v.setId)} of ${v.keyLabel}: ${v.cards.length ? `${v.cards.map((c) => `card ${c.card} (${c.holder})`).join(", ")} collected for destruction` : "no card delivered"}, attested by ${v.attesters.join(" and ")}`,
    ),
  ];
}
