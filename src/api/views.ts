/** Plain views of core state for the renderer: what the screens show, nothing secret. */
import type { z } from "zod";
import { actionRegistry } from "../ceremony/actions/registry.ts";
import { paperBlankForOutput, type PaperBlank } from "../ceremony/paper-blanks.ts";
import type { CeremonyRunner } from "../ceremony/runner.ts";
import { attestationShortfall } from "../ceremony/state.ts";
import type { ChainedEvent } from "../journal/index.ts";
import { fingerprintWords, formatFingerprint, formatHex, formatKeyId, formatOutputValue, formatSetId, roleTitle } from "../common/index.ts";
import type { Transcript, VerifyFailure } from "../transcript/index.ts";
import type { CeremonyView, OutputView, StepView, VerificationView } from "./contract.ts";

export function outputView(name: string, o: { label: string; kind: OutputView["kind"]; value: string }, blank?: PaperBlank): OutputView {
  const paper = blank ? { paper: { label: blank.label, copy: blank.copy, ...(blank.digits !== undefined ? { digits: blank.digits } : {}) } } : {};
  if (o.kind === "text") return { name, ...o, ...paper };
  // hexGroups is the value as docs/formats.md writes it, the same string the terminal and paper show.
  const words = o.kind === "fingerprint" ? fingerprintWords(o.value) : [];
  return { name, ...o, hexGroups: formatOutputValue(o), ...(words.length ? { words } : {}), ...paper };
}

export function ceremonyView(
  runner: CeremonyRunner,
  extras: { running: boolean; readBack: ReadonlySet<string>; previews: ReadonlySet<string>; bundleDir: string | null },
): z.output<typeof CeremonyView> {
  const state = runner.state();
  const events = runner.events();
  const nameOf = (id: string): string => state.participants.find((p) => p.id === id)?.name ?? id;
  const steps: z.output<typeof StepView>[] = runner.script.steps.map((step, i) => {
    const s = state.steps[i]!;
    const action = actionRegistry.get(step.action.type)!;
    const shown = step.show.length ? step.show : Object.keys(s.outputs);
    const status: StepView["status"] = s.completed
      ? "completed"
      : extras.running && state.currentStep === i
        ? "running"
        : s.actionStatus === "succeeded"
          ? "awaiting-attestation"
          : s.actionStatus === "failed"
            ? "failed"
            : "pending";
    return {
      index: i,
      id: step.id,
      title: step.title,
      instructions: step.instructions,
      checklist: step.checklist,
      performerRole: step.performer,
      action: step.action.type,
      actionSummary: action.summary,
      needs: state.currentStep === i ? runner.needsOf(i) : [...action.needs],
      attestation: step.attestation,
      status,
      performer: s.performer ? nameOf(s.performer) : null,
      outputs: shown.filter((n) => s.outputs[n]).map((n) => outputView(n, s.outputs[n]!, paperBlankForOutput(step.action.type, n))),
      attestations: s.attestations.map((a) => ({ participantId: a.participantId, name: nameOf(a.participantId), time: a.time })),
      shortfall: s.actionStatus === "succeeded" && !s.completed ? attestationShortfall(step.attestation, s, state.participants) : null,
      lastError: s.lastError,
      milestone: s.milestone,
    };
  });
  const split = events.findLast((e) => e.type === "escrow.split");
  const verifiedCards = new Set(events.filter((e) => e.type === "share.verified").map((e) => String(e.body.participantId)));
  const shareBoard = split
    ? (split.body.cards as Array<{ card: number; participantId: string; holder: string }>).map((c) => ({
        card: c.card,
        participantId: c.participantId,
        holder: c.holder,
        verified: verifiedCards.has(c.participantId) || extras.readBack.has(c.participantId),
        preview: extras.previews.has(c.participantId),
      }))
    : [];
  return {
    ceremonyId: runner.ceremonyId,
    scriptId: runner.script.definition.id,
    title: runner.script.definition.title,
    phase: state.phase,
    rehearsal: state.rehearsal,
    roleMinimums: runner.script.roleMinimums,
    participants: state.participants,
    airGap: state.airGap,
    token: state.token,
    hsmReady: runner.hsmReady(),
    steps,
    currentStep: state.currentStep,
    abortReason: state.abortReason,
    eventCount: state.eventCount,
    head: state.head.slice(0, 8),
    shareBoard,
    bundleDir: extras.bundleDir,
  };
}

/** A line an auditor can read for each event; never more than the event itself holds. */
export function eventSummary(e: ChainedEvent, names: Map<string, string>): string {
  const b = e.body as Record<string, unknown>;
  const who = (id: unknown): string => names.get(String(id)) ?? String(id);
  const step = typeof b.stepIndex === "number" ? `step ${b.stepIndex + 1}` : "";
  switch (e.type) {
    case "ceremony.started":
      return `${String(b.scriptTitle)} (script ${String(b.scriptId)} v${String(b.scriptVersion)}${b.rehearsal ? ", REHEARSAL" : ""})`;
    case "participant.joined":
      return `${String(b.name)} joined as ${roleTitle(String(b.role))} (${String(b.organisation)})`;
    case "airgap.checked":
      return b.clear ? "no network interface up" : `interfaces up: ${(b.interfacesUp as string[]).join(", ")}`;
    case "airgap.override.attested":
      return `${who(b.participantId)} attested the air-gap override`;
    case "step.started":
      return `${step}: ${String(b.title)} (${String(b.action)})`;
    case "action.succeeded":
      return `${step}: action succeeded, performed by ${who(b.performer)}`;
    case "action.failed":
      return `${step}: action failed — ${(b.error as { message?: string })?.message ?? ""}`;
    case "attestation.recorded":
      return `${step}: attested by ${who(b.participantId)}`;
    case "step.completed":
      return `${step}: completed, journal head ${formatHex(String(b.milestone))}`;
    case "hsm.token.selected":
    case "hsm.relogin":
      return `token ${String(b.label)} serial ${String(b.serial)} (${String(b.manufacturer)} ${String(b.model)})`;
    case "hsm.object.created":
      return `created ${String(b.label)} (ID ${formatKeyId(String(b.id))})${b.adoptedAfterInterruption ? ", adopted after an interruption" : ""}`;
    case "hsm.object.left":
      return `the failed step left ${String(b.label)} on the token (${(b.objects as string[] | undefined)?.join(", ") ?? "objects"}); Retry adopts it, an abort reports it`;
    case "artifact.recorded":
      return `${String(b.kind)} ${String(b.label)} → ${String(b.path)}`;
    case "fact.recorded":
      return `${String(b.kind)} ${String(b.label)}`;
    case "escrow.split":
      return `${String(b.keyLabel)} split ${String(b.k)} of ${String(b.n)}, set ${formatSetId(String(b.setId))}`;
    case "share.verified":
      return `card ${String(b.card)} read back by ${who(b.participantId)}`;
    case "key.destroyed":
      return `${String(b.label)} destroyed: ${String(b.proof)}`;
    case "ceremony.aborted":
      return `ABORTED: ${String(b.reason)}`;
    default:
      return Object.entries(b)
        .filter(([, v]) => typeof v === "string" || typeof v === "number")
        .slice(0, 3)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(", ");
  }
}

export function verificationView(dir: string, ok: boolean, failures: VerifyFailure[], transcript: Transcript | undefined, signerSpkiSha256: string | null): z.output<typeof VerificationView> {
  if (!transcript) {
    return { ok, dir, failures, ceremony: null, participants: [], steps: [], events: [], outputs: [], checkpoint: null, signer: null };
  }
  const names = new Map(transcript.participants.map((p) => [p.id, p.name]));
  const roles = new Map(transcript.participants.map((p) => [p.id, p.role]));
  const started = transcript.events.filter((e) => e.type === "step.started");
  return {
    ok,
    dir,
    failures,
    ceremony: {
      id: transcript.ceremony.id,
      title: transcript.ceremony.title,
      scriptId: transcript.ceremony.scriptId,
      status: transcript.ceremony.status,
      startedAt: transcript.ceremony.startedAt,
      endedAt: transcript.ceremony.endedAt,
      rehearsal: transcript.events[0]?.body.rehearsal === true,
    },
    participants: transcript.participants,
    steps: started.map((s) => {
      const i = s.body.stepIndex as number;
      const of = (type: string) => transcript.events.filter((e) => e.type === type && e.body.stepIndex === i);
      const performer = of("action.succeeded").at(-1)?.body.performer;
      return {
        index: i,
        title: String(s.body.title),
        performer: performer ? (names.get(String(performer)) ?? null) : null,
        attesters: of("attestation.recorded").map((a) => ({ name: names.get(String(a.body.participantId)) ?? "?", role: roles.get(String(a.body.participantId)) ?? "?", time: a.time })),
        completedAt: of("step.completed").at(-1)?.time ?? null,
      };
    }),
    events: transcript.events.map((e) => ({ seq: e.seq, time: e.time, actor: names.get(e.actor) ?? e.actor, type: e.type, summary: eventSummary(e, names) })),
    outputs: transcript.outputs.map((o) => ({ kind: o.kind, label: o.label, file: o.file ?? null, details: o.details })),
    checkpoint: { eventCount: transcript.checkpoint.eventCount, head: transcript.checkpoint.head },
    signer: signerSpkiSha256
      ? { spkiSha256: signerSpkiSha256, hexGroups: formatFingerprint(signerSpkiSha256), words: fingerprintWords(signerSpkiSha256) }
      : null,
  };
}
