/** Where attestation PIN hashes live while a ceremony runs: never in an event. */
import type { PinCredential } from "./participants.ts";

export interface CredentialStore {
  put(ceremonyId: string, participantId: string, credential: PinCredential): void;
  get(ceremonyId: string, participantId: string): PinCredential | undefined;
  /** Forgets a finished ceremony's credentials. */
  clear(ceremonyId: string): void;
}

export class MemoryCredentialStore implements CredentialStore {
  private readonly map = new Map<string, PinCredential>();
  put(c: string, p: string, cred: PinCredential): void {
    this.map.set(`${c}/${p}`, cred);
  }
  get(c: string, p: string): PinCredential | undefined {
    return this.map.get(`${c}/${p}`);
  }
  clear(c: string): void {
    for (const k of [...this.map.keys()]) if (k.startsWith(`${c}/`)) this.map.delete(k);
  }
}
