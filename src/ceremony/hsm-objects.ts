/**
 * Idempotent HSM object creation by label. Before creating, the action journals its intent;
 * after, the object's ID. On a rerun (after a crash) an object this ceremony made is reused and
 * reported; an object found under an intent that never completed was made by this ceremony in
 * the instant before the crash and is adopted; anything else under the label is a conflict.
 */
import { HsmError, type ObjectSummary } from "../hsm/index.ts";
import type { ActionContext } from "./action-api.ts";

export type ObjectOrigin = "created" | "reused" | "adopted";

export async function ensureObject<T>(
  ctx: ActionContext,
  label: string,
  create: () => Promise<T & { id: string }>,
  reread: (objects: ObjectSummary[]) => Promise<T & { id: string }>,
): Promise<{ value: T & { id: string }; origin: ObjectOrigin }> {
  const mine = ctx.events().filter((e) => e.body.label === label);
  const created = mine.find((e) => e.type === "hsm.object.created");
  const intended = mine.some((e) => e.type === "hsm.object.intent");
  const existing = await ctx.hsm().call("findObjects", { label });

  if (existing.length > 0) {
    const id = created?.body.id as string | undefined;
    if (created && existing.every((o) => o.id === id)) {
      const value = await reread(existing);
      ctx.record("hsm.object.reused", { label, id: value.id, stepIndex: ctx.stepIndex });
      return { value, origin: "reused" };
    }
    if (!created && intended) {
      const value = await reread(existing);
      ctx.record("hsm.object.created", { label, id: value.id, stepIndex: ctx.stepIndex, adoptedAfterInterruption: true });
      return { value, origin: "adopted" };
    }
    const what = existing.map((o) => `${o.class} ${o.keyType} key with ID ${o.id || "(none)"}`).join(", ");
    throw new HsmError(
      "HSM_LABEL_CONFLICT",
      `The token already holds an object labelled "${label}" that this ceremony did not create: ${what}. Nothing was overwritten. ` +
        "Choose another label in the parameters, or destroy the old key under its own ceremony.",
    );
  }
  if (created) {
    throw new HsmError(
      "HSM_OBJECT_MISSING",
      `This ceremony created "${label}" (ID ${String(created.body.id)}), but it is no longer on the token. Check that the same HSM is connected; otherwise abort the ceremony.`,
    );
  }
  ctx.record("hsm.object.intent", { label, stepIndex: ctx.stepIndex });
  const value = await create();
  ctx.record("hsm.object.created", { label, id: value.id, stepIndex: ctx.stepIndex });
  return { value, origin: "created" };
}
