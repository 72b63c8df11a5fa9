/** The air-gap check at the start (and as a step) and the witnessed override. */
import { z } from "zod";
import { participantId } from "./shared.ts";

export const airgapEvents = {
  "airgap.checked": z.strictObject({
    at: z.enum(["start", "step"]),
    interfacesUp: z.array(z.string()),
    clear: z.boolean(),
    policy: z.enum(["block", "allow-with-override"]).optional(),
    rehearsal: z.boolean().optional(),
  }),
  "airgap.override.attested": z.strictObject({ participantId, interfacesUp: z.array(z.string()) }),
  "airgap.override.granted": z.strictObject({ attesters: z.number().int().min(2) }),
};
