/**
 * The fault injector the fault matrix (npm run test:faults) relies on: it wraps the real module,
 * so a load with a plan far away works normally (it once failed at load: native methods called
 * through the Proxy threw "Illegal invocation"); the Nth call fails with the chosen code and,
 * when sticky, every call after it; a fresh load is clean again.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";

let env: RehearsalEnvironment;
beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "faulty" }]);
});
afterAll(async () => {
  await env.cleanup();
});

test("a plan that never triggers leaves the module working", async () => {
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env, faults: { failAtCall: 1_000_000, code: "CKR_DEVICE_ERROR" } });
  try {
    await client.call("openToken", { label: "faulty" });
    await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
    expect((await client.call("random", 16)).length).toBe(16);
  } finally {
    await client.close();
  }
});

test("the Nth call fails with the chosen CKR_ code, and sticky faults stay until a fresh load", async () => {
  // Calls 1..4 are made by open: C_Initialize, C_GetSlotList, and C_GetTokenInfo for the token's
  // slot and SoftHSM2's empty slot. Call 5 is the C_GetSlotList of the next listing.
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env, faults: { failAtCall: 5, code: "CKR_DEVICE_REMOVED", sticky: true } });
  try {
    const first = await client.call("listTokens").catch((e: unknown) => e);
    expect(first).toMatchObject({ code: "CKR_DEVICE_REMOVED", method: "C_GetSlotList" });
    expect((first as Error).message).toMatch(/The HSM was removed\. Plug it back in/);
    await expect(client.call("listTokens")).rejects.toMatchObject({ code: "CKR_DEVICE_REMOVED" });
  } finally {
    await client.close();
  }
  const replugged = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    expect((await replugged.call("listTokens")).some((t) => t.label === "faulty")).toBe(true);
  } finally {
    await replugged.close();
  }
});

test("a fault that is not sticky fails one call only", async () => {
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env, faults: { failAtCall: 5, code: "CKR_SESSION_HANDLE_INVALID" } });
  try {
    await expect(client.call("listTokens")).rejects.toMatchObject({ code: "CKR_SESSION_HANDLE_INVALID" });
    expect((await client.call("listTokens")).length).toBeGreaterThan(0);
  } finally {
    await client.close();
  }
});
