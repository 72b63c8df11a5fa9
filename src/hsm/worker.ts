/**
 * The HSM worker: owns the one Pkcs11Backend of the module load in use and answers requests from
 * hsm-client.ts one at a time, in order. Long PKCS#11 calls block only this thread. It loads the
 * module named in its workerData when it starts; once "close" has finalized and unloaded that
 * module, a "load" request loads a module afresh (the next HsmClient reusing this thread).
 */
import { parentPort, workerData } from "node:worker_threads";
import { CeremonyError, type AdviceKind } from "../errors.ts";
import { adviceKindOf } from "../errors/registry.ts";
import { HsmError } from "./errors.ts";
import { Pkcs11Backend, type Pkcs11Module } from "./pkcs11-backend.ts";
import { capabilityMask, type CapabilityMask } from "./capability-mask.ts";
import { faultInjector, type FaultPlan } from "./fault-injector.ts";

export type BackendMethod = Exclude<keyof Pkcs11Backend, "modulePath">;

export interface WorkerRequest {
  id: number;
  method: BackendMethod | "load";
  args: unknown[];
}

/** What a module load needs: the module, its initialisation string, and the test-only wrappers. */
export interface ModuleLoad {
  modulePath: string;
  moduleArgs?: string;
  faults?: FaultPlan;
  mask?: CapabilityMask;
}

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; code: string; message: string; advice: AdviceKind; method?: string } };

const port = parentPort;
if (!port) throw new Error("worker.ts must run in a worker thread");
let backend: Pkcs11Backend | null = null;
/** Why there is no backend: the load failed (reported by the next request), or the module was closed. */
let loadError: unknown = null;

function load({ modulePath, moduleArgs, faults, mask }: ModuleLoad): void {
  backend = null;
  loadError = null;
  try {
    backend = new Pkcs11Backend(modulePath, {
      ...(moduleArgs !== undefined ? { moduleArgs } : {}),
      ...(faults || mask
        ? { wrapModule: (m: Pkcs11Module) => (faults ? faultInjector(faults) : (x: Pkcs11Module) => x)(mask ? capabilityMask(mask)(m) : m) }
        : {}),
    });
  } catch (e) {
    loadError = e;
  }
}

load(workerData as ModuleLoad);

port.on("message", (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    if (request.method === "load") {
      // Only once the module in use was closed: one thread never holds two loads of a module.
      if (backend) throw new Error("the HSM worker already has a module loaded");
      load(request.args[0] as ModuleLoad);
      response = { id: request.id, ok: true, value: undefined };
    } else {
      if (!backend) throw loadError;
      const fn = backend[request.method] as unknown;
      if (typeof fn !== "function" || request.method.startsWith("_")) throw new Error(`unknown HSM method ${request.method}`);
      const value = (fn as (...a: unknown[]) => unknown).apply(backend, request.args);
      if (request.method === "close") {
        backend = null;
        loadError = new HsmError("HSM_WORKER_EXITED", "The HSM connection is closed. Reconnect and retry.");
      }
      response = { id: request.id, ok: true, value };
    }
  } catch (e) {
    const err = e as Partial<HsmError> & Error;
    response = {
      id: request.id,
      ok: false,
      error: {
        name: err instanceof CeremonyError ? err.name : "HsmError",
        code: err instanceof CeremonyError ? err.code : "HSM_INTERNAL",
        message: err?.message ?? String(e),
        advice: err instanceof CeremonyError ? err.advice : adviceKindOf("HSM_INTERNAL"),
        ...(err?.method ? { method: err.method } : {}),
      },
    };
  }
  port.postMessage(response);
});
