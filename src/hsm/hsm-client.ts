/**
 * The HSM as the rest of the app sees it: an async proxy to the worker that owns the PKCS#11
 * module. Requests run one at a time in order; while one takes long (RSA-4096 generation takes
 * minutes on USB HSMs) the client reports what is running and for how long.
 */
import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import { wipe } from "../errors.ts";
import { asKnownCode } from "../errors/registry.ts";
import { HsmError } from "./errors.ts";
import type { CapabilityMask } from "./capability-mask.ts";
import type { FaultPlan } from "./fault-injector.ts";
import type { Pkcs11Backend } from "./pkcs11-backend.ts";
import type { BackendMethod, ModuleLoad, WorkerRequest, WorkerResponse } from "./worker.ts";

export const SOFTHSM2_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

type Result<M extends BackendMethod> = Pkcs11Backend[M] extends (...a: never[]) => infer R ? R : never;
type Args<M extends BackendMethod> = Pkcs11Backend[M] extends (...a: infer A) => unknown ? A : never;

export interface HsmBusy {
  operation: BackendMethod;
  elapsedMs: number;
}

export interface HsmClientOptions {
  modulePath?: string;
  /** The module's initialisation string (`--module-args`), e.g. NSS softokn's configdir=…. */
  moduleArgs?: string;
  /**
   * Environment the module reads at C_Initialize (e.g. SOFTHSM2_CONF). PKCS#11 libraries read the
   * process environment, so it is set on this process before the worker loads the module.
   */
  env?: Record<string, string>;
  faults?: FaultPlan;
  /** Tests only: make the module look less capable than it is (capability-mask.ts). */
  mask?: CapabilityMask;
  /** How often a running operation is reported, in ms. */
  progressIntervalMs?: number;
}

interface Pending {
  method: BackendMethod;
  startedAt: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const WORKER_BOOT = new URL("./worker-boot.mjs", import.meta.url);
const WORKER_ENTRY = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);

/**
 * The worker thread of a client closed cleanly (its module finalized and unloaded), kept for the
 * next open in this process. Starting a worker thread is a new V8 isolate and Node environment,
 * ~45 ms of CPU on the 2-core test machine, more than loading SoftHSM2 in it; a retry after a
 * device loss, preflight then the ceremony, and the fault matrix's hundreds of replugs each open
 * the module again. The next client loads its module in this thread afresh (worker.ts "load"),
 * so a replug is still a new module load. A worker whose close failed is ended instead, as is a
 * second spare. Unreferenced while kept: it never holds the process open.
 */
let spare: { worker: Worker; forget: () => void } | null = null;

/**
 * Request IDs, unique in the process rather than per client: a thread passes from one client to
 * the next, and an answer still on its way to the closed client must never match a request of
 * the next one. (The next client's "load" request, 0, is answered to no one.)
 */
let nextRequestId = 1;

// Only listeners this file added are removed: Worker keeps its own on itself (they start and
// reference its message port as "message" listeners come and go).
function takeSpare(): Worker | null {
  const kept = spare;
  spare = null;
  if (!kept) return null;
  kept.worker.off("exit", kept.forget).off("error", kept.forget);
  kept.worker.ref();
  return kept.worker;
}

function keepSpare(worker: Worker): boolean {
  if (spare) return false;
  const forget = (): void => {
    if (spare?.worker === worker) spare = null;
  };
  worker.on("exit", forget).on("error", forget);
  worker.unref();
  spare = { worker, forget };
  return true;
}

export class HsmClient extends EventEmitter<{ busy: [HsmBusy]; idle: [] }> {
  readonly modulePath: string;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private exited = false;

  private constructor(options: HsmClientOptions) {
    super();
    this.modulePath = options.modulePath ?? SOFTHSM2_MODULE;
    for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;
    const load: ModuleLoad = { modulePath: this.modulePath, moduleArgs: options.moduleArgs, faults: options.faults, mask: options.mask };
    const reused = takeSpare();
    this.worker = reused ?? new Worker(WORKER_BOOT, { workerData: { entry: WORKER_ENTRY.href, ...load } });
    // A reused thread loads the module now; a failed load is reported by the first request (open's listTokens).
    if (reused) this.worker.postMessage({ id: 0, method: "load", args: [load] } satisfies WorkerRequest);
    this.worker.on("message", this.onMessage).on("error", this.onError).on("exit", this.onExit);
    const interval = options.progressIntervalMs ?? 500;
    this.progressInterval = interval;
  }
  private readonly progressInterval: number;
  private readonly onMessage = (m: WorkerResponse): void => this.settle(m);
  private readonly onError = (e: Error): void =>
    this.failAll(new HsmError("HSM_WORKER_EXITED", `The HSM worker failed: ${e.message}. Reconnect the HSM and choose Retry; if it repeats, restart the application.`));
  private readonly onExit = (): void => {
    this.exited = true;
    this.failAll(new HsmError("HSM_WORKER_EXITED", "The HSM connection was closed. Reconnect the HSM and choose Retry."));
  };

  /** The worker thread the module runs in (a thread kept from a closed client is used again). */
  get threadId(): number {
    return this.worker.threadId;
  }

  /** Loads the module in a worker (a new one, or the spare a closed client left) and checks that it initialises. */
  static async open(options: HsmClientOptions = {}): Promise<HsmClient> {
    const client = new HsmClient(options);
    try {
      await client.call("listTokens");
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  call<M extends BackendMethod>(method: M, ...args: Args<M>): Promise<Result<M>> {
    // Key bytes handed to importAesKey move to the worker like a PIN: transferred, not copied,
    // and the caller's buffer is wiped before this returns.
    const { sent, transfer } = method === "importAesKey" ? moveKeyBytes(args) : { sent: args as unknown[], transfer: [] };
    if (this.exited) {
      for (const t of transfer) wipe(new Uint8Array(t));
      return Promise.reject(new HsmError("HSM_WORKER_EXITED", "The HSM connection is closed. Reconnect and retry."));
    }
    const id = nextRequestId++;
    const request: WorkerRequest = { id, method, args: sent };
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { method, startedAt: Date.now(), resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(request, transfer);
      this.startProgress();
    });
  }

  /**
   * Logs in with the PIN the officer typed. The bytes move to the worker (transferred, not
   * copied) and the caller's buffer is wiped before this returns.
   */
  login(role: "user" | "so", pin: Uint8Array): Promise<void> {
    const moved = new Uint8Array(pin);
    wipe(pin);
    if (this.exited) {
      wipe(moved);
      return Promise.reject(new HsmError("HSM_WORKER_EXITED", "The HSM connection is closed. Reconnect and retry."));
    }
    const id = nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { method: "login", startedAt: Date.now(), resolve: () => resolve(), reject });
      this.worker.postMessage({ id, method: "login", args: [role, moved] } satisfies WorkerRequest, [moved.buffer]);
      this.startProgress();
    });
  }

  private startProgress(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const oldest = this.pending.values().next().value;
      if (oldest) this.emit("busy", { operation: oldest.method, elapsedMs: Date.now() - oldest.startedAt });
    }, this.progressInterval);
    this.timer.unref();
  }

  private settle(message: WorkerResponse): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(revive(message.value));
    else pending.reject(new HsmError(asKnownCode(message.error.code), message.error.message, message.error.method, { advice: message.error.advice }));
    if (this.pending.size === 0) this.stopProgress();
  }

  private stopProgress(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.emit("idle");
    }
  }

  private failAll(error: HsmError): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.stopProgress();
  }

  /** Finalizes and unloads the module; the worker thread is kept for the next open (see `spare`) or ended. Safe to call twice. */
  async close(): Promise<void> {
    if (this.exited) return;
    let closed = false;
    try {
      await this.call("close");
      closed = true;
    } catch {
      // A removed device may fail C_Finalize; the worker ends regardless.
    }
    if (this.exited) return;
    // From here this client is closed, as if its worker had exited, whether or not the thread is kept.
    this.onExit();
    if (closed) {
      this.worker.off("message", this.onMessage).off("error", this.onError).off("exit", this.onExit);
      if (keepSpare(this.worker)) return;
    }
    await this.worker.terminate();
  }
}

/** importAesKey's arguments with the key bytes in a buffer of their own to transfer; the caller's are wiped. */
function moveKeyBytes(args: readonly unknown[]): { sent: unknown[]; transfer: ArrayBuffer[] } {
  const [request, ...rest] = args as [{ value: Uint8Array }, ...unknown[]];
  const moved = new Uint8Array(request.value);
  wipe(request.value);
  return { sent: [{ ...request, value: moved }, ...rest], transfer: [moved.buffer] };
}

/** Structured clone turns Buffers into Uint8Arrays; the API promises Buffers. */
function revive(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}
