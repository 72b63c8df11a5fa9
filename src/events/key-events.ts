/**
 * Key destruction: what was found and the proof that it is gone; and every copy of the key
 * (tokens, share cards, wrapped blobs), how each was accounted for, and the verdict
 * (docs/architecture.md, "Key copies"); key rotation: which key replaced which.
 */
import { z } from "zod";
import { COPY_STATUSES } from "../common/key-copies.ts";
import { hex, sha256Hex } from "./shared.ts";

const fate = { status: z.enum(COPY_STATUSES), by: z.string().nullable(), at: z.string().nullable(), note: z.string().nullable() };

export const keyCopy = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("token"), tokenSerial: z.string(), tokenLabel: z.string(), id: hex, origin: z.string().nullable(), ...fate }),
  z.strictObject({ kind: z.literal("card"), setId: hex, card: z.number().int().min(1), holder: z.string(), fingerprint: sha256Hex, ...fate }),
  z.strictObject({ kind: z.literal("wrapped-key"), setId: hex, sha256: sha256Hex, path: z.string(), ceremonyId: z.string(), ...fate }),
]);

/** Which key: its label and its check values (secret key) or SPKI fingerprint (key pair); null where unknown. */
const keyIdentity = { label: z.string(), kcvEcb0: z.string().nullable(), kcvCmac: z.string().nullable(), spkiSha256: sha256Hex.nullable() };

const rotatedKey = z.strictObject({
  label: z.string(),
  id: hex,
  tokenSerial: z.string(),
  /** The key's fingerprint: "SPKI <sha256>" for a key pair, "KCV <ecb0>/<cmac>" for a secret key. */
  identity: z.string(),
});

export const keyEvents = {
  /**
   * A rotation ceremony's record that `successor` replaces `old`: the inventory links them, and
   * `destroyBy` (UTC ISO-8601, after the script's overlap) is when the old key is to be destroyed,
   * or null when it is kept (an old root still signs CRLs for what it issued).
   */
  "key.superseded": z.strictObject({
    old: rotatedKey,
    successor: rotatedKey,
    overlapDays: z.number().int().min(0).nullable(),
    destroyBy: z.string().nullable(),
  }),
  "key.destroying": z.strictObject({ label: z.string(), id: hex, objects: z.array(z.string()) }),
  "key.destroyed": z.strictObject({ label: z.string(), id: hex, proof: z.string() }),
  /**
   * Every copy known before anything is destroyed (v2): from the key inventory and from the
   * bundles the officer gave (each verified; named with its ceremony and signer).
   */
  "key.copies.listed": z.strictObject({
    ...keyIdentity,
    copies: z.array(keyCopy),
    bundles: z.array(z.strictObject({ dir: z.string(), ceremonyId: z.string(), scriptId: z.string(), signerSpkiSha256: sha256Hex })),
  }),
  /** One copy other than the token's own, accounted for under witness in this ceremony (v2): its new fate. */
  "key.copy.accounted": z.strictObject({ label: z.string(), copy: keyCopy }),
  /** The verdict (v2): every listed copy with its fate at the end, and whether all are accounted for. */
  "key.copies.accounted": z.strictObject({
    label: z.string(),
    verdict: z.enum(["destroyed", "partly-destroyed", "not-destroyed"]),
    copies: z.array(keyCopy),
  }),
};
