import { CeremonyError, type CeremonyErrorOptions, type CkrCode, type ErrorCode } from "../errors.ts";
import { entryFor } from "../errors/registry.ts";

/**
 * The sentences for the officer, by CKR_ name, are in the error registry (src/errors/codes-hsm.ts,
 * docs/errors.md) with their advice kind: "Retry" is offered only where retrying can help.
 */
export class HsmError extends CeremonyError {
  /** The PKCS#11 function that failed, when known (C_Login, C_Sign, ...). */
  readonly method: string | undefined;
  constructor(code: ErrorCode | CkrCode, message: string, method?: string, options?: CeremonyErrorOptions) {
    super(code, message, options);
    this.method = method;
  }
}

/**
 * Errors after which a fresh module load and session may succeed (the device went away): the
 * runner then closes the module (C_Finalize) and Retry loads it again (C_Initialize) and logs in.
 * CKR_GENERAL_ERROR and CKR_FUNCTION_FAILED are here because that is how SoftHSM2 reports its
 * token folder vanishing mid-step, and its in-memory state stays broken until a fresh load.
 */
export const DEVICE_LOST_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "CKR_GENERAL_ERROR",
  "CKR_FUNCTION_FAILED",
  "CKR_DEVICE_REMOVED",
  "CKR_TOKEN_NOT_PRESENT",
  "CKR_DEVICE_ERROR",
  "CKR_SESSION_HANDLE_INVALID",
  "CKR_SESSION_CLOSED",
  "CKR_CRYPTOKI_NOT_INITIALIZED",
]);

/** What the officer reads for a CKR_ code (an unlisted one gets CKR_UNLISTED's sentence). */
export function adviceFor(ckrName: string): string {
  return entryFor(ckrName).officer;
}

/**
 * PKCS#11 2.40 return codes pkcs11js has no name for: it names them vendor-defined and keeps the
 * number (SoftHSM2 refusing to destroy a CKA_DESTROYABLE=false object answers 0x1B).
 */
const CODES_PKCS11JS_LACKS: Record<number, CkrCode> = { 0x1b: "CKR_ACTION_PROHIBITED" };

/** Turns whatever pkcs11js threw into an HsmError naming the CKR_ code and what to do. */
export function toHsmError(error: unknown, method: string, context?: string): HsmError {
  if (error instanceof HsmError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const match = /CKR_[A-Z0-9_]+/.exec(raw);
  const number = (error as { code?: unknown } | null)?.code;
  const unnamed = match && typeof number === "number" ? CODES_PKCS11JS_LACKS[number] : undefined;
  const code: ErrorCode | CkrCode = unnamed ?? (match ? (match[0] as CkrCode) : "HSM_NATIVE_ERROR");
  const advice = match ? adviceFor(code) : `The PKCS#11 library failed: ${raw}. ${entryFor(code).officer}`;
  const prefix = context ? `${context}: ` : "";
  return new HsmError(code, `${prefix}${advice} (${code} from ${method})`, method, { cause: error });
}
