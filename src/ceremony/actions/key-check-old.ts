import { z } from "zod";
import { formatHex, formatKcv, formatKeyId, formatUtcDate } from "../../common/index.ts";
import { HsmError, HsmSigner, spkiSha256 as sha256OfSpki } from "../../hsm/index.ts";
import type { InventoryKey } from "../../journal/index.ts";
import type { ActionContext, ActionDefinition } from "../action-api.ts";
import { CeremonyStateError } from "../errors.ts";
import { kcvsByProbe } from "./kek-generate.ts";
import { known, onToken } from "./key-supersede.ts";

const Params = z
  .object({
    /** The key a rotation replaces, on this token. */
    label: z.string().min(1).max(64),
    /** Its full CKA_ID in lowercase hex, as key.supersede asks. */
    id: z.string().regex(/^(?:[0-9a-f]{2})+$/, "must be the key's full CKA_ID in lowercase hex (ceremony keys --full-ids)").optional(),
    /** What it must be: a secret key (a KEK) or a key pair. */
    kind: z.enum(["secret", "key-pair"]),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** A key an earlier rotation replaced is not rotated again (a rotation resumed after a crash finds its own record). */
export function refuseReplaced(ctx: ActionContext, record: InventoryKey | undefined, label: string): void {
  if (!record?.supersededBy || record.supersededByCeremony === ctx.ceremonyId) return;
  const by = record.supersededBy;
  const successor = ctx.inventory.listKeys().find((k) => k.tokenSerial === by.tokenSerial && k.ckaId === by.ckaId);
  throw new CeremonyStateError(
    "KEY_ALREADY_REPLACED",
    `${label} (ID ${formatKeyId(record.ckaId)}) was already replaced by ${successor ? `${successor.label} (ID ${formatKeyId(successor.ckaId)})` : `the key with ID ${formatKeyId(by.ckaId)}`} in ceremony ${record.supersededByCeremony ?? "?"}${record.destructionDueAt ? `; it is scheduled for destruction by ${formatUtcDate(record.destructionDueAt)}` : ""}. Nothing was made; rotate the key that replaced it, or check the parameters.`,
  );
}

/**
 * The first step of a rotation after the login, before anything is made: the key being replaced
 * must be on this token, with the ID given, of the kind given, the same key the inventory knows
 * under that label (KCVs or SPKI), and not already replaced or destroyed. Its identity is shown
 * for the witnesses. Otherwise the ceremony stops here, rather than after a new key, its cards
 * and their read-back, at key.supersede. Nothing on the HSM or in the inventory changes.
 */
export const keyCheckOld: ActionDefinition<Params> = {
  type: "key.check-old",
  summary: "Find the key being replaced on this token and identify it",
  params: Params,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    const token = ctx.token();
    const found = await onToken(ctx, p.label, p.id);
    const secret = found.objects.find((o) => o.class === "secret");
    const priv = found.objects.find((o) => o.class === "private");
    if (p.kind === "secret" ? !secret : !priv) {
      const classes = [...new Set(found.objects.map((o) => o.class))].join(" and ");
      throw new HsmError(
        "HSM_KEY_KIND_MISMATCH",
        `The key labelled "${p.label}" on this token is a ${classes} object, not ${p.kind === "secret" ? "a secret key (a KEK)" : "a key pair with its private key"}. Nothing was made; check the label and the token.`,
      );
    }
    const record = known(ctx, p.label, found.id, token.serial);
    refuseReplaced(ctx, record, p.label);
    const identity = secret
      ? { kind: "KCV" as const, ...(await kcvsByProbe(ctx, secret.handle, await ctx.hsm().call("checkValue", secret.handle))) }
      : { kind: "SPKI" as const, spkiSha256: sha256OfSpki((await HsmSigner.forLabel(ctx.hsm(), p.label)).spki) };
    const shown = identity.kind === "KCV" ? `KCV ${formatKcv(identity.kcvEcb0)} / ${formatKcv(identity.kcvCmac)}` : `SPKI SHA-256 ${formatHex(identity.spkiSha256)}`;

    if (record) {
      const same =
        identity.kind === "KCV"
          ? record.kcvEcb0?.toUpperCase() === identity.kcvEcb0.toUpperCase() && record.kcvCmac?.toUpperCase() === identity.kcvCmac.toUpperCase()
          : record.spkiSha256?.toLowerCase() === identity.spkiSha256.toLowerCase();
      if (!same) {
        throw new HsmError(
          "HSM_KEY_MISMATCH",
          `The key labelled "${p.label}" (ID ${formatKeyId(found.id)}) on this token has ${shown}, but this workstation's key inventory recorded ${identity.kind === "KCV" ? `KCV ${formatKcv(record.kcvEcb0 ?? "-")} / ${formatKcv(record.kcvCmac ?? "-")}` : `SPKI SHA-256 ${formatHex(record.spkiSha256 ?? "-")}`} for it. Nothing was made; check the token with the ceremony administrator.`,
        );
      }
    }
    return {
      outputs: {
        oldKey: { label: "Key being replaced", kind: "text", value: `${p.label} (ID ${formatKeyId(found.id)})` },
        oldIdentity: { label: identity.kind === "KCV" ? "Its check values" : "Its public key", kind: "text", value: shown },
        oldRecord: {
          label: "Key inventory",
          kind: "text",
          value: record
            ? `made ${formatUtcDate(record.createdAt)}${record.createdByCeremony ? ` by ceremony ${record.createdByCeremony}` : ""}${record.rotationDueAt ? `; due for rotation ${formatUtcDate(record.rotationDueAt)}` : ""}`
            : "not in this workstation's inventory: it is recorded from the token when the rotation is",
        },
      },
    };
  },
};
