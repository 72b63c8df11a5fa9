import { isAbsolute, resolve } from "node:path";
import { createHash } from "node:crypto";
import { z } from "zod";
import { formatKcv, formatKeyId, formatSetId } from "../../common/index.ts";
import { wipeDecodedShares } from "../../escrow/index.ts";
import { HsmError, wrapMechanismOfName } from "../../hsm/index.ts";
import { type ExtraCheck, verifyBundle } from "../../transcript/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { refuseRevokedSet } from "../recovery-standing.ts";
import { addMonths, fingerprintOutput } from "./common.ts";
import { decodeShares, ShareReadBackError } from "./escrow-common.ts";
import { unwrapProbe } from "./escrow-trial-recovery.ts";
import { effectiveOf } from "./key-generate-pair.ts";

const Params = z
  .object({
    bundle: z.string().min(1),
    keyLabel: z.string().min(1).max(64),
    rotationMonths: z.number().int().min(1).max(36).default(12),
    /** Bundles made after the one recovered from (re-escrows): a set one of them revoked is refused. */
    laterBundles: z.array(z.string().min(1)).max(64).default([]),
  })
  .strict();

export interface EscrowRecord {
  ceremonyId: string;
  /** The script that made the bundle (master-key, re-escrow, kek-rotation). */
  scriptId: string;
  signerSpkiSha256: string;
  setId: string;
  k: number;
  n: number;
  kcvEcb0: string;
  kcvCmac: string;
  ckaId: string;
  wrapped: Buffer;
  wrappedSha256: string;
  /** The wrap format and the mechanism that made it, as the original transcript recorded them. */
  wrapFormat: string;
  wrapMechanism: string;
  fingerprints: string[];
  /** Each card of the set as the split recorded it (number, holder, share fingerprint). */
  cards: Array<{ card: number; holder: string; fingerprint: string }>;
  /** Where the bundle keeps the wrapped key, e.g. escrow/KEK-01.wrapped. */
  wrappedPath: string;
}

/**
 * Verifies the original master-key bundle and takes what a recovery needs from the very bytes
 * that were verified (verifyBundle reads the bundle once into memory): reading the wrapped key or
 * the signer from disk again would let a file swapped after the check be used.
 */
export async function readEscrowBundle(dir: string, keyLabel: string, extraChecks: readonly ExtraCheck[]): Promise<EscrowRecord> {
  const v = await verifyBundle(dir, { extraChecks: [...extraChecks] });
  if (!v.ok || !v.transcript) {
    throw new ShareReadBackError(
      "RECOVERY_BUNDLE_INVALID",
      `The original bundle at ${dir} does not verify, so nothing in it can be trusted: ${v.failures.map((f) => f.message).join("; ")}.`,
    );
  }
  const t = v.transcript;
  const wrappedOut = t.outputs.find((o) => o.kind === "wrapped-key" && o.label === keyLabel);
  const kcv = t.outputs.find((o) => o.kind === "kcv" && o.label === keyLabel && o.details.kcvCmac);
  const shares = t.outputs.find((o) => o.kind === "share-fingerprints" && o.label === keyLabel);
  if (!wrappedOut?.file || !kcv || !shares) {
    throw new ShareReadBackError("RECOVERY_KEY_NOT_IN_BUNDLE", `The bundle at ${dir} holds no escrow of a key labelled "${keyLabel}". Check the label and the bundle.`);
  }
  // Every escrow so far is RFC 5649 (older bundles name no PKCS#11 mechanism: SoftHSM2's 0x210A, proven RFC 5649).
  const wrapFormat = wrappedOut.details.mechanism ?? "AES key wrap with padding (RFC 5649)";
  if (!wrapFormat.includes("RFC 5649")) {
    throw new ShareReadBackError(
      "RECOVERY_WRAP_UNKNOWN",
      `The bundle's wrapped key is "${wrapFormat}", not RFC 5649 key wrap with padding, which is all this application unwraps. Recover it with the tool that made it.`,
    );
  }
  const verifiedWrapped = v.files.get(wrappedOut.file);
  if (!verifiedWrapped || !v.signerSpkiSha256) {
    throw new ShareReadBackError("RECOVERY_BUNDLE_INVALID", `The bundle at ${dir} lost ${wrappedOut.file} or its signer while it was verified; check the bundle.`);
  }
  const wrapped = Buffer.from(verifiedWrapped);
  // "card3": "<fingerprint> (<holder>)", as escrow.split writes its share-fingerprints fact.
  const cards = Object.entries(shares.details)
    .map(([k, v]) => ({ m: /^card(\d+)$/.exec(k), v }))
    .filter((x) => x.m !== null)
    .map(({ m, v }) => ({ card: Number(m![1]), fingerprint: v.split(" ")[0]!, holder: /\((.*)\)$/.exec(v)?.[1] ?? "(holder not recorded)" }));
  return {
    ceremonyId: t.ceremony.id,
    scriptId: t.ceremony.scriptId,
    signerSpkiSha256: v.signerSpkiSha256,
    setId: shares.details.setId!,
    k: Number(shares.details.k),
    n: Number(shares.details.n),
    kcvEcb0: kcv.details.kcvEcb0!,
    kcvCmac: kcv.details.kcvCmac!,
    ckaId: kcv.details.ckaId ?? "",
    wrapped,
    wrappedSha256: createHash("sha256").update(wrapped).digest("hex"),
    wrapFormat,
    wrapMechanism: wrappedOut.details.pkcs11Mechanism ?? "CKM_AES_KEY_WRAP_PAD (0x210A)",
    fingerprints: cards.map((c) => c.fingerprint),
    cards,
    wrappedPath: wrappedOut.file,
  };
}

/**
 * Recovery: the original bundle is verified first; k holders' cards rebuild the escrow key,
 * which is imported as a session object; the KEK is unwrapped into a KCV probe and its KCVs
 * compared with the original transcript's; only then is it unwrapped as a token object with its
 * original label and CKA_ID. Everything transient is wiped and destroyed.
 */
export const escrowRecover: ActionDefinition<z.infer<typeof Params>> = {
  type: "escrow.recover",
  summary: "Recover an escrowed key from k share cards into this token",
  params: Params,
  needs: ["shares"],
  usesHsm: true,
  async run(ctx, p) {
    const dir = isAbsolute(p.bundle) ? p.bundle : resolve(ctx.scriptDir, p.bundle);
    const source = await readEscrowBundle(dir, p.keyLabel, ctx.bundleChecks);
    // A set a re-escrow revoked recovers nothing that should be: refused before its cards are used.
    await refuseRevokedSet(source.setId, {
      lookup: (setId) => ctx.inventory.escrowSet(setId),
      laterBundles: p.laterBundles.map((d) => (isAbsolute(d) ? d : resolve(ctx.scriptDir, d))),
      extraChecks: ctx.bundleChecks,
    });
    // The transcript says the blob is RFC 5649 and names the mechanism that made it: that one where
    // this token proves it gives RFC 5649 too, else whichever of its mechanisms is proven to.
    const wrap = await ctx.hsm().call("escrowWrapMechanism", wrapMechanismOfName(source.wrapMechanism));
    ctx.record("recovery.source", {
      bundleCeremonyId: source.ceremonyId,
      bundleSignerSpkiSha256: source.signerSpkiSha256,
      keyLabel: p.keyLabel,
      setId: source.setId,
      k: source.k,
      n: source.n,
      kcvEcb0: source.kcvEcb0,
      kcvCmac: source.kcvCmac,
      wrappedSha256: source.wrappedSha256,
      wrapFormat: source.wrapFormat,
      wrapMechanismRecorded: source.wrapMechanism,
      wrapMechanismUsed: wrap.mechanismName,
      wrapProof: wrap.proof,
    });
    const decoded = decodeShares(ctx, ctx.inputs.shares);
    for (const d of decoded) {
      if (!source.fingerprints.includes(d.fingerprint)) {
        wipeDecodedShares(decoded);
        throw new ShareReadBackError("SHARE_WRONG_SET", `${d.label} is not one of the cards of ${p.keyLabel}'s escrow (set ${formatSetId(source.setId)}).`);
      }
    }
    let kcvs: { kcvEcb0: string; kcvCmac: string } = { kcvEcb0: "", kcvCmac: "" };
    const { value, origin } = await ensureObject(
      ctx,
      p.keyLabel,
      async () => {
        const r = await unwrapProbe(ctx.hsm(), decoded, source.wrapped, ctx.ceremonyId, {
          label: p.keyLabel,
          id: source.ckaId,
          expected: { kcvEcb0: source.kcvEcb0, kcvCmac: source.kcvCmac },
        });
        kcvs = r;
        if (!r.restored) {
          throw new HsmError(
            "ESCROW_KCV_MISMATCH",
            `The cards rebuild a key with KCVs ${formatKcv(r.kcvEcb0)} / ${formatKcv(r.kcvCmac)}, but the escrowed key's are ${formatKcv(source.kcvEcb0)} / ${formatKcv(source.kcvCmac)}. Nothing was stored; check the cards.`,
          );
        }
        return { id: source.ckaId, ...effectiveOf(r.restored) };
      },
      async (objects) => {
        wipeDecodedShares(decoded);
        const o = objects.find((x) => x.class === "secret");
        // Adopted after an interruption: the token's own KCV where it has one (NSS softokn has none).
        kcvs = { kcvEcb0: (o ? await ctx.hsm().call("checkValue", o.handle) : null) ?? "(not readable)", kcvCmac: source.kcvCmac };
        const checked = o ? await ctx.hsm().call("checkKeyPolicy", { kind: "kek", label: p.keyLabel, handle: o.handle, escrowable: true }) : {};
        return { id: o?.id ?? "", ...checked };
      },
    );
    const token = ctx.token();
    // The set these cards belong to is a copy of the key too, wherever this journal first hears of it.
    ctx.inventory.recordEscrowSet({
      setId: source.setId,
      keyLabel: p.keyLabel,
      kcvEcb0: source.kcvEcb0,
      kcvCmac: source.kcvCmac,
      k: source.k,
      n: source.n,
      wrappedSha256: source.wrappedSha256,
      wrappedPath: source.wrappedPath,
      ceremonyId: source.ceremonyId,
      recordedAt: ctx.now().toISOString(),
      cards: source.cards,
    });
    ctx.inventory.upsertKey({
      label: p.keyLabel,
      ckaId: value.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: "AES-256",
      purpose: "kek",
      kcvEcb0: source.kcvEcb0,
      kcvCmac: source.kcvCmac,
      createdAt: ctx.now().toISOString(),
      createdByCeremony: ctx.ceremonyId,
      rotationDueAt: addMonths(ctx.now(), p.rotationMonths).toISOString(),
    });
    ctx.record("escrow.recovered", { keyLabel: p.keyLabel, id: value.id, cardsUsed: decoded.length, kcvEcb0: kcvs.kcvEcb0, kcvCmac: kcvs.kcvCmac, origin });
    return {
      outputs: {
        result: { label: "Recovered", kind: "text", value: `${p.keyLabel} (ID ${formatKeyId(value.id)}) from ${decoded.length} cards into token ${token.label} (${token.serial}), ${origin}` },
        kcvEcb0: { label: "KCV-ECB0 (recovered / original)", kind: "kcv", value: `${kcvs.kcvEcb0} / ${source.kcvEcb0}` },
        kcvCmac: { label: "KCV-CMAC (recovered / original)", kind: "kcv", value: `${kcvs.kcvCmac} / ${source.kcvCmac}` },
        source: fingerprintOutput("Original bundle's signer SPKI SHA-256", source.signerSpkiSha256),
      },
      facts: [{ kind: "kcv", label: p.keyLabel, details: { kcvEcb0: source.kcvEcb0, kcvCmac: source.kcvCmac, ckaId: value.id, recoveredFrom: source.ceremonyId, ...effectiveOf(value) } }],
    };
  },
};
