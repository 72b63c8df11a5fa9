/**
 * A closed client's worker thread is used again by the next open (src/hsm/hsm-client.ts, `spare`):
 * the next module load in it is a fresh load (a replug after a fault is clean), one thread is kept
 * at most, a thread whose module could not be closed or loaded is ended instead, and a kept
 * thread never holds the process open.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../../src/hsm/index.ts";
import { createNssToken, NSS_TOKEN_LABEL } from "../../helpers/nss-token.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
let env: RehearsalEnvironment;
beforeAll(async () => {
  env = await createRehearsalEnvironment([{ label: "reuse" }]);
});
afterAll(async () => {
  await env.cleanup();
});

async function usable(client: HsmClient): Promise<void> {
  await client.call("openToken", { label: "reuse" });
  await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
  expect((await client.call("random", 16)).length).toBe(16);
}

test("the next open runs in the closed client's thread, and the closed client refuses calls", async () => {
  const first = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  await usable(first);
  const thread = first.threadId;
  await first.close();
  await expect(first.call("listTokens")).rejects.toMatchObject({ code: "HSM_WORKER_EXITED" });
  const second = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    expect(second.threadId).toBe(thread);
    // The token's session and login did not carry over: the module was loaded afresh.
    await expect(second.call("random", 16)).rejects.toThrow();
    await usable(second);
  } finally {
    await second.close();
  }
});

test("a replug in a reused thread is a clean load: the removed device's sticky fault is gone", async () => {
  const pulled = await HsmClient.open({ modulePath: env.modulePath, env: env.env, faults: { failAtCall: 5, code: "CKR_DEVICE_REMOVED", sticky: true } });
  const thread = pulled.threadId;
  await expect(pulled.call("listTokens")).rejects.toMatchObject({ code: "CKR_DEVICE_REMOVED" });
  await pulled.close();
  const replugged = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    expect(replugged.threadId).toBe(thread);
    await usable(replugged);
  } finally {
    await replugged.close();
  }
});

test("one thread is kept: of two clients (SoftHSM2 and NSS softokn) closed, the second's thread ends", async () => {
  const nss = await createNssToken();
  try {
    const a = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
    const b = await HsmClient.open({ modulePath: nss.modulePath, moduleArgs: nss.moduleArgs });
    const [ta, tb] = [a.threadId, b.threadId];
    expect(ta).not.toBe(tb);
    await a.close();
    await b.close();
    const c = await HsmClient.open({ modulePath: nss.modulePath, moduleArgs: nss.moduleArgs });
    const d = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
    try {
      expect(c.threadId).toBe(ta);
      expect([ta, tb]).not.toContain(d.threadId);
      expect((await c.call("listTokens")).some((t) => t.label === NSS_TOKEN_LABEL)).toBe(true);
      await usable(d);
    } finally {
      await c.close();
      await d.close();
    }
  } finally {
    await nss.cleanup();
  }
});

test("a module that does not load in a reused thread is reported, and that thread is not kept", async () => {
  const good = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  const thread = good.threadId;
  await good.close();
  await expect(HsmClient.open({ modulePath: "/nonexistent/libpkcs11.so" })).rejects.toMatchObject({ code: "HSM_MODULE_LOAD_FAILED" });
  const next = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  try {
    expect(next.threadId).not.toBe(thread);
    await usable(next);
  } finally {
    await next.close();
  }
});

test("a kept thread does not hold the process open: a script that opens and closes the HSM ends by itself", () => {
  const script = join(env.dir, "open-and-close.mts");
  writeFileSync(
    script,
    `import { HsmClient } from ${JSON.stringify(resolve(ROOT, "src/hsm/index.ts"))};
const client = await HsmClient.open(${JSON.stringify({ modulePath: env.modulePath, env: env.env })});
await client.close();
console.log("closed");`,
  );
  const started = Date.now();
  // A bound for a hung process on a loaded machine; the script takes about a second.
  const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  expect(run.stdout.trim(), run.stderr).toBe("closed");
  expect(run.status).toBe(0);
  expect(run.signal, `still running after ${Date.now() - started} ms`).toBeNull();
});
