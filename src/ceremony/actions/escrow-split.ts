import { createHash } from "node:crypto";
import { z } from "zod";
import { formatKcv, formatSetId } from "../../common/index.ts";
import { wipe } from "../../errors.ts";
import { combineShares, decodeShare, SET_ID_LENGTH, splitEscrowKey, wipeDecodedShares } from "../../escrow/index.ts";
import { lastEventOfType } from "../../events/index.ts";
import { HsmError } from "../../hsm/index.ts";
import { renderShareCard } from "../../print/index.ts";
import type { ActionContext, ActionDefinition } from "../action-api.ts";
import { ROLE_TITLES } from "../roles.ts";
import { fingerprintOutput } from "./common.ts";
import { ShareReadBackError } from "./escrow-common.ts";

const Params = z
  .object({
    keyLabel: z.string().min(1).max(64),
    k: z.number().int().min(2).max(255),
    n: z.number().int().min(2).max(255),
  })
  .strict()
  .refine((p) => p.k <= p.n, { message: "must not exceed the number of cards printed (n): a recovery cannot need more cards than exist", path: ["k"] });

/**
 * Escrow: a one-time 32-byte escrow key from the HSM's generator is imported as a session
 * object, the KEK is wrapped under it (RFC 5649), the wrapped copy is unwrapped once more into
 * a KCV probe to compute and check both KCVs, and the escrow key is split k-of-n onto one card
 * per share holder. Then the escrow key is wiped and destroyed. Only fingerprints, the wrapped
 * blob and KCVs are recorded.
 */
export const escrowSplit: ActionDefinition<z.infer<typeof Params>> = {
  type: "escrow.split",
  summary: "Wrap the KEK under a one-time escrow key and split that key onto share cards",
  params: Params as unknown as z.ZodType<z.infer<typeof Params>>,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    const holders = ctx.participants.filter((x) => x.role === "share-holder");
    if (holders.length !== p.n) {
      throw new ShareReadBackError(
        "ESCROW_HOLDERS",
        `The script splits into ${p.n} shares, but ${holders.length} share holders signed in. Each card goes to one holder; sign in exactly ${p.n}.`,
      );
    }
    const hsm = ctx.hsm();
    const [kek] = (await hsm.call("findObjects", { label: p.keyLabel })).filter((o) => o.class === "secret");
    if (!kek) throw new HsmError("HSM_KEY_NOT_FOUND", `No secret key labelled "${p.keyLabel}" is on the token; generate it first.`);
    // The KEK's own KCV: the token's CKA_CHECK_VALUE, else the one its generation recorded (by the KCV probe).
    const kekKcv = (await hsm.call("checkValue", kek.handle)) ?? recordedKcv(ctx, p.keyLabel, kek.id);
    const wrap = await hsm.call("escrowWrapMechanism");

    const escrowKey = await hsm.call("random", 32);
    const handles: string[] = [];
    let shares;
    let wrapped: Buffer;
    let kcvs: { kcvEcb0: string; kcvCmac: string };
    try {
      const transport = await hsm.call("importAesKey", { value: Buffer.from(escrowKey), label: `escrow-transport-${ctx.ceremonyId}`, use: "escrow-transport" });
      handles.push(transport.handle);
      wrapped = await hsm.call("wrapKey", transport.handle, kek.handle);
      const probe = await hsm.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kcv-probe", label: `kcv-probe-${ctx.ceremonyId}` });
      handles.push(probe.handle);
      kcvs = await hsm.call("probeKcv", probe.handle);
      if (kekKcv !== null && kcvs.kcvEcb0 !== kekKcv) {
        throw new HsmError("ESCROW_KCV_MISMATCH", `The wrapped copy unwraps to KCV ${formatKcv(kcvs.kcvEcb0)}, but the KEK's KCV is ${formatKcv(kekKcv)}. The escrow is not usable; abort.`);
      }
      // A re-escrow: the key wrapped again must be the one the old set escrows (checked earlier in this ceremony).
      const previous = lastEventOfType(ctx.events(), "escrow.previous.checked", (e) => e.body.keyLabel === p.keyLabel)?.body;
      if (previous && (kcvs.kcvEcb0.toUpperCase() !== previous.kcvEcb0.toUpperCase() || kcvs.kcvCmac.toUpperCase() !== previous.kcvCmac.toUpperCase())) {
        throw new HsmError(
          "ESCROW_KCV_MISMATCH",
          `The key wrapped now has KCVs ${formatKcv(kcvs.kcvEcb0)} / ${formatKcv(kcvs.kcvCmac)}, but the card set being replaced escrows ${formatKcv(previous.kcvEcb0)} / ${formatKcv(previous.kcvCmac)}. Nothing was printed; abort.`,
        );
      }
      const setId = await hsm.call("random", SET_ID_LENGTH);
      shares = await splitEscrowKey(escrowKey, { k: p.k, n: p.n, setId });
      // Self-check before anything is printed: the first k cards decode and combine to the escrow key.
      const decoded = shares.slice(0, p.k).map((s, i) => decodeShare(s.qrText, { label: `card ${i + 1}` }));
      try {
        const combined = await combineShares(decoded);
        const same = Buffer.from(combined).equals(escrowKey);
        wipe(combined);
        if (!same) throw new ShareReadBackError("ESCROW_SPLIT_SELF_CHECK_FAILED", "The shares just made do not combine back to the escrow key. Nothing was printed; abort the ceremony and report it.");
      } finally {
        wipeDecodedShares(decoded);
      }
    } finally {
      wipe(escrowKey);
      for (const h of handles) await hsm.call("destroyObject", h).catch(() => undefined);
    }

    const wrappedSha256 = createHash("sha256").update(wrapped).digest("hex");
    const wrappedPath = `escrow/${p.keyLabel}.wrapped`;
    const cards = holders.map((h, i) => ({ card: i + 1, participantId: h.id, holder: h.name, fingerprint: shares[i]!.fingerprint, x: shares[i]!.index }));
    ctx.record("escrow.split", {
      keyLabel: p.keyLabel,
      setId: shares[0]!.setId,
      k: p.k,
      n: p.n,
      kcvEcb0: kcvs.kcvEcb0,
      kcvCmac: kcvs.kcvCmac,
      wrappedSha256,
      wrappedPath,
      wrapAlgorithm: wrap.algorithm,
      wrapMechanism: wrap.mechanismName,
      wrapProof: wrap.proof,
      cards,
      cardDestination: ctx.cards.description,
    });

    const date = ctx.now().toISOString();
    for (const [i, holder] of holders.entries()) {
      const s = shares[i]!;
      const pdf = await renderShareCard({
        rehearsal: ctx.rehearsal,
        ceremonyId: ctx.ceremonyId,
        ceremonyDate: date,
        keyLabel: p.keyLabel,
        kcvEcb0: kcvs.kcvEcb0,
        kcvCmac: kcvs.kcvCmac,
        holder: { name: holder.name, role: ROLE_TITLES[holder.role], organisation: holder.organisation },
        // The card shows its card number (1..n); the Shamir x-coordinate is inside the words.
        share: { index: i + 1, k: s.k, n: s.n, setId: s.setId, words: s.words, qrText: s.qrText, fingerprint: s.fingerprint },
        wrappedKey: { hex: wrapped.toString("hex"), sha256: wrappedSha256 },
      });
      await ctx.cards.deliver({ holder, index: i + 1, fileName: cardFileName(i + 1, s.setId, holder.name), pdf });
      pdf.fill(0);
      ctx.record("escrow.card.delivered", { keyLabel: p.keyLabel, setId: s.setId, card: i + 1, participantId: holder.id, destination: ctx.cards.description });
      // A copy of the key from now on: the card, and the wrapped key printed on it (a set whose
      // cards never left the printer after a crash is no copy at all).
      ctx.inventory.recordEscrowSet({
        setId: s.setId,
        keyLabel: p.keyLabel,
        kcvEcb0: kcvs.kcvEcb0,
        kcvCmac: kcvs.kcvCmac,
        k: p.k,
        n: p.n,
        wrappedSha256,
        wrappedPath,
        ceremonyId: ctx.ceremonyId,
        recordedAt: date,
        cards: [{ card: i + 1, holder: holder.name, fingerprint: s.fingerprint }],
      });
    }

    return {
      outputs: {
        split: { label: "Escrow split", kind: "text", value: `${p.k} of ${p.n} cards needed; set ${formatSetId(shares[0]!.setId)}` },
        kcvEcb0: { label: "KCV-ECB0", kind: "kcv", value: kcvs.kcvEcb0 },
        kcvCmac: { label: "KCV-CMAC", kind: "kcv", value: kcvs.kcvCmac },
        wrapped: fingerprintOutput("Wrapped key SHA-256", wrappedSha256),
      },
      artifacts: [
        {
          path: wrappedPath,
          base64: wrapped.toString("base64"),
          sha256: wrappedSha256,
          kind: "wrapped-key",
          label: p.keyLabel,
          details: {
            mechanism: "AES key wrap with padding (RFC 5649)",
            pkcs11Mechanism: wrap.mechanismName,
            mechanismProof: wrap.proof,
            kcvEcb0: kcvs.kcvEcb0, kcvCmac: kcvs.kcvCmac, setId: shares[0]!.setId, k: String(p.k), n: String(p.n) },
        },
      ],
      facts: [
        {
          kind: "share-fingerprints",
          label: p.keyLabel,
          details: Object.fromEntries([
            ["setId", shares[0]!.setId],
            ["k", String(p.k)],
            ["n", String(p.n)],
            ...cards.map((c) => [`card${c.card}`, `${c.fingerprint} (${c.holder})`]),
          ]),
        },
      ],
    };
  },
};

/** The KCV-ECB0 the key inventory holds for this KEK (computed when it was generated), if any. */
function recordedKcv(ctx: ActionContext, label: string, ckaId: string): string | null {
  const serial = ctx.token().serial;
  return ctx.inventory.listKeys().find((k) => k.label === label && k.ckaId === ckaId && k.tokenSerial === serial)?.kcvEcb0 ?? null;
}

/** card-NN-SETID-holder.pdf: a rerun after a crash makes a new set, never overwriting older cards. */
export function cardFileName(card: number, setId: string, holder: string): string {
  return `card-${String(card).padStart(2, "0")}-${setId}-${slug(holder)}.pdf`;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "holder";
}
