import { ProgressEvent } from "../src/api/contract.ts";
import { PROGRESS_CHANNEL } from "./channels.ts";

/** The part of a webContents that progress is sent through. */
export interface ProgressTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/**
 * Sends one progress event to every open window. The event is parsed first, so only the fields
 * the contract declares cross to the renderer; a malformed event is dropped rather than thrown
 * back into the core, whose HSM work must not fail because a progress note was wrong.
 * Returns whether the event was valid.
 */
export function forwardProgress(targets: Iterable<ProgressTarget>, event: unknown): boolean {
  const parsed = ProgressEvent.safeParse(event);
  if (!parsed.success) return false;
  for (const target of targets) {
    if (!target.isDestroyed()) target.send(PROGRESS_CHANNEL, parsed.data);
  }
  return true;
}
