/**
 * Ceremonies the journal holds that have not ended (no ceremony.completed or ceremony.aborted):
 * after the app died mid-ceremony (power loss, a crash, a closed lid), the start screen lists them
 * to resume (docs/architecture.md, "A crash at any point loses nothing"). Everything here comes
 * from the journal, which Journal.open has already verified; nothing secret is in it.
 */
import { loadScript } from "../../ceremony/load-script.ts";
import { foldState } from "../../ceremony/state.ts";
import type { TokenSelector } from "../../hsm/types.ts";
import type { Journal } from "../../journal/index.ts";
import type { UnfinishedCeremony } from "../contract.ts";
import { ServiceError } from "./service-error.ts";

/** Every unfinished ceremony of the journal, the most recently started first. */
export function unfinishedCeremonies(journal: Journal): UnfinishedCeremony[] {
  const list: UnfinishedCeremony[] = [];
  // The journal lists ceremonies in the order they began.
  for (const id of journal.ceremonies().toReversed()) {
    const u = describeUnfinished(journal, id);
    if (u) list.push(u);
  }
  return list;
}

/** One ceremony as the start screen lists it, or null when it has ended (or is not a ceremony). */
export function describeUnfinished(journal: Journal, ceremonyId: string): UnfinishedCeremony | null {
  const events = journal.events(ceremonyId);
  const first = events[0];
  if (first?.type !== "ceremony.started") return null;
  if (events.some((e) => e.type === "ceremony.completed" || e.type === "ceremony.aborted")) return null;
  const b = first.body;
  // The recorded script (not the file as it is now), for its steps' titles.
  const script = loadScript(b.scriptText, b.scriptFile, { parameters: b.parameters });
  const state = foldState(events, script.steps.length);
  const current = state.currentStep;
  const where =
    state.phase === "sign-in"
      ? "Signing in participants"
      : state.phase === "air-gap"
        ? "Air-gap override by the witnesses"
        : state.phase === "blocked"
          ? "Stopped at the air-gap check"
          : state.phase === "ready-to-finish"
            ? "Every step done: the transcript is to be signed"
            : state.phase === "aborted"
              ? `Aborted (${state.abortReason ?? "no reason recorded"}): the ABORTED transcript is to be signed`
            : current !== null
              ? `Step ${current + 1} of ${script.steps.length}: ${script.steps[current]!.title}`
              : "Steps";
  // The token the HSM reported at login (its serial is certain), else the one chosen at the start.
  const token = state.token ? { label: state.token.label, serial: state.token.serial } : { label: b.token.label, serial: b.token.serial };
  return {
    ceremonyId,
    scriptId: b.scriptId,
    title: b.scriptTitle,
    scriptFile: b.scriptFile,
    phase: state.phase,
    stepIndex: current,
    stepCount: script.steps.length,
    where,
    startedAt: first.time,
    lastEventAt: events.at(-1)!.time,
    eventCount: events.length,
    token,
    rehearsal: b.rehearsal,
    participants: state.participants.map((p) => ({ id: p.id, name: p.name, role: p.role })),
  };
}

/** The unfinished ceremony `ceremonyId`, or a one-line error when the journal holds none open by that ID. */
export function requireUnfinished(journal: Journal, ceremonyId: string): UnfinishedCeremony {
  const u = journal.ceremonies().includes(ceremonyId) ? describeUnfinished(journal, ceremonyId) : null;
  if (!u) throw new ServiceError("CEREMONY_NOT_UNFINISHED", `The journal holds no unfinished ceremony ${ceremonyId}. Choose one listed on the start screen.`);
  return u;
}

/**
 * A ceremony resumes only on the token it ran on: the one chosen must have its serial (its label,
 * where only a label was recorded). A rehearsal's throwaway token did not survive the restart.
 */
export function refuseResumeToken(u: UnfinishedCeremony, chosen: TokenSelector | undefined): TokenSelector {
  if (u.rehearsal) {
    throw new ServiceError(
      "REHEARSAL_NOT_RESUMABLE",
      `Rehearsal ${u.ceremonyId} ran on a throwaway token that did not survive the restart, so it cannot be resumed. Abandon it, then start the rehearsal again.`,
    );
  }
  const needed = u.token.serial !== null ? `token ${u.token.label} serial ${u.token.serial}` : `token ${u.token.label}`;
  if (!chosen) throw new ServiceError("TOKEN_REQUIRED", `Choose the HSM token this ceremony ran on (${needed}).`);
  const same = u.token.serial !== null ? chosen.serial === u.token.serial : chosen.label === u.token.label;
  if (!same) {
    const given = chosen.serial !== undefined ? `${chosen.label} serial ${chosen.serial}` : chosen.label;
    throw new ServiceError("RESUME_WRONG_TOKEN", `Ceremony ${u.ceremonyId} ran on ${needed}, not on ${given}: connect and choose that token to resume it.`);
  }
  return u.token.serial !== null ? { label: chosen.label, serial: u.token.serial } : chosen;
}
