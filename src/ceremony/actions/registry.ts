/** The fixed registry of actions a script may name (one file each). */
import type { ActionDefinition } from "../action-api.ts";
import { airgapCheck } from "./airgap-check.ts";
import { escrowCheckPrevious } from "./escrow-check-previous.ts";
import { escrowRecover } from "./escrow-recover.ts";
import { escrowReadBack } from "./escrow-read-back.ts";
import { escrowRevokePrevious } from "./escrow-revoke-previous.ts";
import { escrowSplit } from "./escrow-split.ts";
import { escrowTrialRecovery } from "./escrow-trial-recovery.ts";
import { hsmLogin } from "./hsm-login.ts";
import { pkiReadCsr } from "./pki-read-csr.ts";
import { pkiRootCertificate } from "./pki-root-certificate.ts";
import { pkiSignCrl } from "./pki-sign-crl.ts";
import { pkiSignIntermediate } from "./pki-sign-intermediate.ts";
import { kekGenerate } from "./kek-generate.ts";
import { keyCopiesAccount } from "./key-copies-account.ts";
import { keyCopiesList } from "./key-copies-list.ts";
import { keyDestroy } from "./key-destroy.ts";
import { keyGeneratePair } from "./key-generate-pair.ts";
import { keyCheckOld } from "./key-check-old.ts";
import { keySupersede } from "./key-supersede.ts";
import { pkiCheckRootKey } from "./pki-check-root-key.ts";
import { pkiCrossCertificate } from "./pki-cross-certificate.ts";
import { transcriptEnsureSigner } from "./transcript-signer.ts";

const actions: Array<ActionDefinition<never>> = [
  airgapCheck,
  hsmLogin,
  keyGeneratePair,
  transcriptEnsureSigner,
  kekGenerate,
  keyCopiesList,
  keyDestroy,
  keyCopiesAccount,
  escrowSplit,
  escrowReadBack,
  escrowTrialRecovery,
  escrowRecover,
  escrowCheckPrevious,
  escrowRevokePrevious,
  pkiRootCertificate,
  pkiReadCsr,
  pkiSignIntermediate,
  pkiSignCrl,
  pkiCheckRootKey,
  pkiCrossCertificate,
  keyCheckOld,
  keySupersede,
] as Array<ActionDefinition<never>>;

export const actionRegistry: ReadonlyMap<string, ActionDefinition<unknown>> = new Map(
  actions.map((a) => [a.type, a as unknown as ActionDefinition<unknown>]),
);
