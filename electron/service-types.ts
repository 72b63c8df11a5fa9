/**
 * What main expects from the core (src/api/service.ts, written by the core team):
 *
 *   export function createService(options: ServiceOptions): ServiceImpl | Promise<ServiceImpl>
 *
 * ServiceImpl has one async method per contract channel, taking the parsed request and resolving
 * to the response; it throws CeremonyError for anything the officer should read. main.ts assigns
 * the imported createService to CreateService, so a mismatch is a compile error, not a surprise
 * in the ceremony room.
 */
import type { Contract, ProgressEvent } from "../src/api/contract.ts";
import type { ServiceFor } from "./ipc.ts";

export type ServiceImpl = ServiceFor<Contract>;

export interface ServiceOptions {
  /** Pushes a progress event to every open window (validated against the contract first). */
  onProgress(event: ProgressEvent): void;
  /** A folder only this user can write, for state the core keeps between runs (Electron's userData). */
  dataDir: string;
  /**
   * The ceremony-scripts/ folder shipped with the app. The core is bundled into out/main.cjs, so
   * a path worked out from its own source location would point outside the app.
   */
  ceremonyScriptsDir: string;
}

export type CreateService = (options: ServiceOptions) => ServiceImpl | Promise<ServiceImpl>;
