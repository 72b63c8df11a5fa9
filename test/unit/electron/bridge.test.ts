import { describe, expect, it } from "vitest";
import { contract, type Channel } from "../../../src/api/contract.ts";
import { buildCeremonyBridge, type RendererIpc } from "../../../electron/bridge.ts";
import { PROGRESS_CHANNEL } from "../../../electron/channels.ts";

type IpcListener = (event: unknown, payload: unknown) => void;

class FakeIpcRenderer implements RendererIpc {
  readonly invocations: unknown[][] = [];
  readonly listeners = new Map<string, IpcListener[]>();
  async invoke(...args: unknown[]): Promise<unknown> {
    this.invocations.push(args);
    return { ok: true, value: "answer" };
  }
  on(channel: string, listener: IpcListener): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }
  removeListener(channel: string, listener: IpcListener): void {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
  }
  /** What main's webContents.send does: the listener gets an IPC event and the payload. */
  push(channel: string, payload: unknown): void {
    const event = { sender: this, senderFrame: "the IPC event object" };
    for (const listener of this.listeners.get(channel) ?? []) listener(event, payload);
  }
}

const channels = Object.keys(contract) as Channel[];

describe("buildCeremonyBridge", () => {
  it("exposes one function per contract channel and onProgress, nothing else", () => {
    const bridge = buildCeremonyBridge(channels, new FakeIpcRenderer());
    expect(Object.keys(bridge).sort()).toEqual([...channels, "onProgress"].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe("function");
  });

  it("does not leak ipcRenderer through any property", () => {
    const ipc = new FakeIpcRenderer();
    const bridge = buildCeremonyBridge(channels, ipc);
    expect(Object.values(bridge)).not.toContain(ipc);
    expect(Object.values(bridge)).not.toContain(ipc.invoke);
  });

  it.each(channels)("forwards %s as invoke(channel, request) and returns main's answer", async (channel) => {
    const ipc = new FakeIpcRenderer();
    const call = buildCeremonyBridge(channels, ipc)[channel] as (...args: unknown[]) => Promise<unknown>;
    expect(await call({ label: "root-2025" })).toEqual({ ok: true, value: "answer" });
    expect(ipc.invocations).toEqual([[channel, { label: "root-2025" }]]);
  });

  it("sends exactly one argument even when the caller passes more", async () => {
    const ipc = new FakeIpcRenderer();
    const [first] = channels;
    const call = buildCeremonyBridge(channels, ipc)[first as Channel] as (...args: unknown[]) => Promise<unknown>;
    await call({}, "extra", "args");
    expect(ipc.invocations).toEqual([[first, {}]]);
  });

  it("hands progress listeners the payload only, never the IPC event", () => {
    const ipc = new FakeIpcRenderer();
    const received: unknown[][] = [];
    buildCeremonyBridge(channels, ipc).onProgress((...args: unknown[]) => received.push(args));
    ipc.push(PROGRESS_CHANNEL, { kind: "hsm-busy", operation: "generateKeyPair", elapsedMs: 1500 });
    expect(received).toEqual([[{ kind: "hsm-busy", operation: "generateKeyPair", elapsedMs: 1500 }]]);
  });

  it("stops calling a progress listener once it unsubscribes", () => {
    const ipc = new FakeIpcRenderer();
    const received: unknown[] = [];
    const bridge = buildCeremonyBridge(channels, ipc);
    const stop = bridge.onProgress((event) => received.push(event.kind));
    const other = bridge.onProgress((event) => received.push(`other ${event.kind}`));
    ipc.push(PROGRESS_CHANNEL, { kind: "hsm-busy" });
    stop();
    ipc.push(PROGRESS_CHANNEL, { kind: "hsm-idle" });
    other();
    ipc.push(PROGRESS_CHANNEL, { kind: "step-changed" });
    expect(received).toEqual(["hsm-busy", "other hsm-busy", "other hsm-idle"]);
  });
});
