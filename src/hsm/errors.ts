import { CeremonyError } from "../errors.ts";

/** Sentences for the officer, by CKR_ name: what happened and what to do next. */
const ADVICE: Record<string, string> = {
  CKR_PIN_INCORRECT:
    "The HSM did not accept the PIN. Nothing was retried. Check the PIN with the person who holds it before typing it again: every wrong attempt counts towards locking the token.",
  CKR_PIN_LOCKED:
    "The HSM has locked this PIN after too many wrong attempts. Stop the ceremony; the security officer must unlock or re-initialise the token under a separate procedure.",
  CKR_PIN_LEN_RANGE: "The PIN has a length the HSM does not accept. Check the PIN and type it again.",
  CKR_USER_NOT_LOGGED_IN: "The HSM session is not logged in. Log in with the crypto officer PIN, then retry the step.",
  CKR_USER_ALREADY_LOGGED_IN: "The HSM session is already logged in; continue with the step.",
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN:
    "Another role is logged in to this HSM. Log out (or restart the application) before logging in as this role.",
  CKR_DEVICE_REMOVED: "The HSM was removed. Plug it back in, then choose Retry: the step resumes where it stopped.",
  CKR_TOKEN_NOT_PRESENT: "The HSM token is not present. Plug it in (or check its connection), then choose Retry.",
  CKR_DEVICE_ERROR: "The HSM reported a device error. Re-seat the HSM, then choose Retry; if it repeats, abort the ceremony.",
  CKR_SESSION_HANDLE_INVALID: "The HSM session was lost (the device may have been reset). Choose Retry to open a new session.",
  CKR_SESSION_CLOSED: "The HSM session was closed. Choose Retry to open a new session.",
  CKR_KEY_FUNCTION_NOT_PERMITTED:
    "The HSM refused: this key is not allowed to perform that operation (its purpose forbids it). Check that the step uses the right key.",
  CKR_KEY_UNEXTRACTABLE: "The HSM refused to export this key: it is marked non-extractable, as it should be.",
  CKR_ATTRIBUTE_SENSITIVE: "The HSM refused to reveal a sensitive attribute of this key, as it should.",
  CKR_MECHANISM_INVALID: "This HSM does not support the requested algorithm. Choose an algorithm the token lists, or another HSM.",
  CKR_TEMPLATE_INCONSISTENT: "The HSM rejected the key attributes as inconsistent. This is a configuration problem; report it.",
  CKR_DEVICE_MEMORY: "The HSM is out of storage for new objects. Remove unused objects under a separate procedure.",
  CKR_TOKEN_WRITE_PROTECTED: "The HSM token is write-protected. It cannot store keys in this state.",
  CKR_WRAPPED_KEY_INVALID: "The wrapped key does not unwrap under this key: the escrow key or the wrapped blob is wrong.",
  CKR_CRYPTOKI_NOT_INITIALIZED: "The PKCS#11 library is not initialised. Restart the application.",
  CKR_GENERAL_ERROR: "The HSM reported a general error. Re-seat the HSM and choose Retry; if it repeats, abort the ceremony.",
  CKR_FUNCTION_FAILED: "The HSM could not complete the operation. Choose Retry; if it repeats, abort the ceremony.",
  CKR_OBJECT_HANDLE_INVALID: "The key this step refers to is no longer on the HSM.",
  CKR_KEY_HANDLE_INVALID: "The key this step refers to is no longer on the HSM.",
};

export class HsmError extends CeremonyError {
  /** The PKCS#11 function that failed, when known (C_Login, C_Sign, ...). */
  readonly method: string | undefined;
  constructor(code: string, message: string, method?: string, options?: { cause?: unknown }) {
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
export const DEVICE_LOST_CODES: ReadonlySet<string> = new Set([
  "CKR_GENERAL_ERROR",
  "CKR_FUNCTION_FAILED",
  "CKR_DEVICE_REMOVED",
  "CKR_TOKEN_NOT_PRESENT",
  "CKR_DEVICE_ERROR",
  "CKR_SESSION_HANDLE_INVALID",
  "CKR_SESSION_CLOSED",
  "CKR_CRYPTOKI_NOT_INITIALIZED",
]);

export function adviceFor(ckrName: string): string {
  return ADVICE[ckrName] ?? `The HSM returned ${ckrName}. Choose Retry; if it repeats, abort the ceremony and report this code.`;
}

/** Turns whatever pkcs11js threw into an HsmError naming the CKR_ code and what to do. */
export function toHsmError(error: unknown, method: string, context?: string): HsmError {
  if (error instanceof HsmError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const match = /CKR_[A-Z0-9_]+/.exec(raw);
  const code = match ? match[0] : "HSM_NATIVE_ERROR";
  const advice = match ? adviceFor(code) : `The PKCS#11 library failed: ${raw}`;
  const prefix = context ? `${context}: ` : "";
  return new HsmError(code, `${prefix}${advice} (${code} from ${method})`, method, { cause: error });
}
