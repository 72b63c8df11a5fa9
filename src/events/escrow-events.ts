/** Escrow: the split into cards, their delivery and read-back, trial and real recovery. */
import { z } from "zod";
import { hex, participantId, sha256Hex } from "./shared.ts";

// Strings, not hex: a token without CKA_CHECK_VALUE records how its KCV was found instead.
const kcvs = { kcvEcb0: z.string(), kcvCmac: z.string() };
/** How the escrow blob was wrapped, proven per token by a known-answer test (v2). */
const wrapRecord = { wrapAlgorithm: z.string().optional(), wrapMechanism: z.string().optional(), wrapProof: z.string().optional() };

export const escrowEvents = {
  "escrow.split": z.strictObject({
    keyLabel: z.string(),
    setId: hex,
    k: z.number().int().min(1),
    n: z.number().int().min(1),
    ...kcvs,
    wrappedSha256: sha256Hex,
    wrappedPath: z.string(),
    ...wrapRecord,
    cards: z.array(
      z.strictObject({ card: z.number().int().min(1), participantId, holder: z.string(), fingerprint: sha256Hex, x: z.number().int().min(1).max(255) }),
    ),
    cardDestination: z.string(),
  }),
  /** One card left for its holder; `setId` (v2) names the split it belongs to. */
  "escrow.card.delivered": z.strictObject({ keyLabel: z.string(), setId: hex.optional(), card: z.number().int().min(1), participantId, destination: z.string() }),
  /**
   * A split must be redone (a printer jam, a crash while printing): one of the step's witnesses
   * attests that every card of the old set already delivered was collected for destruction (v2).
   */
  "escrow.set.void-attested": z.strictObject({ keyLabel: z.string(), setId: hex, participantId }),
  /**
   * The old set is void: the cards of it that had been delivered, and the witnesses who attested
   * they were collected for destruction (v2). Only then may the step make a new set.
   */
  "escrow.set.voided": z.strictObject({
    keyLabel: z.string(),
    setId: hex,
    deliveredCards: z.array(z.strictObject({ card: z.number().int().min(1), participantId, fingerprint: sha256Hex })),
    attesters: z.array(participantId).min(1),
  }),
  /** A holder's card was read back from paper and matched what was printed. */
  "share.verified": z.strictObject({ keyLabel: z.string(), card: z.number().int().min(1), participantId }),
  /**
   * During the read-back step, one holder's card matched what was printed for them (v2). The
   * board shows it after a reload or restart, and the step's action counts it without the words
   * being typed again.
   */
  "share.read-back": z.strictObject({ keyLabel: z.string(), setId: z.string(), card: z.number().int().min(1), participantId }),
  "escrow.trial-recovered": z.strictObject({ keyLabel: z.string(), cardsUsed: z.number().int().min(1), ...kcvs }),
  "recovery.source": z.strictObject({
    bundleCeremonyId: z.string(),
    bundleSignerSpkiSha256: sha256Hex,
    keyLabel: z.string(),
    setId: hex,
    k: z.number().int().min(1),
    n: z.number().int().min(1),
    ...kcvs,
    wrappedSha256: sha256Hex,
    wrapFormat: z.string().optional(),
    wrapMechanismRecorded: z.string().optional(),
    wrapMechanismUsed: z.string().optional(),
    wrapProof: z.string().optional(),
  }),
  /**
   * Re-escrow (v2): the card set being replaced, as its bundle (verified) or this workstation's key
   * inventory shows it, checked against the KEK on the ceremony's token (both KCVs) before anything
   * is made. `bundle*` are null when the set came from the inventory.
   */
  "escrow.previous.checked": z.strictObject({
    keyLabel: z.string(),
    /** CKA_ID of the KEK on this token. */
    keyId: hex,
    setId: hex,
    k: z.number().int().min(1),
    n: z.number().int().min(1),
    ...kcvs,
    wrappedSha256: sha256Hex,
    wrappedPath: z.string(),
    /** The ceremony that split the set (its bundle holds the wrapped key). */
    splitByCeremonyId: z.string(),
    bundleCeremonyId: z.string().nullable(),
    bundleScriptId: z.string().nullable(),
    bundleSignerSpkiSha256: sha256Hex.nullable(),
    source: z.enum(["bundle", "inventory"]),
    cards: z.array(z.strictObject({ card: z.number().int().min(1), holder: z.string(), fingerprint: sha256Hex })),
    trigger: z.enum(["holder-left", "card-lost", "card-exposed", "holders-changed"]),
    reason: z.string().min(1),
  }),
  /**
   * Re-escrow (v2): the old card set is revoked and the set split in this ceremony supersedes it,
   * with its wrapped key. A recovery given the old set's bundle is refused from then on, wherever
   * this bundle or a key inventory that recorded it is at hand.
   */
  "escrow.set.revoked": z.strictObject({
    keyLabel: z.string(),
    setId: hex,
    ...kcvs,
    /** The old wrapped key, superseded by the new set's. */
    wrappedSha256: sha256Hex,
    splitByCeremonyId: z.string(),
    supersededBySetId: hex,
    supersededByWrappedSha256: sha256Hex,
    trigger: z.enum(["holder-left", "card-lost", "card-exposed", "holders-changed"]),
    reason: z.string().min(1),
    /** Card numbers of the old set: handed in and destroyed here, declared lost, or still out. */
    collected: z.array(z.number().int().min(1)),
    lost: z.array(z.number().int().min(1)),
    outstanding: z.array(z.number().int().min(1)),
  }),
  "escrow.recovered": z.strictObject({
    keyLabel: z.string(),
    id: hex,
    cardsUsed: z.number().int().min(1),
    ...kcvs,
    origin: z.string(),
  }),
};
