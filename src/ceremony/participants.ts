/**
 * Participants and their attestation PINs. A PIN is kept only as a salted scrypt hash, in the
 * journal database's credential table — never in an event, so never in the transcript.
 */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { CeremonyError, wipe } from "../errors.ts";
import type { Role } from "./roles.ts";

export interface Participant {
  id: string;
  name: string;
  role: Role;
  organisation: string;
  /** Job title, when given at sign-in ("CISO"): what named-witness requirements are checked against. */
  title?: string;
}

export interface PinCredential {
  salt: string;
  hash: string;
  /** scrypt cost parameters, kept with the hash so they can change later. */
  n: number;
  r: number;
  p: number;
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * How hard a PIN's hash is to compute. "standard" for every PIN a person types. "scripted" only
 * for a rehearsal's scripted participants (the demo, `ceremony rehearse`), whose PINs are written
 * in the demo's code or the parameters file for anyone to read: a costly hash would protect
 * nothing there, and the demo checks some 240 attestations (about 14 s of CPU at the standard cost,
 * a quarter of a second at the scripted one).
 */
export type PinHashCost = "standard" | "scripted";
const COST_N: Record<PinHashCost, number> = { standard: SCRYPT.N, scripted: 1 << 10 };

export class AttestationPinError extends CeremonyError {}

export function newParticipantId(): string {
  return `p-${randomUUID().slice(0, 8)}`;
}

export function checkPinStrength(pin: Buffer): void {
  if (pin.length < 6) {
    throw new AttestationPinError("ATTESTATION_PIN_TOO_SHORT", "An attestation PIN must have at least 6 characters. Choose a longer one.");
  }
}

export function hashPin(pin: Buffer, cost: PinHashCost = "standard"): PinCredential {
  try {
    checkPinStrength(pin);
    const salt = randomBytes(16);
    const N = COST_N[cost];
    const hash = scryptSync(pin, salt, 32, { ...SCRYPT, N });
    return { salt: salt.toString("hex"), hash: hash.toString("hex"), n: N, r: SCRYPT.r, p: SCRYPT.p };
  } finally {
    wipe(pin);
  }
}

export function pinMatches(pin: Buffer, credential: PinCredential): boolean {
  try {
    const expected = Buffer.from(credential.hash, "hex");
    const actual = scryptSync(pin, Buffer.from(credential.salt, "hex"), expected.length, {
      N: credential.n,
      r: credential.r,
      p: credential.p,
      maxmem: SCRYPT.maxmem,
    });
    return timingSafeEqual(actual, expected);
  } finally {
    wipe(pin);
  }
}
