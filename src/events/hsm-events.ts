/** The token a ceremony uses, and the HSM objects it creates (so a resumed step adopts them). */
import { z } from "zod";
import { hex, stepIndex } from "./shared.ts";

const tokenSeen = z.strictObject({
  label: z.string(),
  serial: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  firmware: z.string(),
  hardware: z.string(),
});

export const hsmEvents = {
  "hsm.token.selected": tokenSeen,
  "hsm.relogin": tokenSeen,
  "hsm.object.intent": z.strictObject({ label: z.string(), stepIndex }),
  "hsm.object.created": z.strictObject({ label: z.string(), id: hex, stepIndex, adoptedAfterInterruption: z.literal(true).optional() }),
  "hsm.object.reused": z.strictObject({ label: z.string(), id: hex, stepIndex }),
  /** A step failed after the token made its object: what it left, so Retry adopts it and an abort reports it (v2). */
  "hsm.object.left": z.strictObject({ label: z.string(), ids: z.array(z.string()), objects: z.array(z.string()), stepIndex, error: z.string() }),
};
