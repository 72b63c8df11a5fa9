import { z } from "zod";
import { checkAirGap } from "../../airgap/check.ts";
import type { ActionDefinition } from "../action-api.ts";

/**
 * Records which network interfaces are up. Whether that blocks the ceremony is decided by the
 * runner at the start (the script's airGap policy); this step puts the result before witnesses.
 */
export const airgapCheck: ActionDefinition<Record<string, never>> = {
  type: "airgap.check",
  summary: "List the network interfaces that are up; none should be",
  params: z.object({}).strict() as z.ZodType<Record<string, never>>,
  needs: [],
  usesHsm: false,
  async run(ctx) {
    const result = checkAirGap(ctx.now());
    ctx.record("airgap.checked", { interfacesUp: result.interfacesUp, clear: result.clear, at: "step" });
    return {
      outputs: {
        interfaces: {
          label: "Network interfaces up",
          kind: "text",
          value: result.clear ? "none (air-gapped)" : result.interfacesUp.join(", "),
        },
      },
    };
  },
};
