import { z } from "zod";
import type { ActionDefinition } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { addMonths } from "./common.ts";

const Params = z
  .object({
    label: z.string().min(1).max(64),
    escrow: z.boolean(),
    rotationMonths: z.number().int().min(1).max(120).default(12),
  })
  .strict();

/**
 * Generates an AES-256 KEK in the HSM: wrap/unwrap only, never sign or encrypt data; extractable
 * only wrapped, and only when the script escrows it. KCV-ECB0 is the token's CKA_CHECK_VALUE;
 * KCV-CMAC is computed by the escrow step, which needs the wrapped copy to compute it.
 */
export const kekGenerate: ActionDefinition<z.infer<typeof Params>> = {
  type: "kek.generate",
  summary: "Generate an AES-256 key-encryption key inside the HSM",
  params: Params,
  needs: [],
  usesHsm: true,
  async run(ctx, p) {
    const { value: kek, origin } = await ensureObject(
      ctx,
      p.label,
      () => ctx.hsm().call("generateSecretKey", { label: p.label, escrowable: p.escrow }),
      async (objects) => {
        const o = objects.find((x) => x.class === "secret");
        if (!o) throw new Error(`no secret key labelled ${p.label}`);
        return { id: o.id, kcvEcb0: await ctx.hsm().call("checkValue", o.handle), handle: o.handle };
      },
    );
    const token = ctx.token();
    ctx.inventory.upsertKey({
      label: p.label,
      ckaId: kek.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: "AES-256",
      purpose: "kek",
      kcvEcb0: kek.kcvEcb0,
      createdAt: ctx.now().toISOString(),
      createdByCeremony: ctx.ceremonyId,
      rotationDueAt: addMonths(ctx.now(), p.rotationMonths).toISOString(),
    });
    return {
      outputs: {
        keyLabel: { label: "KEK label", kind: "text", value: `${p.label} (AES-256, ${p.escrow ? "escrowable by wrapping only" : "not extractable"}, ${origin})` },
        keyId: { label: "CKA_ID", kind: "hex", value: kek.id },
        kcvEcb0: { label: "KCV-ECB0", kind: "kcv", value: kek.kcvEcb0 },
      },
      facts: [{ kind: "kcv", label: p.label, details: { kcvEcb0: kek.kcvEcb0, ckaId: kek.id } }],
    };
  },
};
