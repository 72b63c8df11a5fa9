/**
 * The one contract between the renderer and the core (VS Code's "service contract" pattern):
 * each entry is a "domain:verb" channel with zod schemas for its request and its response.
 * electron/main registers the implementation (src/api/service.ts) under these names, the preload
 * exposes one typed function per entry as `window.ceremony`, and test/harness serves the same
 * entries over JSON-RPC. Renderer code imports only types from here.
 */
import { z } from "zod";

export const ApiError = z.object({ name: z.string(), code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const TokenSummary = z.object({
  slotId: z.string(),
  label: z.string(),
  serial: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  firmware: z.string(),
  flags: z.object({
    initialized: z.boolean(),
    loginRequired: z.boolean(),
    userPinCountLow: z.boolean(),
    userPinFinalTry: z.boolean(),
    userPinLocked: z.boolean(),
  }),
});
export type TokenSummary = z.infer<typeof TokenSummary>;

export const contract = {
  "app:info": {
    request: z.object({}).strict(),
    response: z.object({ version: z.string(), rehearsalOnly: z.boolean() }),
  },
  "hsm:tokens": {
    request: z.object({ modulePath: z.string().min(1).max(4096).optional() }).strict(),
    response: z.array(TokenSummary),
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]["request"]>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]["response"]>;

/** What the preload exposes as window.ceremony: one async function per channel. */
export type CeremonyApi = {
  [C in Channel]: (request: RequestOf<C>) => Promise<ApiResult<ResponseOf<C>>>;
};

/** Progress events pushed from the core to the renderer (long HSM work, journal heads). */
export const ProgressEvent = z.object({
  kind: z.enum(["hsm-busy", "hsm-idle", "step-changed", "journal-head"]),
  operation: z.string().optional(),
  elapsedMs: z.number().optional(),
  detail: z.string().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;
