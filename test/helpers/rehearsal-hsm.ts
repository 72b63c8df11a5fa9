/** Opens an HsmClient on a fresh rehearsal SoftHSM2 token, logged in as the user. */
import { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, HsmClient, type RehearsalEnvironment } from "../../src/hsm/index.ts";

export interface RehearsalHsm {
  env: RehearsalEnvironment;
  client: HsmClient;
  close(): Promise<void>;
}

export async function openRehearsalHsm(labels: string[] = ["test-token"]): Promise<RehearsalHsm> {
  const env = await createRehearsalEnvironment(labels.map((label) => ({ label })));
  const client = await HsmClient.open({ modulePath: env.modulePath, env: env.env });
  await client.call("openToken", { label: labels[0]! });
  await client.login("user", Buffer.from(DEFAULT_REHEARSAL_PINS.userPin));
  return {
    env,
    client,
    async close() {
      await client.close();
      await env.cleanup();
    },
  };
}
