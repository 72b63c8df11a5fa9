import { z } from "zod";
import type { ActionDefinition } from "../action-api.ts";
import { CeremonyStateError } from "../errors.ts";

/** The crypto officer types the HSM PIN; one attempt, never retried by the app. */
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
    return {
      outputs: {
        token: { label: "Token", kind: "text", value: `${token.label} — ${token.manufacturer} ${token.model}` },
        serial: { label: "Token serial", kind: "text", value: token.serial },
        firmware: { label: "Firmware", kind: "text", value: token.firmware },
      },
    };
  },
};
