/** The ceremonies in a journal that were stopped: an abort requested (and witnessed), or the aborted transcript signed. */
import type { Journal } from "../journal/index.ts";

export function abortedCeremonyIds(journal: Pick<Journal, "ceremonies" | "events">): Set<string> {
  return new Set(journal.ceremonies().filter((id) => journal.events(id).some((e) => e.type === "ceremony.abort-requested" || e.type === "ceremony.aborted")));
}

/** The aborted ceremony that made a key, when the key is not destroyed: the key must be adopted or destroyed. */
export function abortedMaker(key: { createdByCeremony: string | null }, status: string, aborted: ReadonlySet<string>): string | null {
  return status !== "destroyed" && key.createdByCeremony !== null && aborted.has(key.createdByCeremony) ? key.createdByCeremony : null;
}
