/**
 * A real PKCS#11 module loaded with pkcs11js in the test's own process (not through the HSM
 * worker), with a logged-in R/W session on one token: for tests that call the HSM layer's
 * functions that take a module directly (src/hsm/key-policy.ts). A module is initialised once per
 * process, so close this before an HsmClient opens the same module, and the other way round.
 */
import pkcs11js from "pkcs11js";

export interface DirectSession {
  module: pkcs11js.PKCS11;
  session: Buffer;
  /** Handles of the objects with this label (any class). */
  find(label: string): Buffer[];
  close(): void;
}

export function openDirect(options: { modulePath: string; moduleArgs?: string; env?: Record<string, string>; label: string; userPin: string }): DirectSession {
  for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;
  const module = new pkcs11js.PKCS11();
  module.load(options.modulePath);
  module.C_Initialize(options.moduleArgs !== undefined ? { libraryParameters: options.moduleArgs } : undefined);
  try {
    const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trim() === options.label);
    if (!slot) throw new Error(`no token labelled ${options.label}`);
    const session = module.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    module.C_Login(session, pkcs11js.CKU_USER, options.userPin);
    return {
      module,
      session,
      find(label) {
        module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: label }]);
        try {
          return module.C_FindObjects(session, 100);
        } finally {
          module.C_FindObjectsFinal(session);
        }
      },
      close() {
        try {
          module.C_CloseSession(session);
        } finally {
          module.C_Finalize();
          module.close();
        }
      },
    };
  } catch (e) {
    module.C_Finalize();
    module.close();
    throw e;
  }
}
