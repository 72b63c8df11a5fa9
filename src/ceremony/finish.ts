/**
 * Ends a ceremony: the transcript is built from the journal, signed by the token's dedicated
 * transcript-signing key, written as a bundle (exclusive create, never overwrite), and verified
 * as an auditor would before anyone leaves the room.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { wipe } from "../errors.ts";
import { formatKeyId, formatUtcDate } from "../common/index.ts";
import { spkiSha256 } from "../hsm/index.ts";
import { type RecordedEvent, type RecordedEventOf, eventsOfType, lastEventOfType } from "../events/index.ts";
import { foldKeyCopies } from "../events/key-copies.ts";
import { describeCopy, describeFate, isAccountedFor } from "../common/key-copies.ts";
import { type PrintedKeyCopies, type PrintedReEscrow, renderTranscriptSummary, renderWitnessSheet } from "../print/index.ts";
import { TRIGGER_WORDS } from "./actions/reescrow-common.ts";
import {
  buildTranscript,
  signTranscript,
  spkiPem,
  verifyBundle,
  writeBundle,
  type BundleFile,
  type BundleVerification,
  type TranscriptSigner,
  type TranscriptOutput,
} from "../transcript/index.ts";
import { APP_NAME, APP_VERSION } from "../version.ts";
import type { ActionContext } from "./action-api.ts";
import { ensureTranscriptSigner } from "./actions/transcript-signer.ts";
import { CeremonyStateError } from "./errors.ts";
import type { CeremonyRunner } from "./runner.ts";
import { scriptRecheck } from "./script-recheck.ts";
import type { CeremonyState } from "./state.ts";

export interface FinishOptions {
  outDir: string;
  /** Needed when the HSM session must be opened again (after a restart). */
  hsmPin?: Buffer;
  /** Rehearsal cards to place under print/. */
  printedCards?: Array<{ fileName: string; path: string }>;
}

export interface FinishResult {
  bundleDir: string;
  status: "completed" | "aborted";
  checkpoint: { ceremonyId: string; eventCount: number; head: string };
  signerSpkiSha256: string;
  verification: BundleVerification;
}

export async function finishCeremony(runner: CeremonyRunner, options: FinishOptions): Promise<FinishResult> {
  try {
    return await finish(runner, options);
  } finally {
    // The PIN is the officer's to type again; whatever happened, this copy is gone.
    wipe(options.hsmPin);
  }
}

async function finish(runner: CeremonyRunner, options: FinishOptions): Promise<FinishResult> {
  const state = runner.state();
  // "completed" too: a crash while the bundle was being written leaves the ceremony completed but without a bundle.
  if (state.phase !== "ready-to-finish" && state.phase !== "aborted" && state.phase !== "completed") {
    throw new CeremonyStateError("CEREMONY_NOT_FINISHED", `The ceremony cannot be finished at "${state.phase}": complete every step, or abort it.`);
  }
  const officer = state.participants.find((p) => p.role === "crypto-officer") ?? state.participants[0];
  if (!officer) throw new CeremonyStateError("PARTICIPANTS_MISSING", "Nobody signed in; there is nothing to sign.");
  if (!runner.hsmReady()) {
    if (!options.hsmPin) throw new CeremonyStateError("HSM_LOGIN_REQUIRED", "The transcript is signed by the HSM: the crypto officer types the HSM PIN.");
    await runner.login(options.hsmPin, officer.id, true);
  }
  const ctx = runner.context(Math.max(0, state.currentStep ?? runner.script.steps.length - 1), officer, {});
  try {
    return await signAndWrite(runner, ctx, options);
  } catch (e) {
    // A device lost while signing: the retry logs in to the replugged HSM instead of the dead session.
    throw (await runner.releaseLostHsm(e)) ?? e;
  }
}

async function signAndWrite(runner: CeremonyRunner, ctx: ActionContext, options: FinishOptions): Promise<FinishResult> {
  const { signer } = await ensureTranscriptSigner(ctx);
  runner.recordTerminal();

  const journal = runner.journal;
  const events = journal.events(runner.ceremonyId);
  const checkpoint = journal.checkpoint(runner.ceremonyId);
  const state = runner.state();
  const status = state.phase === "aborted" ? "aborted" : "completed";
  const started = events[0]!;
  if (started.type !== "ceremony.started") throw new CeremonyStateError("CEREMONY_NOT_FOUND", `Ceremony ${runner.ceremonyId} does not begin with ceremony.started.`);
  const startBody = started.body;

  const signerFp = spkiSha256(signer.spki);
  const files: BundleFile[] = [];
  for (const { body: b } of eventsOfType(events, "artifact.recorded")) {
    if (!files.some((f) => f.path === b.path)) files.push({ path: b.path, bytes: Buffer.from(b.base64, "base64") });
  }
  // The sheets and cards are made before signing so that their hashes are in the signed
  // transcript: every file of a bundle is a signed output (docs/architecture.md, "Bundle layout").
  const airGapDecision = state.airGap?.decision === "pending" || !state.airGap ? "blocked" : state.airGap.decision;
  const keyCopies = { ...printedKeyCopies(events), ...printedReEscrow(events) };
  const documents: BundleFile[] = [
    { path: "sheets/witness-sheet.pdf", bytes: await renderWitnessSheet({ ...witnessSheetInput(runner, state, checkpoint, signerFp, started.time), ...keyCopies }) },
    {
      path: "sheets/transcript-summary.pdf",
      bytes: await renderTranscriptSummary({ ...summaryInput(runner, state, events, startBody.host, checkpoint, signerFp, airGapDecision), ...keyCopies }),
    },
  ];
  const cards: BundleFile[] = [];
  for (const card of options.printedCards ?? []) cards.push({ path: `print/${card.fileName}`, bytes: await readFile(card.path) });
  const outputs = [
    ...transcriptOutputs(events),
    ...documents.map((f) => fileOutput("document", f)),
    ...cards.map((f) => fileOutput("share-card", f)),
  ];
  const { bytes } = buildTranscript({
    ceremony: { id: runner.ceremonyId, scriptId: runner.script.definition.id, title: runner.script.definition.title, status, startedAt: started.time, endedAt: events.at(-1)!.time },
    script: { text: runner.script.text, params: runner.script.parameters },
    app: { name: APP_NAME, version: APP_VERSION },
    host: {
      os: startBody.host.os,
      release: startBody.host.release,
      hostname: startBody.host.hostname,
      airGap: { interfacesUp: state.airGap?.interfacesUp ?? [], decision: airGapDecision },
    },
    hsm: state.token
      ? { manufacturer: state.token.manufacturer, model: state.token.model, serial: state.token.serial, firmware: state.token.firmware, tokenLabel: state.token.label }
      : null,
    signer: { algorithm: signer.algorithm as TranscriptSigner["algorithm"], spkiSha256: signerFp },
    participants: state.participants,
    events,
    outputs,
    checkpoint,
  });
  const envelope = await signTranscript(bytes, signer);
  files.push(...documents, ...cards);

  await writeBundle(options.outDir, { transcriptBytes: bytes, envelope, signerSpkiPem: spkiPem(signer.spki), files });
  const verification = await verifyBundle(options.outDir, { extraChecks: [scriptRecheck] });
  if (!verification.ok) {
    throw new CeremonyStateError(
      "BUNDLE_DOES_NOT_VERIFY",
      `The bundle was written to ${options.outDir} but does not verify: ${verification.failures.map((f) => f.message).join("; ")}. Do not sign the witness sheet; report this.`,
    );
  }
  runner.forgetCredentials();
  return { bundleDir: options.outDir, status, checkpoint, signerSpkiSha256: signerFp, verification };
}

/** A file made at the end of the ceremony (a sheet, a card), listed with its hash so the signature covers it. */
function fileOutput(kind: "document" | "share-card", file: BundleFile): TranscriptOutput {
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  return { kind, label: name.replace(/\.pdf$/, ""), file: file.path, sha256: createHash("sha256").update(file.bytes).digest("hex"), details: {} };
}

/** Transcript outputs: every public file an action produced, and every recorded fact. */
export function transcriptOutputs(events: ReadonlyArray<RecordedEvent>): TranscriptOutput[] {
  const outputs: TranscriptOutput[] = [];
  const seenFiles = new Set<string>();
  for (const e of events) {
    if (e.type === "artifact.recorded" && !seenFiles.has(e.body.path)) {
      const b = e.body;
      seenFiles.add(b.path);
      outputs.push({ kind: b.kind, label: b.label, file: b.path, sha256: b.sha256, details: b.details });
    }
    if (e.type === "fact.recorded") outputs.push({ kind: e.body.kind, label: e.body.label, details: e.body.details });
  }
  return outputs;
}


/** The card sets voided in this ceremony (docs/architecture.md, "Voided card sets"), for the sheets. */
function voidedCardSets(events: ReadonlyArray<RecordedEvent>) {
  return eventsOfType(events, "escrow.set.voided").map(({ body: b }) => ({
    keyLabel: b.keyLabel,
    setId: b.setId,
    cards: b.deliveredCards.map((c) => ({ card: c.card, holderId: c.participantId, fingerprint: c.fingerprint })),
    attesterIds: b.attesters,
  }));
}

function stepEvents<T extends "step.started" | "step.completed">(events: ReadonlyArray<RecordedEvent>, index: number, type: T): Array<RecordedEventOf<T>> {
  return eventsOfType(events, type).filter((e) => e.body.stepIndex === index);
}

/**
 * A re-escrow's two card sets as its events leave them: the old set checked, the new set split,
 * and (once the last step ran) the old set revoked with each old card's fate. Nothing when the
 * ceremony stopped before its new set was split.
 */
function printedReEscrow(events: ReadonlyArray<RecordedEvent>): { reEscrow?: PrintedReEscrow } {
  const previous = lastEventOfType(events, "escrow.previous.checked")?.body;
  const split = previous ? lastEventOfType(events, "escrow.split", (e) => e.body.keyLabel === previous.keyLabel)?.body : undefined;
  if (!previous || !split) return {};
  const revoked = lastEventOfType(events, "escrow.set.revoked", (e) => e.body.setId === previous.setId)?.body;
  const fate = (card: number): "collected" | "lost" | "outstanding" => (revoked?.collected.includes(card) ? "collected" : revoked?.lost.includes(card) ? "lost" : "outstanding");
  return {
    reEscrow: {
      keyLabel: previous.keyLabel,
      why: `${TRIGGER_WORDS[previous.trigger]}: ${previous.reason}`,
      oldSet: { setId: previous.setId, k: previous.k, n: previous.n, wrappedSha256: previous.wrappedSha256, splitBy: previous.splitByCeremonyId },
      newSet: { setId: split.setId, k: split.k, n: split.n, wrappedSha256: split.wrappedSha256 },
      revoked: revoked !== undefined,
      oldCards: previous.cards.map((c) => ({ card: c.card, holder: c.holder, fingerprint: c.fingerprint, fate: fate(c.card) })),
    },
  };
}

/**
 * A destruction's copies as its events leave them (the same fold verify recomputes): printed on
 * the witness sheet and the summary, so the paper says PARTLY DESTROYED when a copy remains, even
 * when the ceremony stopped before its verdict.
 */
function printedKeyCopies(events: ReadonlyArray<RecordedEvent>): { keyCopies?: PrintedKeyCopies } {
  const folded = foldKeyCopies(events);
  if (!folded || folded.copies.length === 0) return {};
  return {
    keyCopies: {
      label: folded.label,
      verdict: folded.verdict,
      copies: folded.copies.map((c) => ({ what: describeCopy(c), fate: describeFate(c), remains: !isAccountedFor(c) })),
    },
  };
}

/** The script's named witnesses and who filled them (nobody, when sign-in never closed). */
function namedWitnessesForPaper(runner: CeremonyRunner, state: CeremonyState): Array<{ title: string; policy?: string; filledBy: string[] }> {
  return runner.script.namedWitnesses.map((rule, i) => ({
    title: rule.title,
    ...(rule.policy ? { policy: rule.policy } : {}),
    filledBy: state.namedWitnesses[i]?.filledBy ?? [],
  }));
}

function witnessSheetInput(runner: CeremonyRunner, state: CeremonyState, checkpoint: FinishResult["checkpoint"], signerFp: string, date: string) {
  return {
    rehearsal: state.rehearsal,
    ceremonyId: runner.ceremonyId,
    ceremonyDate: date,
    title: runner.script.definition.title,
    script: { id: runner.script.definition.id, sha256: runner.script.sha256 },
    participants: state.participants,
    namedWitnesses: namedWitnessesForPaper(runner, state),
    steps: runner.script.steps.map((s, i) => ({
      number: i + 1,
      title: s.title,
      witnessIds: state.steps[i]!.attestations.length
        ? state.steps[i]!.attestations.map((a) => a.participantId)
        : state.participants.filter((p) => s.attestation.roles.includes(p.role)).map((p) => p.id),
      done: state.steps[i]!.completed,
    })),
    ...(state.phase === "aborted" ? { aborted: { reason: state.abortReason ?? "no reason recorded" } } : {}),
    voidedCardSets: voidedCardSets(runner.events()),
    checkpoint,
    transcriptSigner: { spkiSha256: signerFp },
  };
}

function summaryInput(
  runner: CeremonyRunner,
  state: CeremonyState,
  events: ReadonlyArray<RecordedEvent>,
  startHost: { os: string; release: string; hostname: string },
  checkpoint: FinishResult["checkpoint"],
  signerFp: string,
  airGapDecision: string,
) {
  const facts = eventsOfType(events, "fact.recorded").map((e) => e.body);
  const artifacts = eventsOfType(events, "artifact.recorded").map((e) => e.body);
  // A split made again (after a jam or a crash) supersedes the earlier one, which was voided.
  const latestSplit = new Map(eventsOfType(events, "escrow.split").map((e) => [e.body.keyLabel, e.body]));
  const splits = [...latestSplit.values()];
  const last = <T,>(xs: T[]): T | undefined => xs.at(-1);
  return {
    rehearsal: state.rehearsal,
    ceremonyId: runner.ceremonyId,
    title: runner.script.definition.title,
    startedAt: events[0]!.time,
    finishedAt: events.at(-1)!.time,
    script: { id: runner.script.definition.id, sha256: runner.script.sha256 },
    status: state.phase === "aborted" ? ("aborted" as const) : ("completed" as const),
    ...(state.abortReason ? { abortReason: state.abortReason } : {}),
    host: {
      hostname: startHost.hostname,
      operatingSystem: `${startHost.os} ${startHost.release}`,
      appVersion: `${APP_NAME} ${APP_VERSION}`,
      airgap: `${airGapDecision}${state.airGap?.interfacesUp.length ? ` (up: ${state.airGap.interfacesUp.join(", ")})` : ""}`,
    },
    hsm: {
      manufacturer: state.token?.manufacturer ?? "-",
      model: state.token?.model ?? "-",
      serial: state.token?.serial ?? "-",
      firmwareVersion: state.token?.firmware ?? "-",
      tokenLabel: state.token?.label ?? "-",
    },
    participants: state.participants,
    namedWitnesses: namedWitnessesForPaper(runner, state),
    steps: runner.script.steps.map((s, i) => {
      const st = state.steps[i]!;
      return {
        number: i + 1,
        title: s.title,
        outcome: st.completed ? ("completed" as const) : st.actionStatus === "failed" ? ("failed" as const) : ("not-run" as const),
        ...(st.performer ? { performerId: st.performer } : {}),
        attesterIds: st.attestations.map((a) => a.participantId),
        ...(stepEvents(events, i, "step.started")[0] ? { startedAt: stepEvents(events, i, "step.started")[0]!.time } : {}),
        ...(last(stepEvents(events, i, "step.completed")) ? { completedAt: last(stepEvents(events, i, "step.completed"))!.time } : {}),
      };
    }),
    outputs: {
      certificates: artifacts
        .filter((a) => a.kind === "certificate")
        .map((a) => ({ label: a.label, subject: a.details.subject ?? "-", sha256: a.details.sha256 ?? a.sha256 })),
      keys: facts
        .filter((f) => f.kind === "kcv" && f.details.kcvEcb0 && f.details.kcvCmac)
        .map((f) => ({ label: f.label, kcvEcb0: f.details.kcvEcb0!, kcvCmac: f.details.kcvCmac! })),
      wrappedKeys: artifacts.filter((a) => a.kind === "wrapped-key").map((a) => ({ keyLabel: a.label, sha256: a.sha256 })),
      shares: splits.flatMap((s) => s.cards.map((c) => ({ keyLabel: s.keyLabel, index: c.card, k: s.k, n: s.n, holderId: c.participantId, fingerprint: c.fingerprint }))),
      rotations: eventsOfType(events, "key.superseded").map(({ body: r }) => ({
        old: `${r.old.label} (ID ${formatKeyId(r.old.id)})`,
        successor: `${r.successor.label} (ID ${formatKeyId(r.successor.id)})`,
        destruction: r.destroyBy ? `scheduled for destruction by ${formatUtcDate(r.destroyBy)} (overlap ${r.overlapDays} days)` : "not scheduled: kept for what it issued",
      })),
    },
    voidedCardSets: voidedCardSets(events),
    checkpoint,
    transcriptSigner: { spkiSha256: signerFp },
  };
}
