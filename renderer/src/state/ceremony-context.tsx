/**
 * The open ceremony as the core last described it, shared by every screen of this window.
 * Other windows (the witness projector) change it too, so the view is refreshed on progress
 * events and polled; a reply older than what is shown is dropped, so a slow poll never undoes
 * a newer answer.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { CeremonyView } from "../../../src/api/contract.ts";
import { bridge, call } from "../api/ceremony-client.ts";

const POLL_MS = 2000;

export interface CeremonyState {
  /** Undefined until the first answer; null when no ceremony is open. */
  view: CeremonyView | null | undefined;
  /** Shows a view an action returned. */
  accept(view: CeremonyView | null): void;
  refresh(): Promise<void>;
}

const Context = createContext<CeremonyState | null>(null);

function isNewer(next: CeremonyView | null, current: CeremonyView | null | undefined): boolean {
  if (!next || !current) return true;
  return next.ceremonyId !== current.ceremonyId || next.eventCount >= current.eventCount;
}

export function CeremonyProvider({ children }: { children: ReactNode }) {
  const [view, setView] = useState<CeremonyView | null | undefined>(undefined);
  const latest = useRef<CeremonyView | null | undefined>(undefined);
  // Bumped by every answer to an action. A poll sent before that answer may describe the
  // ceremony before it (even a previous ceremony, before a new start), so it is dropped.
  const epoch = useRef(0);

  const show = useCallback((next: CeremonyView | null) => {
    if (!isNewer(next, latest.current)) return;
    latest.current = next;
    setView(next);
  }, []);

  const accept = useCallback(
    (next: CeremonyView | null) => {
      epoch.current++;
      show(next);
    },
    [show],
  );

  const refresh = useCallback(async () => {
    const sentAt = epoch.current;
    try {
      const next = await call("ceremony:state", {});
      if (sentAt === epoch.current) show(next);
    } catch {
      // A failed poll changes nothing on screen; the next one or the next action tells.
    }
  }, [show]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    const stop = bridge()?.onProgress((event) => {
      if (event.kind === "step-changed" || event.kind === "journal-head") void refresh();
    });
    return () => {
      window.clearInterval(timer);
      stop?.();
    };
  }, [refresh]);

  const value = useMemo(() => ({ view, accept, refresh }), [view, accept, refresh]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useCeremony(): CeremonyState {
  const state = useContext(Context);
  if (!state) throw new Error("useCeremony outside CeremonyProvider");
  return state;
}

/** The open ceremony's view; only for screens that are shown when one is open. */
export function useOpenCeremony(): { view: CeremonyView; accept: CeremonyState["accept"]; refresh: CeremonyState["refresh"] } {
  const { view, accept, refresh } = useCeremony();
  if (!view) throw new Error("useOpenCeremony without an open ceremony");
  return { view, accept, refresh };
}
