export * from "./constants.ts";
export * from "./errors.ts";
export * from "./types.ts";
export * from "./public-key.ts";
export { HsmClient, SOFTHSM2_MODULE, type HsmBusy, type HsmClientOptions } from "./hsm-client.ts";
export { HsmSigner, mechanismFor } from "./hsm-signer.ts";
export { createRehearsalEnvironment, DEFAULT_REHEARSAL_PINS, type RehearsalEnvironment, type TokenEnvironment } from "./rehearsal-token.ts";
export type { FaultPlan } from "./fault-injector.ts";
export { RFC5649_VECTOR, wrapMechanismName, type WrapChoice } from "./key-wrap-choice.ts";
