import { lastEventOfType } from "../../events/index.ts";
import { z } from "zod";
import { formatKeyId } from "../../common/index.ts";
import { remainingCopies } from "../../common/key-copies.ts";
import { HsmError, ulongText } from "../../hsm/index.ts";
import type { ActionDefinition } from "../action-api.ts";

// expectedId is required: a label alone can name a different key on another token or after a
// re-generation, and destruction cannot be undone. `ceremony keys --full-ids` prints it.
const Params = z.object({ label: z.string().min(1).max(64), expectedId: z.string().regex(/^(?:[0-9a-f]{2})+$/, "must be the key's full CKA_ID in lowercase hex (ceremony keys --full-ids)") }).strict();

/**
 * Destroys every object under a label (both halves of a key pair), then proves it is gone: not
 * found by label, not found by ID, and an operation on the old handle fails.
 */
export const keyDestroy: ActionDefinition<z.infer<typeof Params>> = {
  type: "key.destroy",
  summary: "Destroy a key under dual control and prove it is gone",
  params: Params,
  needs: [],
  usesHsm: true,
  async preview(ctx, p) {
    const items = [
      { label: "Key to destroy", value: p.label },
      { label: "Its full ID (CKA_ID)", value: p.expectedId },
      { label: "What happens", value: "every object with this label is destroyed; nothing is destroyed if the token's key has another ID" },
    ];
    // Only this token's copy goes here; the list of copies says what else exists, and the next step accounts for it.
    const listed = lastEventOfType(ctx.events(), "key.copies.listed", (e) => e.body.label === p.label);
    const here = lastEventOfType(ctx.events(), "hsm.token.selected")?.body.serial;
    const elsewhere = listed ? remainingCopies(listed.body.copies).filter((c) => !(c.kind === "token" && c.tokenSerial === here && c.id === p.expectedId)) : [];
    if (elsewhere.length) items.push({ label: "Copies elsewhere", value: `${elsewhere.length} other copies are listed; this step destroys only the one on this token` });
    return items;
  },
  async run(ctx, p) {
    const hsm = ctx.hsm();
    const objects = await hsm.call("findObjects", { label: p.label });
    // A resumed step (the process died after the key was destroyed) finds nothing on the token: the
    // journal says whether this ceremony destroyed it (key.destroyed) or was destroying it (key.destroying).
    const earlier = lastEventOfType(ctx.events(), "key.destroyed", (e) => e.body.label === p.label);
    const intended = lastEventOfType(ctx.events(), "key.destroying", (e) => e.body.label === p.label);
    if (objects.length === 0 && !earlier && !intended) {
      throw new HsmError("HSM_KEY_NOT_FOUND", `No key labelled "${p.label}" is on this token. Check the label and the token; nothing was destroyed.`);
    }
    const ids = [...new Set(objects.map((o) => o.id))];
    if (ids.some((id) => id !== p.expectedId)) {
      throw new HsmError(
        "HSM_KEY_MISMATCH",
        `The key labelled "${p.label}" has ID ${ids.map(formatKeyId).join(", ")}, not the expected ${formatKeyId(p.expectedId)}. Nothing was destroyed; check which key the script means.`,
      );
    }
    const id = ids[0] ?? earlier?.body.id ?? intended?.body.id ?? "";
    const handles = objects.map((o) => o.handle);
    if (objects.length) ctx.record("key.destroying", { label: p.label, id, objects: objects.map((o) => `${o.class} ${o.keyType}`) });
    for (const h of handles) await hsm.call("destroyObject", h);

    const byLabel = await hsm.call("findObjects", { label: p.label });
    const byId = id ? await hsm.call("findObjects", { id }) : [];
    const handleChecks: string[] = [];
    for (const h of handles) {
      try {
        await hsm.call("describeObject", h);
        handleChecks.push(`handle ${ulongText(h)}: STILL USABLE`);
      } catch (e) {
        handleChecks.push(`handle ${ulongText(h)}: ${(e as HsmError).code}`);
      }
    }
    const gone = byLabel.length === 0 && byId.length === 0 && handleChecks.every((c) => !c.includes("STILL"));
    if (!gone) throw new HsmError("HSM_DESTROY_UNPROVEN", `The key "${p.label}" could not be shown to be gone: ${handleChecks.join("; ")}. Do not sign the sheet; abort.`);
    // Proven gone once, recorded once: a resumed step keeps the proof taken when the handles were fresh.
    const proof = objects.length === 0 && earlier ? earlier.body.proof : `not found by label; not found by ID ${id}; ${handleChecks.join("; ") || "handles already gone"}`;
    if (!(objects.length === 0 && earlier)) ctx.record("key.destroyed", { label: p.label, id, proof });
    const token = ctx.token();
    try {
      ctx.inventory.markDestroyed({ tokenSerial: token.serial, ckaId: id }, ctx.ceremonyId);
    } catch {
      // A key made before this journal existed is not in the inventory; the transcript still records the proof.
    }
    return {
      outputs: {
        destroyed: { label: "Destroyed", kind: "text", value: `${p.label} (ID ${formatKeyId(id)})` },
        proof: { label: "Proof", kind: "text", value: proof },
      },
      facts: [{ kind: "key-destroyed", label: p.label, details: { ckaId: id, tokenSerial: token.serial, proof } }],
    };
  },
};
