/** Where attestation PIN hashes live while a ceremony runs: never in an event. */
import type { PinCredential } from "./participants.ts";

export interface CredentialStore {
  put(ceremonyId: string, participantId: string, credential: PinCredential): void;
  get(ceremonyId: string, participantId: string): PinCredential | undefined;
  /** Forgets a finished ceremony's credentials. */
  clear(ceremonyId: string): void;
}
