import { z } from "zod";
import { formatKcv } from "../../common/index.ts";
import type { ActionDefinition } from "../action-api.ts";
import { ensureObject } from "../hsm-objects.ts";
import { addMonths } from "./common.ts";
import { effectiveOf } from "./key-generate-pair.ts";
import { HsmError } from "../../hsm/index.ts";
import type { ActionContext } from "../action-api.ts";

/** How a KEK's KCVs were computed, for the transcript (docs/architecture.md, "Key check values"). */
export const KCV_METHODS = {
  attribute: "KCV-ECB0 from the token's CKA_CHECK_VALUE, confirmed by the KCV probe; KCV-CMAC by the KCV probe",
  probe: "both KCVs by the KCV probe (the token has no CKA_CHECK_VALUE): the KEK wrapped and unwrapped into a session key that may only encrypt and MAC",
} as const;

/**
 * Both KCVs of a KEK, computed on a throwaway session copy; the transport key is random and
 * destroyed. `expectedEcb0` is the token's own CKA_CHECK_VALUE, or null where it has none.
 */
export async function kcvsByProbe(
  ctx: ActionContext,
  kekHandle: string,
  expectedEcb0: string | null,
): Promise<{ kcvEcb0: string; kcvCmac: string; kcvMethod: string }> {
  const hsm = ctx.hsm();
  const handles: string[] = [];
  try {
    const transport = await hsm.call("importAesKey", { value: await hsm.call("random", 32), label: `kcv-transport-${ctx.ceremonyId}`, use: "escrow-transport" });
    handles.push(transport.handle);
    const wrapped = await hsm.call("wrapKey", transport.handle, kekHandle);
    const probe = await hsm.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kcv-probe", label: `kcv-probe-${ctx.ceremonyId}` });
    handles.push(probe.handle);
    wrapped.fill(0);
    const kcvs = await hsm.call("probeKcv", probe.handle);
    if (expectedEcb0 !== null && kcvs.kcvEcb0 !== expectedEcb0) {
      throw new HsmError("KCV_PROBE_MISMATCH", `The KCV probe has KCV-ECB0 ${formatKcv(kcvs.kcvEcb0)}, the key's own is ${formatKcv(expectedEcb0)}. Abort: the token is not behaving as expected.`);
    }
    return { ...kcvs, kcvMethod: expectedEcb0 === null ? KCV_METHODS.probe : KCV_METHODS.attribute };
  } finally {
    for (const h of handles) await hsm.call("destroyObject", h).catch(() => undefined);
  }
}

const Params = z
  .object({
    label: z.string().min(1).max(64),
    // A KEK that must never be lost is always escrowed; a non-extractable KEK's KCV-CMAC could
    // not be computed without letting the KEK itself MAC, which purpose binding forbids.
    escrow: z.literal(true),
    rotationMonths: z.number().int().min(1).max(120).default(12),
  })
  .strict();

/**
 * Generates an AES-256 KEK in the HSM: wrap/unwrap only, never sign or encrypt data; extractable
 * only wrapped. KCV-ECB0 is the token's CKA_CHECK_VALUE. KCV-CMAC needs an AES-CMAC, which the
 * KEK may not compute: the KEK is wrapped under a throwaway session key and unwrapped into a
 * session "KCV probe" that may only encrypt and MAC, whose ECB0 must equal the KEK's.
 */
export const kekGenerate: ActionDefinition<z.infer<typeof Params>> = {
  type: "kek.generate",
  summary: "Generate an AES-256 key-encryption key inside the HSM",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    return [
      { label: "Key to create", value: p.label },
      { label: "Algorithm", value: "AES-256, generated in the HSM; only wraps and unwraps" },
      { label: "Token", value: ctx.rehearsal ? "the rehearsal token" : "the token logged in at the HSM step" },
    ];
  },
  async run(ctx, p) {
    const { value: kek, origin } = await ensureObject(
      ctx,
      p.label,
      () => ctx.hsm().call("generateSecretKey", { label: p.label, escrowable: p.escrow }),
      async (objects) => {
        const o = objects.find((x) => x.class === "secret");
        if (!o) throw new HsmError("HSM_KEY_KIND_MISMATCH", `The object labelled "${p.label}" on the token is not a secret key. Stop and check the token with the ceremony administrator.`);
        const checked = await ctx.hsm().call("checkKeyPolicy", { kind: "kek", label: p.label, handle: o.handle, escrowable: p.escrow });
        return { id: o.id, kcvEcb0: await ctx.hsm().call("checkValue", o.handle), handle: o.handle, ...checked };
      },
    );
    const kcvs = await kcvsByProbe(ctx, kek.handle, kek.kcvEcb0);
    const token = ctx.token();
    ctx.inventory.upsertKey({
      label: p.label,
      ckaId: kek.id,
      tokenSerial: token.serial,
      tokenLabel: token.label,
      algorithm: "AES-256",
      purpose: "kek",
      kcvEcb0: kcvs.kcvEcb0,
      kcvCmac: kcvs.kcvCmac,
      createdAt: ctx.now().toISOString(),
      createdByCeremony: ctx.ceremonyId,
      rotationDueAt: addMonths(ctx.now(), p.rotationMonths).toISOString(),
    });
    return {
      outputs: {
        keyLabel: { label: "KEK label", kind: "text", value: `${p.label} (AES-256, ${p.escrow ? "escrowable by wrapping only" : "not extractable"}, ${origin})` },
        keyId: { label: "CKA_ID", kind: "hex", value: kek.id },
        kcvEcb0: { label: "KCV-ECB0", kind: "kcv", value: kcvs.kcvEcb0 },
        kcvCmac: { label: "KCV-CMAC", kind: "kcv", value: kcvs.kcvCmac },
      },
      facts: [{ kind: "kcv", label: p.label, details: { kcvEcb0: kcvs.kcvEcb0, kcvCmac: kcvs.kcvCmac, ckaId: kek.id, kcvMethod: kcvs.kcvMethod, ...effectiveOf(kek) } }],
    };
  },
};
