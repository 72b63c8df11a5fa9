/**
 * SECURITY BOUNDARY — IPC (read with security.ts).
 *
 * One ipcMain.handle per contract entry, all through handleInvocation: check who is asking,
 * parse the request with the entry's schema, call the core, parse what it answers, and return
 * `{ok: true, value}` or `{ok: false, error: {name, code, message, advice, adviceText}}` (the
 * advice kind and its sentence from the error registry). Nothing else crosses: no stack, no
 * cause, no field the contract does not declare.
 */
import { z } from "zod";
import { apiError } from "../src/api/api-error.ts";
import type { ApiError, ApiResult } from "../src/api/contract.ts";
import type { AdviceKind } from "../src/errors.ts";
import { CeremonyError } from "../src/errors.ts";
import { isAppUrl } from "./app-url.ts";

export type ContractEntry = { readonly request: z.ZodType; readonly response: z.ZodType };
export type ContractShape = { readonly [channel: string]: ContractEntry };

/** The implementation main registers: one async function per channel, typed from the contract. */
export type ServiceFor<C extends ContractShape> = {
  [K in keyof C]: (request: z.output<C[K]["request"]>) => Promise<z.output<C[K]["response"]>>;
};

/**
 * Requests are small (labels, paths, a CSR, a share's words); 1 MiB of JSON is far above any of
 * them and keeps a runaway renderer from making main parse megabytes.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export type InternalErrorLog = (message: string, error: unknown) => void;
const logToConsole: InternalErrorLog = (message, error) => console.error(message, error);

// INTERNAL and INVALID_RESPONSE are "stop" in the registry: nothing here can tell that trying again would help.
const INTERNAL_MESSAGE = "An internal error stopped this operation. The details are in the application log; report it.";

/**
 * The whole IPC policy as one pure function: `senderUrl` is the URL of the frame that sent the
 * request and `isMainFrame` says whether that frame is the main frame of one of our windows
 * (see isOurMainFrame). Resolves to an ApiResult and never rejects.
 */
export async function handleInvocation<C extends ContractShape>(
  contract: C,
  service: ServiceFor<C>,
  channel: string,
  senderUrl: string | undefined,
  isMainFrame: boolean,
  rawArg: unknown,
  log: InternalErrorLog = logToConsole,
): Promise<ApiResult<unknown>> {
  if (!isMainFrame || !isAppUrl(senderUrl)) {
    return failure("ForbiddenSenderError", "FORBIDDEN_SENDER", "This request did not come from the Ceremony Workstation window and was refused.");
  }
  if (!Object.hasOwn(contract, channel)) {
    return failure("UnknownChannelError", "UNKNOWN_CHANNEL", "The screen asked for an operation the core does not have. Restart the application; if it happens again, report it.");
  }
  const entry = contract[channel] as ContractEntry;

  const size = serializedSize(rawArg);
  if (size === undefined) return invalidRequest(channel, "it is not plain data");
  if (size > MAX_REQUEST_BYTES) {
    return failure("RequestTooLargeError", "REQUEST_TOO_LARGE", `The request for "${channel}" is larger than ${MAX_REQUEST_BYTES} bytes and was refused.`);
  }
  const request = strictRequestSchema(entry.request).safeParse(rawArg);
  if (!request.success) return invalidRequest(channel, describeIssues(request.error));

  let value: unknown;
  try {
    value = await (service[channel] as (request: unknown) => Promise<unknown>).call(service, request.data);
  } catch (error) {
    if (error instanceof CeremonyError) return failure(error.name, error.code, error.message, error.advice);
    log(`${channel} failed with an unexpected error`, error);
    return failure("InternalError", "INTERNAL", INTERNAL_MESSAGE);
  }

  // Parsing (not just checking) the answer drops any field the contract does not declare.
  const response = entry.response.safeParse(value);
  if (!response.success) {
    log(`${channel} answered outside its contract: ${describeIssues(response.error)}`, undefined);
    return failure("InternalError", "INVALID_RESPONSE", INTERNAL_MESSAGE);
  }
  return { ok: true, value: response.data };
}

/** The parts of ipcMain.handle's event that the sender check reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number; readonly mainFrame: { readonly frameTreeNodeId: number } };
  readonly senderFrame: { readonly url: string; readonly frameTreeNodeId: number } | null;
}

/**
 * True when the request came from the top frame of a webContents that main created for the app
 * (a subframe, a destroyed frame or some other webContents is refused).
 */
export function isOurMainFrame(event: InvokeEventLike, isOurContents: (webContentsId: number) => boolean): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.frameTreeNodeId === event.sender.mainFrame.frameTreeNodeId && isOurContents(event.sender.id);
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<ApiResult<unknown>>): void;
  removeHandler(channel: string): void;
}

/** Registers every contract channel; returns a function that removes them again. */
export function registerIpcHandlers<C extends ContractShape>(
  ipcMain: IpcMainLike,
  contract: C,
  service: ServiceFor<C>,
  isOurContents: (webContentsId: number) => boolean,
  log: InternalErrorLog = logToConsole,
): () => void {
  const channels = Object.keys(contract);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...args) => {
      // window.ceremony passes exactly one request object; anything else is not our preload.
      if (args.length > 1) return invalidRequest(channel, "it has more than one argument");
      return handleInvocation(contract, service, channel, event.senderFrame?.url, isOurMainFrame(event, isOurContents), args[0], log);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

const strictSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** Unknown top-level keys are refused even if a contract entry forgot `.strict()`. */
function strictRequestSchema(schema: z.ZodType): z.ZodType {
  let strict = strictSchemas.get(schema);
  if (strict === undefined) {
    strict = schema instanceof z.ZodObject ? schema.strict() : schema;
    strictSchemas.set(schema, strict);
  }
  return strict;
}

function serializedSize(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json, "utf8");
  } catch {
    return undefined;
  }
}

const MAX_ISSUES_SHOWN = 5;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(request)"}: ${issue.message}`)
    .join("; ");
}

function invalidRequest(channel: string, why: string): ApiResult<never> {
  return failure("InvalidRequestError", "INVALID_REQUEST", `The request for "${channel}" is not valid: ${why}. This is a fault in the app's screens; restart the application and report it.`);
}

function failure(name: string, code: string, message: string, advice?: AdviceKind): { ok: false; error: ApiError } {
  return { ok: false, error: apiError(name, code, message, advice) };
}
