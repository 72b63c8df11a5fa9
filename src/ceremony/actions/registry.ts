/** The fixed registry of actions a script may name (one file each). */
import type { ActionDefinition } from "../action-api.ts";
import { airgapCheck } from "./airgap-check.ts";
import { hsmLogin } from "./hsm-login.ts";
import { kekGenerate } from "./kek-generate.ts";
import { keyDestroy } from "./key-destroy.ts";
import { keyGeneratePair } from "./key-generate-pair.ts";
import { transcriptEnsureSigner } from "./transcript-signer.ts";

const actions: Array<ActionDefinition<never>> = [
  airgapCheck,
  hsmLogin,
  keyGeneratePair,
  transcriptEnsureSigner,
  kekGenerate,
  keyDestroy,
] as Array<ActionDefinition<never>>;

export const actionRegistry: ReadonlyMap<string, ActionDefinition<unknown>> = new Map(
  actions.map((a) => [a.type, a as unknown as ActionDefinition<unknown>]),
);
