/**
 * What the preload exposes as window.ceremony, built without touching Electron so the tests can
 * check it: one function per contract channel that forwards its single request argument, and
 * onProgress. The renderer gets neither ipcRenderer nor any IPC event object, only payloads.
 */
import type { CeremonyApi, Channel, ProgressEvent } from "../src/api/contract.ts";
import { PROGRESS_CHANNEL } from "./channels.ts";

export type ProgressListener = (event: ProgressEvent) => void;

/**
 * window.ceremony's type. The renderer may not import electron/, so this is the shape it should
 * declare for itself from CeremonyApi and ProgressEvent.
 */
export type CeremonyBridge = CeremonyApi & {
  /** Calls `listener` with each progress event; returns a function that stops it. */
  onProgress(listener: ProgressListener): () => void;
};

type IpcListener = (event: unknown, payload: unknown) => void;

/** The part of ipcRenderer the bridge uses. */
export interface RendererIpc {
  invoke(channel: string, request: unknown): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export function buildCeremonyBridge(channels: readonly Channel[], ipc: RendererIpc): CeremonyBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of channels) {
    // Exactly one argument crosses, whatever the caller passes; main refuses more.
    bridge[channel] = (request: unknown) => ipc.invoke(channel, request);
  }
  bridge.onProgress = (listener: ProgressListener) => {
    const forward: IpcListener = (_event, payload) => listener(payload as ProgressEvent);
    ipc.on(PROGRESS_CHANNEL, forward);
    return () => {
      ipc.removeListener(PROGRESS_CHANNEL, forward);
    };
  };
  // contextBridge copies this object into the page and freezes the copy.
  return bridge as CeremonyBridge;
}
