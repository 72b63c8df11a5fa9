import { describe, expect, it } from "vitest";
import { contract } from "../../../src/api/contract.ts";
import { CeremonyError } from "../../../src/errors.ts";
import { loadService, missingChannels, unavailableService } from "../../../electron/service-loader.ts";
import { createService as missingCore } from "../../../electron/service-missing.ts";
import type { ServiceImpl, ServiceOptions } from "../../../electron/service-types.ts";

const options: ServiceOptions = { onProgress: () => {}, dataDir: "/tmp/ceremony-user-data", ceremonyScriptsDir: "/opt/ceremony/ceremony-scripts" };

/** A complete service built from the contract's channel list, answering with the channel's name. */
function completeService(): ServiceImpl {
  return Object.fromEntries(Object.keys(contract).map((channel) => [channel, async () => channel])) as unknown as ServiceImpl;
}

async function failureOf(service: ServiceImpl): Promise<unknown> {
  const first = Object.keys(contract)[0] as keyof ServiceImpl;
  return (service[first] as (request: unknown) => Promise<unknown>)({}).catch((error: unknown) => error);
}

describe("loadService", () => {
  it("returns the core's service and passes it the options", async () => {
    const service = completeService();
    let received: ServiceOptions | undefined;
    const loaded = await loadService(async () => ({ createService: (o) => ((received = o), service) }), options);
    expect(loaded).toEqual({ service });
    expect(received).toBe(options);
  });

  it("keeps the app usable when the core cannot be imported, and shows the renderer no raw message", async () => {
    const importError = new Error("pkcs11js.node was compiled against NODE_MODULE_VERSION 115");
    const loaded = await loadService(async () => { throw importError; }, options);
    expect(loaded.startupError).toBe(importError);
    const failure = await failureOf(loaded.service);
    expect(failure).toBeInstanceOf(CeremonyError);
    expect(failure).toMatchObject({ code: "SERVICE_FAILED" });
    expect((failure as Error).message).not.toContain("NODE_MODULE_VERSION");
  });

  it("passes on the stub's own explanation when the build had no core", async () => {
    const loaded = await loadService(async () => ({ createService: missingCore }), options);
    expect(await failureOf(loaded.service)).toMatchObject({ code: "SERVICE_MISSING" });
  });

  it("refuses a core that lacks a channel, naming it", async () => {
    const partial = { ...completeService() } as Partial<ServiceImpl>;
    const dropped = Object.keys(contract)[0] as keyof ServiceImpl;
    delete partial[dropped];
    const loaded = await loadService(async () => ({ createService: () => partial as ServiceImpl }), options);
    const failure = await failureOf(loaded.service);
    expect(failure).toMatchObject({ code: "SERVICE_INCOMPLETE" });
    expect((failure as Error).message).toContain(dropped);
  });
});

describe("missingChannels and unavailableService", () => {
  it("lists every channel for something that is not an object", () => {
    expect(missingChannels(undefined)).toEqual(Object.keys(contract));
    expect(missingChannels(completeService())).toEqual([]);
  });

  it("answers every channel with the same reason", async () => {
    const reason = new CeremonyError("SERVICE_FAILED", "no core");
    const service = unavailableService(reason);
    expect(Object.keys(service)).toEqual(Object.keys(contract));
    for (const channel of Object.keys(contract)) {
      await expect((service[channel as keyof ServiceImpl] as (r: unknown) => Promise<unknown>)({})).rejects.toBe(reason);
    }
  });
});
