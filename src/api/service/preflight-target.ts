/** Which module and token a ceremony (or its preflight) uses, and the preflight report as the start screen shows it. */
import type { PreflightReport } from "../../ceremony/preflight.ts";
import { createRehearsalEnvironment, SOFTHSM2_MODULE, type RehearsalEnvironment } from "../../hsm/index.ts";
import type { TokenSelector } from "../../hsm/types.ts";
import type { PreflightView } from "../contract.ts";
import { ServiceError } from "./service-error.ts";

export interface TokenRequest {
  modulePath?: string | undefined;
  moduleArgs?: string | undefined;
  token?: TokenSelector | undefined;
}

export interface PreflightTarget {
  env: RehearsalEnvironment | null;
  token: TokenSelector;
  module: { modulePath: string; moduleArgs?: string; env?: Record<string, string> };
}

/** A rehearsal gets a throwaway SoftHSM2 token; a real ceremony the module and token the officer chose. */
export async function preflightTarget(rehearsal: boolean, req: TokenRequest, scriptId: string): Promise<PreflightTarget> {
  if (rehearsal) {
    const env = await createRehearsalEnvironment([{ label: `rehearsal-${scriptId}`.slice(0, 32) }]);
    return { env, token: { label: env.tokens[0]!.label, serial: env.tokens[0]!.serial }, module: { modulePath: env.modulePath, env: env.env } };
  }
  if (!req.token) throw new ServiceError("TOKEN_REQUIRED", "Choose the HSM token (label and serial) for this ceremony.");
  return {
    env: null,
    token: req.token,
    module: { modulePath: req.modulePath ?? SOFTHSM2_MODULE, ...(req.moduleArgs !== undefined ? { moduleArgs: req.moduleArgs } : {}) },
  };
}

export function preflightView(r: PreflightReport): PreflightView {
  const t = r.profile.token;
  return {
    ok: r.ok,
    elapsedMs: r.elapsedMs,
    token: { label: t.label, serial: t.serial, manufacturer: t.manufacturer, model: t.model },
    mechanismCount: r.profile.mechanisms.length,
    rfc5649Mechanism: r.profile.rfc5649Mechanism,
    rows: r.rows,
  };
}
