/**
 * Idempotent HSM object creation by label. Before creating, the action journals its intent;
 * after, the object's ID. On a rerun (after a crash) an object this ceremony made is reused and
 * reported; an object found under an intent that never completed was made by this ceremony in
 * the instant before the crash and is adopted; anything else under the label is a conflict.
 * A step that fails after the token made the object (e.g. reading an attribute back failed)
 * journals what it left (hsm.object.left), so an abort reports it and Retry adopts it.
 */
import { lastEventOfType } from "../events/index.ts";
import { HsmError, type ObjectSummary } from "../hsm/index.ts";
import type { ActionContext } from "./action-api.ts";

export type ObjectOrigin = "created" | "reused" | "adopted";

export async function ensureObject<T>(
  ctx: ActionContext,
  label: string,
  create: () => Promise<T & { id: string }>,
  reread: (objects: ObjectSummary[]) => Promise<T & { id: string }>,
): Promise<{ value: T & { id: string }; origin: ObjectOrigin }> {
  const events = ctx.events();
  const created = lastEventOfType(events, "hsm.object.created", (e) => e.body.label === label);
  const intended = lastEventOfType(events, "hsm.object.intent", (e) => e.body.label === label) !== undefined;
  const existing = await ctx.hsm().call("findObjects", { label });

  if (existing.length > 0) {
    const id = created?.body.id;
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
      `This ceremony created "${label}" (ID ${created.body.id}), but it is no longer on the token. Check that the same HSM is connected; otherwise abort the ceremony.`,
    );
  }
  ctx.record("hsm.object.intent", { label, stepIndex: ctx.stepIndex });
  let value: T & { id: string };
  try {
    value = await create();
  } catch (e) {
    await recordLeftObjects(ctx, label, e);
    throw e;
  }
  ctx.record("hsm.object.created", { label, id: value.id, stepIndex: ctx.stepIndex });
  return { value, origin: "created" };
}

/** After a failed create: whatever the token holds under the label now was made by this step. */
async function recordLeftObjects(ctx: ActionContext, label: string, error: unknown): Promise<void> {
  let left: ObjectSummary[] = [];
  try {
    left = await ctx.hsm().call("findObjects", { label });
  } catch {
    // The device is gone: the intent event stays, and Retry looks again.
    return;
  }
  if (left.length === 0) return;
  ctx.record("hsm.object.left", {
    label,
    ids: [...new Set(left.map((o) => o.id))],
    objects: left.map((o) => `${o.class} ${o.keyType}`),
    stepIndex: ctx.stepIndex,
    error: error instanceof HsmError ? error.code : "ACTION_FAILED",
  });
}
