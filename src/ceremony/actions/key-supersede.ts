import { z } from "zod";
import { lastEventOfType } from "../../events/index.ts";
import { formatKcv, formatKeyId, formatUtcDate } from "../../common/index.ts";
import { HsmError, HsmSigner, spkiSha256 as sha256OfSpki, type ObjectSummary } from "../../hsm/index.ts";
import type { InventoryKey } from "../../journal/index.ts";
import type { ActionContext, ActionDefinition } from "../action-api.ts";
import { kcvsByProbe } from "./kek-generate.ts";

const Hex = z.string().regex(/^(?:[0-9a-f]{2})+$/, "must be the key's full CKA_ID in lowercase hex (ceremony keys --full-ids)");
const Params = z
  .object({
    /** The key being replaced, on this token. */
    oldLabel: z.string().min(1).max(64),
    /** Its full CKA_ID, so the key scheduled for destruction is the one meant (as key-destruction asks). */
    oldId: Hex.optional(),
    /** The key an earlier step of this ceremony made to replace it. */
    newLabel: z.string().min(1).max(64),
    /** Overlap: the old key stays for this many days, then is to be destroyed. Absent: not scheduled. */
    destroyAfterDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight UTC of the day `days` after now: "destroy by 2027-02-01" is due when that day begins. */
export function destroyByDate(now: Date, days: number): Date {
  const d = new Date(now.getTime() + days * DAY_MS);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function identityOf(k: Pick<InventoryKey, "spkiSha256" | "kcvEcb0" | "kcvCmac">): string {
  return k.spkiSha256 ? `SPKI ${k.spkiSha256}` : `KCV ${formatKcv(k.kcvEcb0 ?? "-")}/${formatKcv(k.kcvCmac ?? "-")}`;
}

/** The newest key this workstation knows under a label (and ID), not destroyed. */
export function known(ctx: ActionContext, label: string, id?: string, serial?: string): InventoryKey | undefined {
  return ctx.inventory
    .listKeys()
    .filter((k) => k.label === label && !k.destroyedAt && (id === undefined || k.ckaId === id) && (serial === undefined || k.tokenSerial === serial))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** The one key under `label` on the token: its ID and objects (both halves of a key pair share one). */
export async function onToken(ctx: ActionContext, label: string, expectedId?: string): Promise<{ id: string; objects: ObjectSummary[] }> {
  const objects = await ctx.hsm().call("findObjects", { label });
  const ids = [...new Set(objects.map((o) => o.id))];
  if (ids.length === 0) throw new HsmError("HSM_KEY_NOT_FOUND", `No key labelled "${label}" is on this token. Check the label and the token; nothing was changed.`);
  if (ids.length > 1 || (expectedId !== undefined && ids[0] !== expectedId)) {
    throw new HsmError(
      "HSM_KEY_MISMATCH",
      `The key labelled "${label}" has ID ${ids.map(formatKeyId).join(", ")}${expectedId ? `, not the expected ${formatKeyId(expectedId)}` : ""}. Nothing was changed; check which key the script means.`,
    );
  }
  return { id: ids[0]!, objects };
}

/**
 * Records a rotation: the key an earlier step made replaces the old one. The inventory links
 * them (the old key names its successor; `ceremony keys` shows both sides) and, when the script
 * sets an overlap, schedules the old key's destruction: "scheduled for destruction by DATE",
 * done later in a witnessed key-destruction ceremony. Nothing on the HSM changes.
 */
export const keySupersede: ActionDefinition<Params> = {
  type: "key.supersede",
  summary: "Record that the new key replaces the old one, and when the old one is to be destroyed",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    const old = known(ctx, p.oldLabel, p.oldId);
    const successor = ctx.inventory.listKeys().find((k) => k.label === p.newLabel && k.createdByCeremony === ctx.ceremonyId);
    return [
      { label: "Old key (replaced)", value: old ? `${old.label}, ID ${old.ckaId}, ${identityOf(old)}` : `${p.oldLabel}${p.oldId ? `, ID ${p.oldId}` : ""} (read from the token)` },
      { label: "New key (replaces it)", value: successor ? `${successor.label}, ID ${successor.ckaId}, ${identityOf(successor)}` : `${p.newLabel} (made earlier in this ceremony)` },
      {
        label: "Old key's destruction",
        value:
          p.destroyAfterDays === undefined
            ? "not scheduled: the old key stays for what it already issued or protects"
            : `scheduled for destruction by ${formatUtcDate(destroyByDate(ctx.now(), p.destroyAfterDays).toISOString())}, after an overlap of ${p.destroyAfterDays} days, in a witnessed key-destruction ceremony`,
      },
      { label: "What changes", value: "the key inventory links the two keys; nothing on the HSM changes" },
    ];
  },
  async run(ctx, p) {
    const token = ctx.token();
    const made = lastEventOfType(ctx.events(), "hsm.object.created", (e) => e.body.label === p.newLabel);
    if (!made) {
      throw new HsmError("HSM_KEY_NOT_FOUND", `The new key "${p.newLabel}" was not made by an earlier step of this ceremony; a rotation links only the key it made. Nothing was changed.`);
    }
    const oldOnToken = await onToken(ctx, p.oldLabel, p.oldId);
    const newOnToken = await onToken(ctx, p.newLabel, made.body.id);
    const successor = known(ctx, p.newLabel, newOnToken.id, token.serial);
    if (!successor) throw new HsmError("HSM_KEY_NOT_FOUND", `The new key "${p.newLabel}" is not in this workstation's inventory. Run its generation step again.`);
    let old = known(ctx, p.oldLabel, oldOnToken.id, token.serial);
    if (!old) {
      // A key made before this journal existed: recorded now from what the token says, with the successor's purpose.
      const secret = oldOnToken.objects.find((o) => o.class === "secret");
      const facts = secret
        ? { algorithm: "AES-256", ...(await kcvsByProbe(ctx, secret.handle, await ctx.hsm().call("checkValue", secret.handle))) }
        : await HsmSigner.forLabel(ctx.hsm(), p.oldLabel).then((s) => ({ algorithm: s.algorithm, spkiSha256: sha256OfSpki(s.spki) }));
      ctx.inventory.upsertKey({
        label: p.oldLabel,
        ckaId: oldOnToken.id,
        tokenSerial: token.serial,
        tokenLabel: token.label,
        algorithm: facts.algorithm,
        purpose: successor.purpose,
        ...("spkiSha256" in facts ? { spkiSha256: facts.spkiSha256 } : { kcvEcb0: facts.kcvEcb0, kcvCmac: facts.kcvCmac }),
        createdAt: ctx.now().toISOString(),
      });
      old = known(ctx, p.oldLabel, oldOnToken.id, token.serial)!;
    }
    const destroyBy = p.destroyAfterDays === undefined ? null : destroyByDate(ctx.now(), p.destroyAfterDays).toISOString();
    const ref = (k: InventoryKey) => ({ label: k.label, id: k.ckaId, tokenSerial: k.tokenSerial, identity: identityOf(k) });
    const earlier = lastEventOfType(ctx.events(), "key.superseded", (e) => e.body.old.label === p.oldLabel);
    // A step run again after a crash finds its own record and keeps the date it recorded.
    const recordedDestroyBy = earlier ? earlier.body.destroyBy : destroyBy;
    if (!earlier) ctx.record("key.superseded", { old: ref(old), successor: ref(successor), overlapDays: p.destroyAfterDays ?? null, destroyBy });
    ctx.inventory.supersede({
      old: { tokenSerial: old.tokenSerial, ckaId: old.ckaId },
      successor: { tokenSerial: successor.tokenSerial, ckaId: successor.ckaId },
      ceremonyId: ctx.ceremonyId,
      destructionDueAt: recordedDestroyBy,
    });
    return {
      outputs: {
        old: { label: "Replaced", kind: "text", value: `${old.label} (ID ${formatKeyId(old.ckaId)})` },
        successor: { label: "Replaced by", kind: "text", value: `${successor.label} (ID ${formatKeyId(successor.ckaId)})` },
        destruction: {
          label: "Old key's destruction",
          kind: "text",
          value: recordedDestroyBy ? `scheduled for destruction by ${formatUtcDate(recordedDestroyBy)}` : "not scheduled (kept for what it already issued)",
        },
      },
    };
  },
};
