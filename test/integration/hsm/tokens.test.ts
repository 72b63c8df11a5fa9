import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, HsmError } from "../../../src/hsm/index.ts";

const run = promisify(execFile);

test("tokens are listed with label, serial, manufacturer, model, firmware and flags, and chosen by label", async () => {
  const env = await createRehearsalEnvironment([{ label: "alpha" }, { label: "beta" }]);
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    const tokens = (await client.call("listTokens")).filter((t) => t.flags.initialized);
    expect(tokens.map((t) => t.label).sort()).toEqual(["alpha", "beta"]);
    const beta = tokens.find((t) => t.label === "beta")!;
    expect(beta).toMatchObject({ manufacturer: "SoftHSM project", model: "SoftHSM v2", serial: env.tokens[1]!.serial });
    expect(beta.firmware).toMatch(/^\d+\.\d+$/);
    expect(beta.flags).toMatchObject({ initialized: true, loginRequired: true, userPinLocked: false });
    const opened = await client.call("openToken", { label: "beta", serial: beta.serial });
    expect(opened.serial).toBe(beta.serial);
    await expect(client.call("openToken", { label: "beta", serial: "0000" })).rejects.toMatchObject({ code: "HSM_TOKEN_NOT_FOUND" });
    await expect(client.call("openToken", { label: "gamma" })).rejects.toThrow(/No token labelled "gamma".*alpha/);
  } finally {
    await client.close();
    await env.cleanup();
  }
});

test("a wrong PIN is reported with the token's retry state and is never retried", async () => {
  const env = await createRehearsalEnvironment([{ label: "pin-test" }]);
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    await client.call("openToken", { label: "pin-test" });
    const pin = Buffer.from("not-the-pin");
    const error = (await client.login("user", pin).catch((e: unknown) => e)) as HsmError;
    expect(error).toBeInstanceOf(HsmError);
    expect(error.code).toBe("CKR_PIN_INCORRECT");
    expect(error.message).toMatch(/Nothing was retried/);
    expect(error.message).toMatch(/The token (reports|now reports)/);
    expect(error.message).not.toContain("not-the-pin");
    expect(pin.every((b) => b === 0)).toBe(true);
    // The right PIN still works: exactly one attempt was spent.
    await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
    const [token] = (await client.call("listTokens")).filter((t) => t.label === "pin-test");
    expect(token!.flags.userPinLocked).toBe(false);
  } finally {
    await client.close();
    await env.cleanup();
  }
});

test("the PIN buffer handed to login is wiped even when login succeeds", async () => {
  const env = await createRehearsalEnvironment([{ label: "wipe-test" }]);
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    await client.call("openToken", { label: "wipe-test" });
    const pin = Buffer.from(DEFAULT_REHEARSAL_PINS.userPin);
    await client.login("user", pin);
    expect(pin.every((b) => b === 0)).toBe(true);
  } finally {
    await client.close();
    await env.cleanup();
  }
});

test("a rehearsal environment is gone after cleanup", async () => {
  const env = await createRehearsalEnvironment([{ label: "gone" }]);
  expect(existsSync(env.env.SOFTHSM2_CONF)).toBe(true);
  await env.cleanup();
  expect(existsSync(env.dir)).toBe(false);
});

test("two rehearsals in parallel do not see each other's tokens", async () => {
  const [a, b] = await Promise.all([
    createRehearsalEnvironment([{ label: "parallel-a" }]),
    createRehearsalEnvironment([{ label: "parallel-b" }]),
  ]);
  try {
    // Each PKCS#11 module load is per process, so each rehearsal lists from its own process.
    const list = async (env: typeof a) =>
      (await run("pkcs11-tool", ["--module", env.modulePath, "--list-token-slots"], { env: { ...process.env, ...env.env } })).stdout;
    const [outA, outB] = await Promise.all([list(a), list(b)]);
    expect(outA).toContain("parallel-a");
    expect(outA).not.toContain("parallel-b");
    expect(outB).toContain("parallel-b");
    expect(outB).not.toContain("parallel-a");
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});

test("a missing module gives a clear error naming the path", async () => {
  await expect(HsmClient.open({ modulePath: "/nonexistent/libpkcs11.so" })).rejects.toMatchObject({
    code: "HSM_MODULE_LOAD_FAILED",
    message: expect.stringContaining("/nonexistent/libpkcs11.so"),
  });
});

test("the driving thread stays responsive while the worker generates an RSA-4096 key, and progress is reported", async () => {
  const env = await createRehearsalEnvironment([{ label: "busy" }]);
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env, progressIntervalMs: 50 });
  try {
    await client.call("openToken", { label: "busy" });
    await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
    const busy: number[] = [];
    client.on("busy", (b) => busy.push(b.elapsedMs));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    await client.call("generateKeyPair", { label: "rsa-busy", algorithm: "RSA-4096", purpose: "signing" });
    clearInterval(ticker);
    const elapsed = Date.now() - started;
    // The main thread kept running its timers and receiving progress during generation: a
    // blocked loop runs no timer until the call returns. How many ticks a 10 ms timer gets in
    // is up to the machine's load, so the test asks only that the loop ran.
    if (elapsed > 200) {
      expect(ticks).toBeGreaterThan(0);
      expect(busy.length).toBeGreaterThan(0);
    }
  } finally {
    await client.close();
    await env.cleanup();
  }
});

test("the security officer logs in with the SO PIN; a wrong SO PIN reports the SO retry state", async () => {
  const env = await createRehearsalEnvironment([{ label: "so-test" }]);
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    await client.call("openToken", { label: "so-test" });
    const wrong = (await client.login("so", Buffer.from("wrong-so-pin")).catch((e: unknown) => e)) as HsmError;
    expect(wrong.code).toBe("CKR_PIN_INCORRECT");
    expect(wrong.message).toMatch(/The token (reports|now reports)/);
    await client.login("so", Buffer.from(DEFAULT_REHEARSAL_PINS.soPin));
    // The SO cannot use keys: generating a private key as SO is refused by the token.
    await expect(client.call("generateKeyPair", { label: "so-key", algorithm: "EC-P256", purpose: "signing" })).rejects.toBeInstanceOf(HsmError);
  } finally {
    await client.close();
    await env.cleanup();
  }
});
