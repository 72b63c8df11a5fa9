import { entry } from "./advice.ts";

const H = ["HsmError"] as const;
const hsm = (advice: "retry" | "choose-another" | "stop", officer: string) => entry("hsm", H, advice, officer);

const CAPABILITY = "Trying again cannot help: Abort the ceremony and run it on an HSM that offers what the script needs, or change the script's parameters.";

/**
 * PKCS#11 return codes (by their CKR_ name, as the HSM gives them) and the HSM layer's own codes.
 * A CKR_ code not listed here is reported under its own name with the advice of CKR_UNLISTED.
 */
export const HSM_ERRORS = {
  CKR_PIN_INCORRECT: hsm(
    "retry",
    "The HSM did not accept the PIN. Nothing was retried. Check the PIN with the person who holds it before typing it again: every wrong attempt counts towards locking the token.",
  ),
  CKR_PIN_LOCKED: hsm(
    "stop",
    "The HSM has locked this PIN after too many wrong attempts. Stop the ceremony; the security officer must unlock or re-initialise the token under a separate procedure.",
  ),
  CKR_PIN_LEN_RANGE: hsm("retry", "The PIN has a length the HSM does not accept. Check the PIN and type it again."),
  CKR_USER_NOT_LOGGED_IN: hsm("retry", "The HSM session is not logged in. Log in with the crypto officer PIN, then retry the step."),
  CKR_USER_ALREADY_LOGGED_IN: hsm("retry", "The HSM session is already logged in; continue with the step."),
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: hsm("retry", "Another role is logged in to this HSM. Log out (or restart the application) before logging in as this role."),
  CKR_DEVICE_REMOVED: hsm("retry", "The HSM was removed. Plug it back in, then choose Retry: the step resumes where it stopped."),
  CKR_TOKEN_NOT_PRESENT: hsm("retry", "The HSM token is not present. Plug it in (or check its connection), then choose Retry."),
  CKR_DEVICE_ERROR: hsm("retry", "The HSM reported a device error. Re-seat the HSM, then choose Retry; if it repeats, abort the ceremony."),
  CKR_SESSION_HANDLE_INVALID: hsm("retry", "The HSM session was lost (the device may have been reset). Choose Retry to open a new session."),
  CKR_SESSION_CLOSED: hsm("retry", "The HSM session was closed. Choose Retry to open a new session."),
  CKR_CRYPTOKI_NOT_INITIALIZED: hsm("retry", "The PKCS#11 library is not initialised. Choose Retry to load it again; if it repeats, restart the application."),
  CKR_FUNCTION_FAILED: hsm("retry", "The HSM could not complete the operation. Choose Retry; if it repeats, abort the ceremony."),
  // Ambiguous by nature: SoftHSM2 answers it when its token vanishes (Retry re-opens the module),
  // tpm2-pkcs11 when it refuses a key template (the backend then tries the minimal template first).
  CKR_GENERAL_ERROR: hsm(
    "retry",
    "The HSM reported a general error. If the HSM was disconnected, re-seat it and choose Retry; if the same error comes again, this HSM cannot do the step: abort the ceremony and use an HSM the preflight accepts.",
  ),
  CKR_KEY_FUNCTION_NOT_PERMITTED: hsm(
    "stop",
    "The HSM refused: this key is not allowed to perform that operation (its purpose forbids it). The step uses the wrong key; stop and check the script with the ceremony administrator.",
  ),
  CKR_ACTION_PROHIBITED: hsm(
    "stop",
    "The HSM's policy prohibits this action on the object (for instance, it may not be destroyed). Trying again cannot help; stop and check the token's policy with the ceremony administrator.",
  ),
  CKR_KEY_UNEXTRACTABLE: hsm("stop", "The HSM refused to export this key: it is marked non-extractable, as it should be. Stop and check the script with the ceremony administrator."),
  CKR_ATTRIBUTE_SENSITIVE: hsm("stop", "The HSM refused to reveal a sensitive attribute of this key, as it should. Stop and check the script with the ceremony administrator."),
  CKR_MECHANISM_INVALID: hsm("choose-another", `This HSM does not support the requested algorithm. ${CAPABILITY}`),
  CKR_MECHANISM_PARAM_INVALID: hsm("choose-another", `This HSM does not accept the parameters of the requested algorithm. ${CAPABILITY}`),
  CKR_FUNCTION_NOT_SUPPORTED: hsm("choose-another", `This HSM does not offer the operation the step needs. ${CAPABILITY}`),
  CKR_TEMPLATE_INCONSISTENT: hsm("choose-another", `This HSM does not accept the combination of key attributes the ceremony asks for. ${CAPABILITY}`),
  CKR_TEMPLATE_INCOMPLETE: hsm("choose-another", `This HSM needs key attributes the ceremony does not give. ${CAPABILITY}`),
  CKR_ATTRIBUTE_TYPE_INVALID: hsm("choose-another", `This HSM does not know a key attribute the ceremony uses. ${CAPABILITY}`),
  CKR_ATTRIBUTE_VALUE_INVALID: hsm("choose-another", `This HSM does not accept a key attribute value the ceremony uses. ${CAPABILITY}`),
  CKR_KEY_SIZE_RANGE: hsm("choose-another", `This HSM does not offer the requested key size. ${CAPABILITY}`),
  CKR_KEY_TYPE_INCONSISTENT: hsm("choose-another", `This HSM does not use this kind of key for the requested algorithm. ${CAPABILITY}`),
  CKR_DOMAIN_PARAMS_INVALID: hsm("choose-another", `This HSM does not offer the requested curve or domain parameters. ${CAPABILITY}`),
  CKR_CURVE_NOT_SUPPORTED: hsm("choose-another", `This HSM does not offer the requested curve. ${CAPABILITY}`),
  CKR_TOKEN_WRITE_PROTECTED: hsm("choose-another", "The HSM token is write-protected: it cannot store keys in this state. Abort and use a writable token."),
  CKR_CANT_LOCK: hsm("choose-another", "The PKCS#11 module cannot run with the locking this program asks for. Use another module or HSM."),
  CKR_ARGUMENTS_BAD: hsm("stop", "The PKCS#11 module refused the arguments it was given. Stop and report this code with the module's name."),
  CKR_WRAPPED_KEY_INVALID: hsm(
    "choose-another",
    "The wrapped key does not unwrap under this key: the escrow key or the wrapped blob is wrong. Check the set ID on the cards and the bundle, then try other cards.",
  ),
  CKR_ENCRYPTED_DATA_INVALID: hsm(
    "choose-another",
    "The wrapped key is not valid input for unwrapping under this key: the escrow key or the wrapped blob is wrong. Check the set ID on the cards and the bundle, then try other cards.",
  ),
  CKR_WRAPPING_KEY_TYPE_INCONSISTENT: hsm("stop", "The HSM refused: this key cannot wrap or unwrap with the requested algorithm. The step uses the wrong key; stop and check the script with the ceremony administrator."),
  CKR_SESSION_READ_ONLY: hsm("choose-another", "The HSM opened only a read-only session, so it cannot store keys. Use a token that allows read-write sessions."),
  CKR_DEVICE_MEMORY: hsm("stop", "The HSM is out of storage for new objects. Stop; remove unused objects under a separate procedure."),
  CKR_OBJECT_HANDLE_INVALID: hsm("stop", "The key this step refers to is no longer on the HSM. Stop and check the token with the ceremony administrator."),
  CKR_KEY_HANDLE_INVALID: hsm("stop", "The key this step refers to is no longer on the HSM. Stop and check the token with the ceremony administrator."),
  CKR_UNLISTED: hsm("stop", "The HSM returned a code this program has no advice for. Stop, and give the ceremony administrator the code shown."),
  HSM_NATIVE_ERROR: hsm("stop", "The PKCS#11 library failed without a CKR_ code. Stop, and give the ceremony administrator the message shown."),
  HSM_INTERNAL: hsm("stop", "The HSM worker failed in a way this program does not expect. Stop, and give the ceremony administrator the message shown."),
  HSM_WORKER_EXITED: hsm("retry", "The connection to the HSM (its worker thread) was closed. Reconnect the HSM and choose Retry; if it repeats, restart the application."),
  HSM_MODULE_LOAD_FAILED: hsm("choose-another", "The PKCS#11 module could not be loaded. Check its path and that the HSM's driver is installed, or choose another module."),
  HSM_NO_RFC5649_WRAP: hsm("choose-another", "This token offers no mechanism proven to produce RFC 5649 key wrap with padding, so an escrow made with it could not be recovered elsewhere. Use an HSM that offers CKM_AES_KEY_WRAP_KWP."),
  PKCS11_URI_INVALID: entry("hsm", ["Pkcs11UriError"], "choose-another", "The PKCS#11 token URI (RFC 7512) is not usable. Correct it, or name the token with --token and --serial."),
  HSM_KEY_POLICY_WEAKER: hsm("choose-another", "The key the token made (with the full template, or the minimal one where it refused the full) reads back weaker than required; the key was destroyed. Use another HSM."),
  HSM_NO_TRANSCRIPT_SIGNER: hsm("choose-another", "This token can make none of the transcript-signing keys this application uses (ECDSA P-256 or P-384, RSA-3072 signing with PKCS#1 v1.5). Use another HSM."),
  PREFLIGHT_REFUSED: entry("hsm", ["ServiceError", "CeremonyError"], "choose-another", "The token cannot do what this ceremony needs, so the ceremony was not started and nobody signed in. The preflight table says what to do: another algorithm the token offers, or another HSM."),
  HSM_NO_SESSION: hsm("retry", "No HSM token is open. Choose a token (and log in) first, then try again."),
  HSM_TOKEN_NOT_FOUND: hsm("choose-another", "No token with this label (and serial) is present. Plug it in, or choose one of the tokens seen."),
  HSM_TOKEN_AMBIGUOUS: hsm("choose-another", "Several tokens carry this label. Give the serial number too."),
  HSM_LABEL_INVALID: hsm("choose-another", "A key label must be 1 to 128 bytes long. Choose another label in the script's parameters."),
  HSM_LABEL_CONFLICT: hsm(
    "choose-another",
    "The token already holds an object with this label; nothing was overwritten. Choose another label or token, or destroy the old key under its own ceremony.",
  ),
  HSM_KEY_NOT_FOUND: hsm("choose-another", "The key the step names is not on this token. Check the label and that the right token is connected."),
  HSM_KEY_UNSUPPORTED: hsm("choose-another", "The key's algorithm is not one this application signs with. Use a key of a supported algorithm."),
  HSM_KEY_MISMATCH: hsm("stop", "The key with this label is not the one the script expects (its ID differs); nothing was destroyed. Stop and check the token with the ceremony administrator."),
  HSM_KEY_KIND_MISMATCH: hsm("stop", "The key with this label on the token is not of the kind (class or algorithm) the script asks for. Stop and check the token with the ceremony administrator."),
  HSM_OBJECT_MISSING: hsm("stop", "An object this ceremony created is no longer on the token. Check that the same HSM is connected; otherwise stop and call the ceremony administrator."),
  HSM_DESTROY_UNPROVEN: hsm("stop", "The destroyed key could not be shown to be gone. Do not sign the sheet; abort the ceremony."),
  REHEARSAL_TOKEN_FAILED: hsm("stop", "The rehearsal token (SoftHSM2) could not be created. Check the installation (scripts/setup.sh installs softhsm2)."),
  KCV_PROBE_MISMATCH: hsm("stop", "The key check value probe does not match the key's own check value: the token is not behaving as expected. Abort the ceremony."),
} as const;
