/** Plain views of core state for the renderer: what the screens show, nothing secret. */
import { missingCaseError } from "../errors.ts";
import { journaledReadBacks } from "../ceremony/actions/escrow-common.ts";
import type { z } from "zod";
import { actionRegistry } from "../ceremony/actions/registry.ts";
import { paperBlankForOutput, type PaperBlank } from "../ceremony/paper-blanks.ts";
import type { CeremonyRunner } from "../ceremony/runner.ts";
import { attestationShortfall, type CardSet } from "../ceremony/state.ts";
import { cardSetToVoid, deliveredCards, voidNotice, voidRule } from "../ceremony/card-set-void.ts";
import type { AttestationRule } from "../ceremony/script-schema.ts";
import { type RecordedEvent, eventsOfType, lastEventOfType } from "../events/index.ts";
import {
  assignNamedWitnesses,
  describeCopy,
  describeFate,
  fingerprintWords,
  formatFingerprint,
  formatHex,
  formatKeyId,
  formatOutputValue,
  formatSetId,
  formatUtcDate,
  remainingCopies,
  roleTitle,
  verdictText,
} from "../common/index.ts";
import type { Transcript, VerifyFailure } from "../transcript/index.ts";
import { stepError } from "./api-error.ts";
import { oldCardsView } from "./old-cards-view.ts";
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
  extras: {
    running: boolean;
    previews: ReadonlySet<string>;
    bundleDir: string | null;
    outDir: string;
    finishError: { code: string; message: string } | null;
    recoverySource?: { keyLabel: string; setId: string; k: number; n: number; bundleDir: string } | null;
  },
): z.output<typeof CeremonyView> {
  const state = runner.state();
  const events = runner.events();
  const nameOf = (id: string): string => state.participants.find((p) => p.id === id)?.name ?? id;
  const checkStep = runner.script.steps.findIndex((s) => s.action.type === "escrow.check-previous");
  const checkOutputs = checkStep >= 0 ? state.steps[checkStep]!.outputs : {};
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
      attestation: { roles: step.rule.roles, count: step.rule.count, ...(step.rule.including ? { including: step.rule.including.map((r) => ({ title: r.title, anyOf: [...r.anyOf] })) } : {}) },
      status,
      performer: s.performer ? nameOf(s.performer) : null,
      outputs: shown.filter((n) => s.outputs[n]).map((n) => outputView(n, s.outputs[n]!, paperBlankForOutput(step.action.type, n))),
      attestations: s.attestations.map((a) => ({ participantId: a.participantId, name: nameOf(a.participantId), time: a.time })),
      shortfall: s.actionStatus === "succeeded" && !s.completed ? attestationShortfall(step.rule, s, state.participants) : null,
      lastError: s.lastError ? stepError(s.lastError) : null,
      milestone: s.milestone,
      preview: action.preview
        ? {
            required: state.currentStep === i && runner.previewNeeded(i),
            usesHsm: action.usesHsm,
            items: s.preview?.items ?? [],
            attesters: (s.preview?.attesters ?? []).map((id) => ({ participantId: id, name: nameOf(id) })),
          }
        : null,
      oldCards: oldCardsView(step.action.type, s.outputs, checkOutputs, events),
      cardSetVoid: cardSetVoidView(state.currentStep === i ? cardSetToVoid(s) : null, step.attestation, nameOf),
    };
  });
  const split = lastEventOfType(events, "escrow.split");
  // The board is what the journal holds: cards verified by the step, or read back and matched
  // during it (share.read-back), so a reload or a restart shows the same board.
  const verifiedCards = new Set(eventsOfType(events, "share.verified").map((e) => e.body.participantId));
  if (split) for (const id of journaledReadBacks(events, split.body)) verifiedCards.add(id);
  const shareBoard = split
    ? split.body.cards.map((c) => ({
        card: c.card,
        participantId: c.participantId,
        holder: c.holder,
        verified: verifiedCards.has(c.participantId),
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
    namedWitnesses: namedWitnessesView(runner),
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
    outDir: extras.outDir,
    finishError: extras.finishError ? stepError(extras.finishError) : null,
    recoverySource: extras.recoverySource ?? null,
    resumed: resumedAt(events),
  };
}

function cardSetVoidView(set: CardSet | null, rule: AttestationRule, nameOf: (id: string) => string): z.output<typeof StepView>["cardSetVoid"] {
  if (!set) return null;
  return {
    keyLabel: set.keyLabel,
    setId: set.setId,
    notice: voidNotice(set).map((l) => l.trim()),
    deliveredCards: deliveredCards(set),
    attesters: set.voidAttesters.map((id) => ({ participantId: id, name: nameOf(id) })),
    needed: voidRule(rule).count,
  };
}

/** The named-witness requirements and who fills them (live during sign-in, as recorded after). */
function namedWitnessesView(runner: CeremonyRunner): z.output<typeof CeremonyView>["namedWitnesses"] {
  const state = runner.state();
  const rules = runner.script.namedWitnesses;
  const live = assignNamedWitnesses(rules, state.participants);
  return rules.map((r, i) => {
    const ids = state.phase === "sign-in" ? live.filledBy[i]! : (state.namedWitnesses[i]?.filledBy ?? []);
    const filledBy = ids.flatMap((id) => {
      const p = state.participants.find((x) => x.id === id);
      return p ? [{ id, name: p.name, title: p.title ?? "" }] : [];
    });
    return { title: r.title, anyOf: [...r.anyOf], roles: [...r.roles], count: r.count, ...(r.policy ? { policy: r.policy } : {}), filledBy };
  });
}

/** A line an auditor can read for each event; never more than the event itself holds. */
export function eventSummary(e: RecordedEvent, names: Map<string, string>): string {
  const who = (id: string): string => names.get(id) ?? id;
  const step = (i: number): string => `step ${i + 1}`;
  switch (e.type) {
    case "ceremony.started": {
      const b = e.body;
      return `${b.scriptTitle} (script ${b.scriptId} v${b.scriptVersion}${b.rehearsal ? ", REHEARSAL" : ""})`;
    }
    case "ceremony.resumed":
      return `resumed after event ${e.body.atEvent - 1}`;
    case "participant.joined":
      return `${e.body.name} joined as ${roleTitle(e.body.role)} (${e.body.organisation}${e.body.title ? `, ${e.body.title}` : ""})`;
    case "participants.confirmed": {
      const named = (e.body.namedWitnesses ?? []).map((n) => `${n.rule.title}: ${n.filledBy.map(who).join(", ")}`);
      return `sign-in closed with ${e.body.count} participants${named.length ? `; named witnesses ${named.join("; ")}` : ""}`;
    }
    case "airgap.checked":
      return e.body.clear ? "no network interface up" : `interfaces up: ${e.body.interfacesUp.join(", ")}`;
    case "airgap.override.attested":
      return `${who(e.body.participantId)} attested the air-gap override`;
    case "airgap.override.granted":
      return `air-gap override granted by ${e.body.attesters} witnesses`;
    case "step.started":
      return `${step(e.body.stepIndex)}: ${e.body.title} (${e.body.action})`;
    case "action.started":
      return `${step(e.body.stepIndex)}: action started by ${who(e.body.performer)}`;
    case "action.succeeded":
      return `${step(e.body.stepIndex)}: action succeeded, performed by ${who(e.body.performer)}`;
    case "action.failed":
      return `${step(e.body.stepIndex)}: action failed — ${e.body.error.message}`;
    case "artifact.recorded":
      return `${e.body.kind} ${e.body.label} → ${e.body.path}`;
    case "fact.recorded":
      return `${e.body.kind} ${e.body.label}`;
    case "attestation.recorded":
      return `${step(e.body.stepIndex)}: attested by ${who(e.body.participantId)}`;
    case "attestation.refused":
      return `attestation by ${who(e.body.participantId)} refused: ${e.body.reason}`;
    case "step.completed":
      return `${step(e.body.stepIndex)}: completed, journal head ${formatHex(e.body.milestone)}`;
    case "ceremony.abort-requested":
      return `abort requested: ${e.body.reason}`;
    case "ceremony.aborted":
      return `ABORTED: ${e.body.reason}`;
    case "ceremony.completed":
      return "completed";
    case "hsm.token.selected":
    case "hsm.relogin":
      return `token ${e.body.label} serial ${e.body.serial} (${e.body.manufacturer} ${e.body.model})`;
    case "hsm.object.intent":
      return `about to create ${e.body.label}`;
    case "hsm.preflight": {
      const p = e.body.profile;
      return `preflight of token ${p.token.label} (${p.token.model}): ${e.body.rows.filter((r) => r.verdict === "ok").length} of ${e.body.rows.length} needs met, ${p.mechanisms.length} mechanisms${p.rfc5649Mechanism ? `, RFC 5649 by ${p.rfc5649Mechanism}` : ""}`;
    }
    case "hsm.object.created":
      return `created ${e.body.label} (ID ${formatKeyId(e.body.id)})${e.body.adoptedAfterInterruption ? ", adopted after an interruption" : ""}`;
    case "hsm.object.reused":
      return `reused ${e.body.label} (ID ${e.body.id}) made earlier by this ceremony`;
    case "hsm.object.left":
      if (e.body.stepIndex === undefined) return `the preflight could not destroy its test object ${e.body.label} (${e.body.objects.join(", ")}; ${e.body.error})`;
      return `the failed step left ${e.body.label} on the token (${e.body.objects.join(", ")}); Retry adopts it, an abort reports it`;
    case "escrow.split":
      return `${e.body.keyLabel} split ${e.body.k} of ${e.body.n}, set ${formatSetId(e.body.setId)}`;
    case "escrow.card.delivered":
      return `card ${e.body.card}${e.body.setId ? ` of set ${formatSetId(e.body.setId)}` : ""} delivered to ${who(e.body.participantId)} (${e.body.destination})`;
    case "escrow.set.void-attested":
      return `${who(e.body.participantId)} attested that the delivered cards of set ${formatSetId(e.body.setId)} were collected for destruction`;
    case "escrow.set.voided":
      return `card set ${formatSetId(e.body.setId)} of ${e.body.keyLabel} VOID: ${
        e.body.deliveredCards.length ? `${e.body.deliveredCards.map((c) => `card ${c.card} (${who(c.participantId)})`).join(", ")} collected for destruction` : "no card of it was delivered"
      }, attested by ${e.body.attesters.map(who).join(" and ")}`;
    case "share.read-back":
      return `card ${e.body.card} read back and matched by ${who(e.body.participantId)}`;
    case "share.verified":
      return `card ${e.body.card} read back by ${who(e.body.participantId)}`;
    case "escrow.trial-recovered":
      return `trial recovery of ${e.body.keyLabel} from ${e.body.cardsUsed} cards: KCV ${e.body.kcvEcb0} / ${e.body.kcvCmac}`;
    case "recovery.source":
      return `recovering ${e.body.keyLabel} from ceremony ${e.body.bundleCeremonyId}, set ${formatSetId(e.body.setId)} (${e.body.k} of ${e.body.n})`;
    case "escrow.recovered":
      return `${e.body.keyLabel} recovered (ID ${e.body.id}) from ${e.body.cardsUsed} cards`;
    case "escrow.previous.checked":
      return `card set being replaced: ${formatSetId(e.body.setId)} of ${e.body.keyLabel} (${e.body.k} of ${e.body.n}, split by ${e.body.splitByCeremonyId}); the key on this token has its KCVs ${e.body.kcvEcb0} / ${e.body.kcvCmac}`;
    case "escrow.set.revoked":
      return `card set ${formatSetId(e.body.setId)} of ${e.body.keyLabel} REVOKED, superseded by set ${formatSetId(e.body.supersededBySetId)}: ${e.body.collected.length} old cards destroyed, ${e.body.lost.length} lost, ${e.body.outstanding.length} still out`;
    case "key.destroying":
      return `destroying ${e.body.label} (ID ${e.body.id}): ${e.body.objects.join(", ")}`;
    case "key.destroyed":
      return `${e.body.label} destroyed: ${e.body.proof}`;
    case "key.copies.listed":
      return `${e.body.copies.length} copies of ${e.body.label} listed${e.body.bundles.length ? ` (with ${e.body.bundles.length} bundles given)` : ""}: ${e.body.copies.map(describeCopy).join("; ")}`;
    case "key.copy.accounted":
      return `${e.body.label}: ${describeCopy(e.body.copy)}: ${describeFate(e.body.copy)}`;
    case "key.copies.accounted": {
      const left = remainingCopies(e.body.copies);
      return `${e.body.label}: ${verdictText(e.body.verdict)}${left.length ? `; remains: ${left.map(describeCopy).join("; ")}` : ""}`;
    }
    case "key.superseded":
      return `${e.body.old.label} (ID ${formatKeyId(e.body.old.id)}) replaced by ${e.body.successor.label} (ID ${formatKeyId(e.body.successor.id)})${e.body.destroyBy ? `; scheduled for destruction by ${formatUtcDate(e.body.destroyBy)}` : "; kept, not scheduled for destruction"}`;
    case "pki.linted":
      return `${e.body.what}: ${e.body.checked} lints checked, ${e.body.notPassed.length} not passed`;
    case "pki.crl-number.taken":
      return `CRL number ${e.body.crlNumber} taken for ${e.body.issuer}`;
    case "preview.shown":
      return `before the HSM acts: ${e.body.items.map((i) => `${i.label}: ${i.value}`).join("; ")}`;
    case "preview.attested":
      return `${who(e.body.participantId)} confirmed what the HSM will do`;
    default:
      throw missingCaseError(e);
  }
}

export function verificationView(dir: string, ok: boolean, failures: VerifyFailure[], transcript: Transcript | undefined, signerSpkiSha256: string | null): z.output<typeof VerificationView> {
  if (!transcript) {
    return { ok, dir, failures, ceremony: null, participants: [], steps: [], events: [], outputs: [], checkpoint: null, signer: null };
  }
  const names = new Map(transcript.participants.map((p) => [p.id, p.name]));
  const roles = new Map(transcript.participants.map((p) => [p.id, p.role]));
  const started = eventsOfType(transcript.events, "step.started");
  const first = transcript.events[0];
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
      rehearsal: first?.type === "ceremony.started" && first.body.rehearsal,
    },
    participants: transcript.participants,
    steps: started.map((s) => {
      const i = s.body.stepIndex;
      const ofStep = (e: { body: { stepIndex: number } }): boolean => e.body.stepIndex === i;
      const performer = lastEventOfType(transcript.events, "action.succeeded", ofStep)?.body.performer;
      return {
        index: i,
        title: s.body.title,
        performer: performer ? (names.get(performer) ?? null) : null,
        attesters: eventsOfType(transcript.events, "attestation.recorded")
          .filter(ofStep)
          .map((a) => ({ name: names.get(a.body.participantId) ?? "?", role: roles.get(a.body.participantId) ?? "?", time: a.time })),
        completedAt: lastEventOfType(transcript.events, "step.completed", ofStep)?.time ?? null,
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

/** When the ceremony was last resumed from the journal (the app stopped mid-ceremony), or null. */
function resumedAt(events: ReadonlyArray<RecordedEvent>): { time: string; atEvent: number } | null {
  const last = lastEventOfType(events, "ceremony.resumed");
  return last ? { time: last.time, atEvent: last.body.atEvent } : null;
}
