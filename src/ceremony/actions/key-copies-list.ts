import { z } from "zod";
import { describeCopy, describeFate, type KeyCopy } from "../../common/key-copies.ts";
import { formatSetId } from "../../common/index.ts";
import { lastEventOfType } from "../../events/index.ts";
import type { ActionContext, ActionDefinition, OutputValue } from "../action-api.ts";
import { type BundleCopies, type KeyChecks, KeyCopiesError, matchDeclarations, mergeCopies, readBundleCopies } from "./key-copies-common.ts";

export const CopyDeclarationParams = {
  cardsCollected: z.array(z.string().min(1).max(200)).max(255).default([]),
  cardsLost: z.array(z.string().min(1).max(200)).max(255).default([]),
  wrappedKeysDestroyed: z.array(z.string().min(1).max(200)).max(64).default([]),
  tokenCopiesDeclared: z.array(z.string().min(1).max(500)).max(64).default([]),
};

const Params = z
  .object({
    label: z.string().min(1).max(64),
    expectedId: z.string().regex(/^(?:[0-9a-f]{2})+$/, "must be the key's full CKA_ID in lowercase hex (ceremony keys --full-ids)"),
    bundles: z.array(z.string().min(1)).max(64).default([]),
    ...CopyDeclarationParams,
  })
  .strict();

/**
 * Lists every copy of the key known before anything is destroyed: the key inventory's (tokens it
 * was made on or recovered into, escrow sets with their cards and wrapped blob) and those of the
 * bundles the officer gives (each verified). The declarations the later steps will record are
 * checked against this list now, so a typo stops the ceremony before the key is gone. The
 * inventory learns what the bundles showed.
 */
export const keyCopiesList: ActionDefinition<z.infer<typeof Params>> = {
  type: "key.copies.list",
  summary: "List every copy of the key: tokens, escrow cards and wrapped blobs",
  params: Params as unknown as z.ZodType<z.infer<typeof Params>>,
  needs: [],
  usesHsm: false,
  async run(ctx, p) {
    const token = lastEventOfType(ctx.events(), "hsm.token.selected")?.body;
    if (!token) throw new KeyCopiesError("COPIES_NO_TOKEN", "The copies are listed after the HSM login step: this ceremony has not logged in to a token yet.");
    const groups = ctx.inventory.listKeysWithCopies().filter((g) => g.label === p.label);
    const known =
      groups.find((g) => g.tokens.some((t) => t.ckaId === p.expectedId && t.tokenSerial === token.serial)) ?? groups.find((g) => g.tokens.some((t) => t.ckaId === p.expectedId));
    const bundles: BundleCopies[] = [];
    for (const dir of p.bundles) bundles.push(await readBundleCopies(ctx, dir, p.label));

    const checks: KeyChecks | null = known ? { kcvEcb0: known.kcvEcb0, kcvCmac: known.kcvCmac, spkiSha256: known.spkiSha256 } : (bundles.find((b) => b.checks)?.checks ?? null);
    for (const b of bundles) {
      if (checks && b.checks && !sameKey(checks, b.checks)) {
        throw new KeyCopiesError(
          "COPIES_BUNDLE_OTHER_KEY",
          `The bundle at ${b.dir} (ceremony ${b.ceremonyId}) is about another key labelled "${p.label}" (KCV-ECB0 ${b.checks.kcvEcb0 ?? "-"}, not ${checks.kcvEcb0 ?? "-"}). Give only bundles of the key being destroyed; nothing was destroyed.`,
        );
      }
    }
    const here: KeyCopy = { kind: "token", tokenSerial: token.serial, tokenLabel: token.label, id: p.expectedId, origin: null, status: "present", by: null, at: null, note: null };
    const copies = mergeCopies([here], known?.copies ?? [], ...bundles.map((b) => b.copies));
    for (const named of bundles.flatMap((b) => b.setsNamed)) {
      if (!copies.some((c) => c.kind === "wrapped-key" && c.setId === named.setId)) {
        throw new KeyCopiesError(
          "COPIES_SET_UNKNOWN",
          `A recovery used escrow set ${formatSetId(named.setId)}, whose cards neither the key inventory nor the bundles given show: add the master-key bundle of ceremony ${named.ceremonyId} to the bundles. Nothing was destroyed.`,
        );
      }
    }
    matchDeclarations(copies, p, token.serial);
    learnFromBundles(ctx, p.label, checks, bundles, copies);

    ctx.record("key.copies.listed", {
      label: p.label,
      kcvEcb0: checks?.kcvEcb0 ?? null,
      kcvCmac: checks?.kcvCmac ?? null,
      spkiSha256: checks?.spkiSha256 ?? null,
      copies,
      bundles: bundles.map((b) => ({ dir: b.dir, ceremonyId: b.ceremonyId, scriptId: b.scriptId, signerSpkiSha256: b.signerSpkiSha256 })),
    });
    return { outputs: copyOutputs(copies, token.serial) };
  },
};

function sameKey(a: KeyChecks, b: KeyChecks): boolean {
  if (a.spkiSha256 || b.spkiSha256) return a.spkiSha256 === b.spkiSha256;
  return (a.kcvEcb0 ?? "").toUpperCase() === (b.kcvEcb0 ?? "").toUpperCase() && (a.kcvCmac ?? "").toUpperCase() === (b.kcvCmac ?? "").toUpperCase();
}

/** One output per copy, to read aloud: what it is, where, and what is known of it. */
export function copyOutputs(copies: readonly KeyCopy[], hereSerial: string): Record<string, OutputValue> {
  const outputs: Record<string, OutputValue> = {};
  copies.forEach((c, i) => {
    const here = c.kind === "token" && c.tokenSerial === hereSerial ? " (this ceremony's token)" : "";
    outputs[`copy${i + 1}`] = { label: `Copy ${i + 1}`, kind: "text", value: `${describeCopy(c)}${here}: ${describeFate(c)}` };
  });
  return outputs;
}

/** The inventory learns the sets, token copies and fates the verified bundles showed. */
function learnFromBundles(ctx: ActionContext, label: string, checks: KeyChecks | null, bundles: readonly BundleCopies[], copies: readonly KeyCopy[]): void {
  if (!checks?.kcvEcb0 || !checks.kcvCmac) return;
  for (const s of bundles.flatMap((b) => b.sets)) ctx.inventory.recordEscrowSet({ ...s, recordedAt: s.at });
  const inventory = ctx.inventory.listKeys();
  for (const b of bundles) {
    for (const [id, time] of b.tokenTimes) {
      const copy = b.copies.find((c) => c.kind === "token" && `token:${c.tokenSerial}:${c.id}` === id);
      if (copy?.kind !== "token" || inventory.some((k) => k.tokenSerial === copy.tokenSerial && k.ckaId === copy.id)) continue;
      ctx.inventory.upsertKey({
        label,
        ckaId: copy.id,
        tokenSerial: copy.tokenSerial,
        tokenLabel: copy.tokenLabel,
        algorithm: "AES-256",
        purpose: "kek",
        kcvEcb0: checks.kcvEcb0,
        kcvCmac: checks.kcvCmac,
        createdAt: time,
        createdByCeremony: copy.origin,
      });
    }
  }
  const now = ctx.inventory.listKeys();
  for (const c of copies) {
    if (c.status === "present" || !c.by || !c.at) continue;
    if (c.kind === "token") {
      const row = now.find((k) => k.tokenSerial === c.tokenSerial && k.ckaId === c.id);
      if (row && !row.destroyedAt) ctx.inventory.markDestroyed({ tokenSerial: c.tokenSerial, ckaId: c.id }, c.by, { at: c.at, note: c.note });
    } else if (c.status === "collected-and-destroyed" || c.status === "unknown") {
      const ref = c.kind === "card" ? { kind: "card" as const, setId: c.setId, card: c.card } : { kind: "wrapped-key" as const, setId: c.setId };
      const inInventory = ctx.inventory.listKeysWithCopies().flatMap((g) => g.copies).find((x) => x.kind === c.kind && x.setId === c.setId && (x.kind !== "card" || c.kind !== "card" || x.card === c.card));
      if (inInventory && inInventory.status !== "collected-and-destroyed" && !(inInventory.status === c.status && inInventory.by === c.by)) {
        ctx.inventory.markEscrowCopy(ref, { status: c.status, ceremonyId: c.by, at: c.at, note: c.note });
      }
    }
  }
}
