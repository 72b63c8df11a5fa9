import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { describeFate } from "../../common/key-copies.ts";
import { formatFingerprintPrefix, formatKcv, formatSetId, formatUtcDate } from "../../common/index.ts";
import { HsmError } from "../../hsm/index.ts";
import type { ActionContext, ActionDefinition, OutputValue } from "../action-api.ts";
import { readEscrowBundle } from "./escrow-recover.ts";
import { kcvsByProbe } from "./kek-generate.ts";
import { CopyDeclarationParams } from "./key-copies-list.ts";
import { OLD_CARD_FATES, oldCardCopies, oldCardOutputPrefix, planOldCards, type PreviousSet, REESCROW_TRIGGERS, ReEscrowError, TRIGGER_WORDS } from "./reescrow-common.ts";

const Params = z
  .object({
    keyLabel: z.string().min(1).max(64),
    /** The previous bundle's folder; "" when the set is named by its ID from the key inventory. */
    bundle: z.string().max(4096),
    /** The set ID as printed on the cards (spaces allowed); "" when the bundle alone names it. */
    setId: z.string().regex(/^[0-9A-Fa-f ]*$/, "must be hex digits (spaces allowed)").max(64),
    trigger: z.enum(REESCROW_TRIGGERS),
    reason: z.string().trim().min(1).max(300),
    cardsCollected: CopyDeclarationParams.cardsCollected,
    cardsLost: CopyDeclarationParams.cardsLost,
  })
  .strict()
  .refine((p) => p.bundle !== "" || p.setId.trim() !== "", {
    message: "give the bundle that made the card set being replaced, or (when this workstation's key inventory holds the set) its set ID",
    path: ["bundle"],
  });
type CheckParams = z.infer<typeof Params>;

/**
 * The first thing a re-escrow does, before anything is made: the card set being replaced is read
 * from its bundle (verified, signer recorded) or from this workstation's key inventory, a set ID
 * given must be that set's, the set must not be revoked already, and the KEK on this token must be
 * the key that set escrows (both KCVs, computed on a throwaway copy). The old cards declared
 * handed in or lost are matched against the set now, so a typo stops the ceremony here; and when
 * as many old cards as the set needs are lost, re-escrowing cannot help (the old wrapped key is in
 * every copy of the old bundle), so the ceremony says to rotate the KEK instead.
 */
export const escrowCheckPrevious: ActionDefinition<CheckParams> = {
  type: "escrow.check-previous",
  summary: "Check the card set being replaced against the KEK on this token",
  params: Params as unknown as z.ZodType<CheckParams>,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    const found = p.bundle ? await fromBundle(ctx, p) : fromInventory(ctx, p);
    const standing = ctx.inventory.escrowSet(found.setId);
    if (standing?.revoked && standing.revoked.byCeremony !== ctx.ceremonyId) {
      const r = standing.revoked;
      throw new ReEscrowError(
        "REESCROW_SET_REVOKED",
        `Set ${formatSetId(found.setId)} of ${p.keyLabel} was already revoked by ${r.byCeremony} on ${formatUtcDate(r.at)}; set ${formatSetId(r.supersededBy)} replaced it. Give that ceremony's bundle (or set ${formatSetId(r.supersededBy)}) as the set being replaced.`,
      );
    }

    const hsm = ctx.hsm();
    const keys = (await hsm.call("findObjects", { label: p.keyLabel })).filter((o) => o.class === "secret");
    if (keys.length === 0) {
      throw new HsmError("HSM_KEY_NOT_FOUND", `No secret key labelled "${p.keyLabel}" is on this token. A re-escrow needs the KEK in the HSM; if it is lost, recover it first (key-recovery.yaml).`);
    }
    if (keys.length > 1) {
      throw new ReEscrowError("REESCROW_KEY_AMBIGUOUS", `${keys.length} secret keys are labelled "${p.keyLabel}" on this token; the one to escrow cannot be told apart. Check the token with the ceremony administrator.`);
    }
    const kek = keys[0]!;
    const kcvs = await kcvsByProbe(ctx, kek.handle, await hsm.call("checkValue", kek.handle));
    if (kcvs.kcvEcb0.toUpperCase() !== found.kcvEcb0.toUpperCase() || kcvs.kcvCmac.toUpperCase() !== found.kcvCmac.toUpperCase()) {
      throw new ReEscrowError(
        "REESCROW_KEY_MISMATCH",
        `The key labelled "${p.keyLabel}" on this token has KCVs ${formatKcv(kcvs.kcvEcb0)} / ${formatKcv(kcvs.kcvCmac)}, but set ${formatSetId(found.setId)} escrows a key with KCVs ${formatKcv(found.kcvEcb0)} / ${formatKcv(found.kcvCmac)}: it is not the key those cards hold. Nothing was made; check the token and the bundle.`,
      );
    }

    const cards = oldCardCopies(found, standing?.cards ?? []);
    const plan = planOldCards(cards, p, ctx.ceremonyId);
    if (plan.lost.length >= found.k) {
      throw new ReEscrowError(
        "REESCROW_SET_EXPOSED",
        `${plan.lost.length} cards of set ${formatSetId(found.setId)} are declared lost or exposed, and ${found.k} rebuild its escrow key: with the old wrapped key, which every copy of the old bundle holds, they give the KEK away, and new cards cannot take that back. Rotate the KEK instead (kek-rotation.yaml) and destroy this one.`,
      );
    }

    const body: PreviousSet = {
      ...found,
      keyLabel: p.keyLabel,
      keyId: kek.id,
      kcvEcb0: found.kcvEcb0.toUpperCase(),
      kcvCmac: found.kcvCmac.toUpperCase(),
      trigger: p.trigger,
      reason: p.reason.trim(),
    };
    ctx.record("escrow.previous.checked", body);

    const outputs: Record<string, OutputValue> = {
      previous: {
        label: "Card set being replaced",
        kind: "text",
        value: `set ${formatSetId(found.setId)} of ${p.keyLabel}, ${found.k} of ${found.n} cards, split by ${found.splitByCeremonyId}; ${found.source === "bundle" ? `its bundle verified (signer ${formatFingerprintPrefix(found.bundleSignerSpkiSha256!)})` : "from this workstation's key inventory"}`,
      },
      why: { label: "Why", kind: "text", value: `${TRIGGER_WORDS[p.trigger]}: ${body.reason}` },
      kcvEcb0: { label: "KCV-ECB0 (key on this token = the set's)", kind: "kcv", value: kcvs.kcvEcb0 },
      kcvCmac: { label: "KCV-CMAC (key on this token = the set's)", kind: "kcv", value: kcvs.kcvCmac },
    };
    const fateOf = (card: number): string => {
      if (plan.collected.some((c) => c.card === card)) return OLD_CARD_FATES.collect.sentence;
      if (plan.lost.some((c) => c.card === card)) return OLD_CARD_FATES.lost.sentence;
      const c = cards.find((x) => x.card === card)!;
      return c.status === "present" ? OLD_CARD_FATES.out.sentence : describeFate(c);
    };
    for (const c of cards) {
      outputs[`card${c.card}`] = { label: `Old card ${c.card}`, kind: "text", value: `${oldCardOutputPrefix(c)}${fateOf(c.card)}` };
    }
    return {
      outputs,
      // The KEK's check values and CKA_ID, as a master-key bundle records them: a recovery from this bundle restores the key with its ID.
      facts: [{ kind: "kcv", label: p.keyLabel, details: { kcvEcb0: kcvs.kcvEcb0, kcvCmac: kcvs.kcvCmac, ckaId: kek.id, kcvMethod: kcvs.kcvMethod } }],
    };
  },
};

type FoundSet = Omit<PreviousSet, "keyLabel" | "keyId" | "trigger" | "reason">;

/** Set IDs as escrow.split records them: uppercase hex, no spaces (compared ignoring case). */
function normalisedSetId(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

/** The previous bundle, verified; its set is the one its own split made (a master-key or re-escrow bundle). */
async function fromBundle(ctx: ActionContext, p: CheckParams): Promise<FoundSet> {
  const dir = isAbsolute(p.bundle) ? p.bundle : resolve(ctx.scriptDir, p.bundle);
  const source = await readEscrowBundle(dir, p.keyLabel, ctx.bundleChecks);
  const asked = normalisedSetId(p.setId);
  if (asked && asked !== source.setId.toUpperCase()) {
    throw new ReEscrowError(
      "REESCROW_SET_MISMATCH",
      `The bundle at ${dir} escrows ${p.keyLabel} in set ${formatSetId(source.setId)}, not in set ${formatSetId(asked)}. Give the bundle of the set printed on the cards being replaced.`,
    );
  }
  return {
    setId: source.setId.toUpperCase(),
    k: source.k,
    n: source.n,
    kcvEcb0: source.kcvEcb0,
    kcvCmac: source.kcvCmac,
    wrappedSha256: source.wrappedSha256,
    wrappedPath: source.wrappedPath,
    splitByCeremonyId: source.ceremonyId,
    bundleCeremonyId: source.ceremonyId,
    bundleScriptId: source.scriptId,
    bundleSignerSpkiSha256: source.signerSpkiSha256,
    source: "bundle",
    cards: source.cards,
  };
}

/** The set as this workstation's key inventory recorded it (from the ceremony that split it, or a bundle it read). */
function fromInventory(ctx: ActionContext, p: CheckParams): FoundSet {
  const setId = normalisedSetId(p.setId);
  const set = ctx.inventory.escrowSet(setId);
  if (!set) {
    throw new ReEscrowError(
      "REESCROW_SET_UNKNOWN",
      `This workstation's key inventory holds no escrow set ${formatSetId(setId)}. Give the bundle that made it (previousBundle); it is verified and read instead.`,
    );
  }
  if (set.keyLabel !== p.keyLabel) {
    throw new ReEscrowError("REESCROW_SET_MISMATCH", `Set ${formatSetId(setId)} escrows ${set.keyLabel}, not ${p.keyLabel}. Check the key label and the set ID printed on the cards.`);
  }
  return {
    setId,
    k: set.k,
    n: set.n,
    kcvEcb0: set.kcvEcb0,
    kcvCmac: set.kcvCmac,
    wrappedSha256: set.wrappedSha256,
    wrappedPath: set.wrappedPath,
    splitByCeremonyId: set.ceremonyId,
    bundleCeremonyId: null,
    bundleScriptId: null,
    bundleSignerSpkiSha256: null,
    source: "inventory",
    cards: set.cards.map((c) => ({ card: c.card, holder: c.holder, fingerprint: c.fingerprint })),
  };
}
