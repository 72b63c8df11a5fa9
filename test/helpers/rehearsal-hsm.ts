/**
 * Opens an HsmClient on a fresh throwaway token, logged in as the user: SoftHSM2 (a rehearsal
 * token) or NSS softokn (a fresh NSS database), so that the HSM layer's tests run on both.
 */
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type HsmClientOptions } from "../../src/hsm/index.ts";
import { createNssToken } from "./nss-token.ts";

export const HSM_IMPLEMENTATIONS = ["SoftHSM2", "NSS softokn"] as const;
export type HsmImplementation = (typeof HSM_IMPLEMENTATIONS)[number];

/** What a test needs to reach the token again, from this process or a child (CLI, pkcs11-tool). */
export interface TestTokenEnvironment {
  implementation: HsmImplementation;
  dir: string;
  modulePath: string;
  /** NSS softokn's init string (`--module-args`); absent for SoftHSM2. */
  moduleArgs?: string;
  /** Process environment the module reads (SOFTHSM2_CONF); empty for NSS. */
  env: Record<string, string>;
  tokens: Array<{ label: string; serial: string; userPin: string }>;
  cleanup(): Promise<void>;
}

export interface RehearsalHsm {
  env: TestTokenEnvironment;
  client: HsmClient;
  /** The token's label as the module reports it (NSS softokn's is fixed: "NSS Certificate DB"). */
  tokenLabel: string;
  close(): Promise<void>;
}

/** A fresh token of the given implementation; SoftHSM2 tokens get the labels asked for. */
export async function createTestToken(implementation: HsmImplementation, labels: string[] = ["test-token"]): Promise<TestTokenEnvironment> {
  if (implementation === "NSS softokn") {
    const nss = await createNssToken();
    return { implementation, dir: nss.dir, modulePath: nss.modulePath, moduleArgs: nss.moduleArgs, env: {}, tokens: nss.tokens, cleanup: nss.cleanup };
  }
  const env = await createRehearsalEnvironment(labels.map((label) => ({ label })));
  return { implementation, dir: env.dir, modulePath: env.modulePath, env: env.env, tokens: env.tokens, cleanup: env.cleanup };
}

/** HsmClient.open options for this token. */
export function clientOptions(env: TestTokenEnvironment): HsmClientOptions {
  return { modulePath: env.modulePath, env: env.env, ...(env.moduleArgs !== undefined ? { moduleArgs: env.moduleArgs } : {}) };
}

export async function openRehearsalHsm(labels: string[] = ["test-token"], implementation: HsmImplementation = "SoftHSM2"): Promise<RehearsalHsm> {
  const env = await createTestToken(implementation, labels);
  const client = await HsmClient.open(clientOptions(env));
  const token = env.tokens[0]!;
  await client.call("openToken", { label: token.label });
  await client.login("user", Buffer.from(implementation === "SoftHSM2" ? DEFAULT_REHEARSAL_PINS.userPin : token.userPin));
  return {
    env,
    client,
    tokenLabel: token.label,
    async close() {
      await client.close();
      await env.cleanup();
    },
  };
}
