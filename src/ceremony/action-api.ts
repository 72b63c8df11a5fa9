/**
 * What an action (src/ceremony/actions/*.ts) sees and returns. Actions do one thing each and
 * are written so that running them again after a crash finds what they already did.
 */
import type { z } from "zod";
import type { EventBody, EventType, OutputValue } from "../events/index.ts";
import type { HsmClient, TokenInfo } from "../hsm/index.ts";
import type { EscrowCopyFate, EscrowCopyRef, EscrowSetInput, EscrowSetRecord, InventoryKey, JournalEvent, KeyInput, KeyRecord, KeyRef, KeyWithCopies, Supersession } from "../journal/index.ts";
import type { ExtraCheck } from "../transcript/index.ts";
import type { Participant } from "./participants.ts";

export type { OutputValue };

/**
 * The events an action may record itself; the engine's own (steps, attestations, artifacts,
 * facts, the token's login) are written by the runner, never by an action.
 */
const ACTION_EVENT_TYPES = [
  "airgap.checked",
  "hsm.object.intent",
  "hsm.object.created",
  "hsm.object.reused",
  "hsm.object.left",
  "escrow.split",
  "escrow.card.delivered",
  "share.verified",
  "escrow.trial-recovered",
  "recovery.source",
  "escrow.recovered",
  "escrow.previous.checked",
  "escrow.set.revoked",
  "key.destroying",
  "key.destroyed",
  "key.copies.listed",
  "key.copy.accounted",
  "key.copies.accounted",
  "key.superseded",
  "pki.linted",
  "pki.crl-number.taken",
] as const satisfies readonly EventType[];
export type ActionEventType = (typeof ACTION_EVENT_TYPES)[number];

export function isActionEventType(type: string): type is ActionEventType {
  return (ACTION_EVENT_TYPES as readonly string[]).includes(type);
}

/** A public file the action produced, destined for the bundle (certs/, crl/, csr/, escrow/). */
export interface Artifact {
  path: string;
  base64: string;
  sha256: string;
  /** Transcript output kind. */
  kind: "certificate" | "crl" | "csr" | "public-key" | "wrapped-key";
  label: string;
  details: Record<string, string>;
}

/** A share typed or scanned by a holder, as text; never journaled. */
export interface ShareInput {
  participantId: string;
  text: string;
}

export interface ActionInputs {
  /** The HSM PIN the officer typed; wiped by the HSM layer after login. */
  hsmPin?: Buffer;
  shares?: ShareInput[];
  /** A file chosen on removable media, e.g. a CSR; read by the service, passed as bytes. */
  file?: { name: string; bytes: Buffer };
}

/** Where share cards go: the printer, the rehearsal print/ folder, or an explicit save. */
export interface CardSink {
  readonly description: string;
  deliver(card: { holder: Participant; index: number; fileName: string; pdf: Buffer }): Promise<void>;
}

export interface ActionContext {
  ceremonyId: string;
  stepIndex: number;
  stepId: string;
  performer: Participant;
  rehearsal: boolean;
  participants: Participant[];
  now(): Date;
  inputs: ActionInputs;
  /** The open, logged-in HSM session (the hsm.login action is the one that opens it). */
  hsm(): HsmClient;
  token(): TokenInfo;
  /** The login action hands the PIN to the HSM through this. */
  login(pin: Buffer): Promise<TokenInfo>;
  record<T extends ActionEventType>(type: T, body: EventBody<T>): void;
  events(): ReadonlyArray<JournalEvent>;
  /** An output of an earlier step, by step id and output name. */
  output(stepId: string, name: string): OutputValue | undefined;
  /** A public artifact an earlier step produced, by bundle path. */
  artifact(path: string): Buffer | undefined;
  inventory: {
    upsertKey(key: KeyInput): KeyRecord;
    /** `at` and `note` for a copy destroyed away from this ceremony's token (a bundle's proof, a declaration). */
    markDestroyed(key: KeyRef, ceremonyId: string, options?: { at?: string; note?: string | null }): KeyRecord;
    /** An escrow set and its cards: the key's copies that are not on a token. */
    recordEscrowSet(set: EscrowSetInput): void;
    markEscrowCopy(ref: EscrowCopyRef, fate: EscrowCopyFate): void;
    /** A re-escrow revokes the old set, superseded by the set it made. */
    revokeEscrowSet(setId: string, revocation: { ceremonyId: string; at: string; supersededBy: string; reason: string }): void;
    /** One escrow set with its cards and revocation, or null when this inventory does not know it. */
    escrowSet(setId: string): EscrowSetRecord | null;
    listKeysWithCopies(options?: { now?: Date }): KeyWithCopies[];
    /** A rotation: the old key is replaced by its successor and, when given, scheduled for destruction. */
    supersede(supersession: Supersession): KeyRecord;
    nextCrlNumber(issuerLabel: string, options?: { atLeast?: bigint }): bigint;
    /** The number nextCrlNumber would return now, without taking it (for the preview). */
    peekCrlNumber(issuerLabel: string): bigint;
    listKeys(options?: { now?: Date }): InventoryKey[];
  };
  cards: CardSink;
  /** The engine's extra checks for any bundle an action reads (the script's own rules). */
  bundleChecks: readonly ExtraCheck[];
  /** Lints the script chose to skip, by name (recorded). */
  scriptDir: string;
}

export interface ActionResult {
  outputs: Record<string, OutputValue>;
  artifacts?: Artifact[];
  /** Facts for the transcript's outputs that are not files (KCVs, share fingerprints). */
  facts?: Array<{ kind: "kcv" | "share-fingerprints" | "key-destroyed" | "public-key"; label: string; details: Record<string, string> }>;
}

/** One line of what an action is about to do, shown to witnesses before the HSM acts. Never secret. */
export interface PreviewItem {
  label: string;
  value: string;
}

export interface ActionDefinition<P = unknown> {
  type: string;
  summary: string;
  params: z.ZodType<P>;
  /** Inputs a person must provide before the action runs. */
  needs: Array<"hsm-pin" | "shares" | "file">;
  /** Needs a logged-in HSM session (every action but the air-gap check and hsm.login). */
  usesHsm: boolean;
  /**
   * For an action that signs, destroys or creates a key: exactly what it will do (label and full
   * ID, subject and validity, serials to revoke), computed without touching the HSM, which the
   * step's witnesses attest before `run` may act (docs/architecture.md, "Confirm, then act").
   */
  preview?(ctx: ActionContext, params: P): Promise<PreviewItem[]>;
  /** For share inputs: how many (all holders for read-back, k for recovery). */
  run(ctx: ActionContext, params: P): Promise<ActionResult>;
}
