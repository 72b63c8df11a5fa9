/** Key destruction: what was found and the proof that it is gone. */
import { z } from "zod";
import { hex } from "./shared.ts";

export const keyEvents = {
  "key.destroying": z.strictObject({ label: z.string(), id: hex, objects: z.array(z.string()) }),
  "key.destroyed": z.strictObject({ label: z.string(), id: hex, proof: z.string() }),
};
