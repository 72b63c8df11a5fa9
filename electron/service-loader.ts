import { contract, type Channel } from "../src/api/contract.ts";
import { CeremonyError } from "../src/errors.ts";
import type { CreateService, ServiceImpl, ServiceOptions } from "./service-types.ts";

export type CoreModule = { createService: CreateService };

export type LoadedService = { service: ServiceImpl; startupError?: unknown };

/**
 * Starts the core. When it cannot start (a native module built for the wrong Electron, a missing
 * file, a service without some channel), the app still opens and every channel answers with a
 * CeremonyError saying so; main shows the detailed reason in its own dialog and log, so the
 * renderer never receives a raw error message. `importCore` is main's dynamic import of the
 * core, so its load errors are caught here too.
 */
export async function loadService(importCore: () => Promise<CoreModule>, options: ServiceOptions): Promise<LoadedService> {
  try {
    const core = await importCore();
    const service = await core.createService(options);
    const missing = missingChannels(service);
    if (missing.length > 0) {
      throw new CeremonyError(
        "SERVICE_INCOMPLETE",
        `This build's core does not implement ${missing.join(", ")}. Do not use it in a ceremony: rebuild it from a complete source tree.`,
      );
    }
    return { service };
  } catch (error) {
    const reason =
      error instanceof CeremonyError
        ? error
        : new CeremonyError(
            "SERVICE_FAILED",
            "The core of the application could not start, so no ceremony operation is available. " +
              "The reason was shown when the application opened and is in its log; check the installation (docs/packaging.md).",
          );
    return { service: unavailableService(reason), startupError: error };
  }
}

/** Channels of the contract for which `candidate` has no function. */
export function missingChannels(candidate: unknown): Channel[] {
  const channels = Object.keys(contract) as Channel[];
  if (typeof candidate !== "object" || candidate === null) return channels;
  const record = candidate as Record<string, unknown>;
  return channels.filter((channel) => typeof record[channel] !== "function");
}

/** A service whose every channel fails with `reason`, built from the contract's channel list. */
export function unavailableService(reason: CeremonyError): ServiceImpl {
  const service: Partial<Record<Channel, () => Promise<never>>> = {};
  for (const channel of Object.keys(contract) as Channel[]) service[channel] = () => Promise.reject(reason);
  return service as Record<Channel, () => Promise<never>>;
}
