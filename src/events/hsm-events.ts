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

/** The capability preflight before sign-in (src/ceremony/preflight.ts): verdicts and the token's profile. */
const preflight = z.strictObject({
  ok: z.boolean(),
  elapsedMs: z.number().int().nonnegative(),
  rows: z.array(
    z.strictObject({ need: z.string(), steps: z.string(), offered: z.string(), verdict: z.enum(["ok", "refused", "unverified"]), advice: z.string() }),
  ),
  profile: z.strictObject({
    token: z.strictObject({ label: z.string(), serial: z.string(), manufacturer: z.string(), model: z.string(), firmware: z.string() }),
    mechanisms: z.array(z.strictObject({ name: z.string(), minKeySize: z.number().int(), maxKeySize: z.number().int(), flags: z.string() })),
    // "not-possible" (v2): the token made no test object for it, for a reason other than a missing login.
    tests: z.array(z.strictObject({ name: z.string(), outcome: z.enum(["passed", "failed", "needs-login", "not-possible"]), detail: z.string() })),
    rfc5649Mechanism: z.string().nullable(),
    loggedIn: z.boolean(),
  }),
  /** Keys later steps sign with, looked for again by the login step once private objects are visible (v2). */
  keysAtLogin: z.array(z.string()).optional(),
});

export const hsmEvents = {
  "hsm.preflight": preflight,
  "hsm.token.selected": tokenSeen,
  "hsm.relogin": tokenSeen,
  "hsm.object.intent": z.strictObject({ label: z.string(), stepIndex }),
  "hsm.object.created": z.strictObject({ label: z.string(), id: hex, stepIndex, adoptedAfterInterruption: z.literal(true).optional() }),
  "hsm.object.reused": z.strictObject({ label: z.string(), id: hex, stepIndex }),
  /**
   * A step failed after the token made its object: what it left, so Retry adopts it and an abort
   * reports it (v2). Without stepIndex: a test object the preflight, before any step, could not
   * destroy (C_DestroyObject's answer in `error`).
   */
  "hsm.object.left": z.strictObject({ label: z.string(), ids: z.array(z.string()), objects: z.array(z.string()), stepIndex: stepIndex.optional(), error: z.string() }),
};
