import { z } from "zod";
import { formatKeyId } from "../../common/index.ts";
import { lastEventOfType } from "../../events/index.ts";
import { HsmError } from "../../hsm/index.ts";
import type { ActionContext, ActionDefinition, OutputValue } from "../action-api.ts";
import { CeremonyStateError } from "../errors.ts";

/**
 * The crypto officer types the HSM PIN; one attempt, never retried by the app. Then the keys later
 * steps sign with (the preflight's keysAtLogin) are looked for: many tokens show private objects
 * only after a login, so the preflight before sign-in left them to this step.
 */
export const hsmLogin: ActionDefinition<Record<string, never>> = {
  type: "hsm.login",
  summary: "Log in to the HSM token as the crypto officer",
  params: z.object({}).strict() as z.ZodType<Record<string, never>>,
  needs: ["hsm-pin"],
  usesHsm: false,
  async run(ctx) {
    const pin = ctx.inputs.hsmPin;
    if (!pin) throw new CeremonyStateError("HSM_LOGIN_REQUIRED", "The crypto officer types the HSM PIN to log in; nothing was tried.");
    const token = await ctx.login(pin);
    const keys = await signingKeysOnToken(ctx);
    return {
      outputs: {
        token: { label: "Token", kind: "text", value: `${token.label} — ${token.manufacturer} ${token.model}` },
        serial: { label: "Token serial", kind: "text", value: token.serial },
        firmware: { label: "Firmware", kind: "text", value: token.firmware },
        ...(keys ? { keys } : {}),
      },
    };
  },
};

/** Each key the preflight left to the login step must now be found as a private key. */
async function signingKeysOnToken(ctx: ActionContext): Promise<OutputValue | null> {
  const labels = lastEventOfType(ctx.events(), "hsm.preflight")?.body.keysAtLogin ?? [];
  if (labels.length === 0) return null;
  const found: string[] = [];
  for (const label of labels) {
    const key = (await ctx.hsm().call("findObjects", { label, class: "private" }))[0];
    if (!key) {
      throw new HsmError(
        "HSM_KEY_NOT_FOUND",
        `A later step signs with the key "${label}", but no private key with that label is on this token (before the login the token showed none, so the preflight left it to this step). ` +
          "Nothing was signed. Connect the HSM that holds it, or abort and correct the key label in the parameters.",
      );
    }
    found.push(`${label} (${key.keyType} private key, ID ${formatKeyId(key.id)})`);
  }
  return { label: "Keys later steps sign with", kind: "text", value: found.join("; ") };
}
