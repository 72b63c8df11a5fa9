/**
 * What a ceremony needs from its token, derived from the script's steps (action types and their
 * resolved parameters) before anybody signs in. Each need names the PKCS#11 mechanisms it uses
 * (all of them, or one of several where the code can use either), the key size and the
 * mechanism flags it relies on, and the known-answer tests that prove what the list cannot.
 */
import { CKM } from "../hsm/constants.ts";
import { WRAP_MECHANISMS } from "../hsm/key-wrap-choice.ts";
import type { KatName } from "../hsm/preflight-types.ts";
import type { KeyPairAlgorithm } from "../hsm/types.ts";
import type { LoadedScript } from "./load-script.ts";

/** CK_MECHANISM_INFO flags (pkcs11t.h). */
export const CKF_MECH = {
  ENCRYPT: 0x100,
  SIGN: 0x800,
  GENERATE: 0x8000,
  GENERATE_KEY_PAIR: 0x10000,
  WRAP: 0x20000,
  UNWRAP: 0x40000,
} as const;

export interface MechanismNeed {
  mechanism: number;
  /** Key size in bits (the token may report bytes for AES; both are accepted). */
  keyBits?: number;
  flag?: number;
}

export interface Need {
  id: string;
  /** What the ceremony does with it, for the table. */
  what: string;
  /** 1-based step numbers, or none when the finish (transcript signing) needs it. */
  steps: number[];
  /** Every group must be met; within a group, one mechanism is enough. */
  mechanisms: MechanismNeed[][];
  tests: KatName[];
  /** One passing test is enough (CKA_CHECK_VALUE or the KCV probe). */
  anyTest?: boolean;
  /** RFC 5649 wrapping or unwrapping: one mechanism of the escrow step's table, chosen as the escrow step chooses it. */
  rfc5649?: "wrap" | "unwrap";
  /** For a key-pair need: the algorithm, so that a refusal can name one the token offers. */
  algorithm?: KeyPairAlgorithm;
  /** Key-pair algorithms of which the first the token offers is used (the transcript signer). */
  choices?: KeyPairAlgorithm[];
  /** For signing with a key made in an earlier ceremony: its label, looked up on the token. */
  existingKeyLabel?: string;
  /** The existing key is a secret key (a KEK a re-escrow wraps again), not a key pair. */
  existingSecret?: boolean;
}

const EC_BITS: Record<"EC-P256" | "EC-P384", number> = { "EC-P256": 256, "EC-P384": 384 };

/** The mechanisms and tests a key pair of this algorithm needs: generation and signing. */
export function keyPairNeed(algorithm: KeyPairAlgorithm): Pick<Need, "mechanisms" | "tests"> {
  switch (algorithm) {
    case "EC-P256":
    case "EC-P384": {
      const bits = EC_BITS[algorithm];
      return {
        mechanisms: [
          [{ mechanism: CKM.EC_KEY_PAIR_GEN, keyBits: bits, flag: CKF_MECH.GENERATE_KEY_PAIR }],
          [{ mechanism: CKM.ECDSA, keyBits: bits, flag: CKF_MECH.SIGN }],
        ],
        tests: [algorithm === "EC-P256" ? "sign-EC-P256" : "sign-EC-P384"],
      };
    }
    case "RSA-3072":
    case "RSA-4096": {
      const bits = algorithm === "RSA-3072" ? 3072 : 4096;
      return {
        mechanisms: [
          [{ mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN, keyBits: bits, flag: CKF_MECH.GENERATE_KEY_PAIR }],
          // PKCS#1 v1.5 only: it is what the backend signs with (hsm-signer.ts mechanismFor) and the
          // only RSA scheme `verify` and the OpenSSL recipe check; PSS alone does not meet this need.
          // Without CKM_SHA256_RSA_PKCS the backend signs a host-made DigestInfo with CKM_RSA_PKCS.
          [
            { mechanism: CKM.SHA256_RSA_PKCS, keyBits: bits, flag: CKF_MECH.SIGN },
            { mechanism: CKM.RSA_PKCS, keyBits: bits, flag: CKF_MECH.SIGN },
          ],
        ],
        tests: [],
      };
    }
    case "Ed25519":
      return {
        mechanisms: [[{ mechanism: CKM.EC_EDWARDS_KEY_PAIR_GEN, flag: CKF_MECH.GENERATE_KEY_PAIR }], [{ mechanism: CKM.EDDSA, flag: CKF_MECH.SIGN }]],
        tests: [],
      };
  }
}

export const KEY_PAIR_ALGORITHMS: KeyPairAlgorithm[] = ["EC-P384", "EC-P256", "RSA-4096", "RSA-3072", "Ed25519"];

/**
 * The transcript-signing key every ceremony signs its transcript with, in the backend's order of
 * choice (pkcs11-backend.ts transcriptSignerAlgorithm): the first the token offers is used.
 */
export const TRANSCRIPT_SIGNER_CHOICES: KeyPairAlgorithm[] = ["EC-P256", "EC-P384", "RSA-3072"];

const AES_256 = 256;
/** The escrow step's own RFC 5649 table (key-wrap-choice.ts): 0x210B, 0x210A, then the vendor numbers. */
const wrapRfc5649 = (flag: number): MechanismNeed[] => WRAP_MECHANISMS.map((m) => ({ mechanism: m.mechanism, keyBits: AES_256, flag }));
const wrapTests: KatName[] = WRAP_MECHANISMS.map((m) => m.kat);
const importSecret: Omit<Need, "steps"> = {
  id: "secret-import",
  what: "Create an AES-256 key from bytes (escrow key, KCV probe)",
  mechanisms: [],
  tests: ["secret-import"],
};
const kcvMechanisms: Omit<Need, "steps"> = {
  id: "kcv",
  what: "Key check values: AES-ECB and AES-CMAC of a zero block",
  mechanisms: [[{ mechanism: CKM.AES_ECB, keyBits: AES_256, flag: CKF_MECH.ENCRYPT }], [{ mechanism: CKM.AES_CMAC, keyBits: AES_256, flag: CKF_MECH.SIGN }]],
  tests: ["kcv-mechanisms"],
};
// Both are judged by the escrow step's decision over the wrap tests (preflight.ts evaluateWrap).
const wrap: Omit<Need, "steps"> = {
  id: "wrap-rfc5649",
  what: "Wrap a key with AES key wrap with padding (RFC 5649)",
  mechanisms: [wrapRfc5649(CKF_MECH.WRAP)],
  tests: wrapTests,
  rfc5649: "wrap",
};
const unwrap: Omit<Need, "steps"> = {
  id: "unwrap-rfc5649",
  what: "Unwrap a key wrapped with RFC 5649",
  mechanisms: [wrapRfc5649(CKF_MECH.UNWRAP)],
  tests: [...wrapTests, "unwrap-kcv"],
  rfc5649: "unwrap",
};
const checkValue: Omit<Need, "steps"> = {
  id: "check-value",
  what: "A KEK's check value: CKA_CHECK_VALUE, or AES-ECB of a zero block (KCV probe)",
  mechanisms: [],
  // Where CKA_CHECK_VALUE is missing (NSS softokn), the backend computes KCV-ECB0 with C_Encrypt.
  tests: ["check-value", "kcv-mechanisms"],
  anyTest: true,
};

/**
 * A key made before this ceremony that a step signs with (or checks, as the root rotation checks
 * the old root's key against its certificate before the old root signs): looked for on the token.
 * A key an earlier step of the same script makes is no such need (its key-pair need covers it).
 */
function existingKey(label: string, made: ReadonlySet<string>): Array<Omit<Need, "steps">> {
  if (made.has(label)) return [];
  return [{ id: `existing-key-${label}`, what: `Sign with the existing key "${label}"`, mechanisms: [], tests: [], existingKeyLabel: label }];
}

/** A secret key made before this ceremony (a KEK to escrow again or to replace), looked for by the step that checks it. */
function existingSecret(label: string, made: ReadonlySet<string>, what: string, purpose: string): Array<Omit<Need, "steps">> {
  if (made.has(label)) return [];
  return [{ id: `existing-secret-${label}`, what: `${what} "${label}", ${purpose}`, mechanisms: [], tests: [], existingKeyLabel: label, existingSecret: true }];
}

/** The needs of one step, from its action type and resolved parameters; `made`: key labels earlier steps make. */
function needsOfStep(type: string, params: Record<string, unknown>, made: ReadonlySet<string>): Array<Omit<Need, "steps">> {
  switch (type) {
    case "transcript.ensure-signer":
      return [transcriptSigner()];
    case "key.generate-pair": {
      const algorithm = params.algorithm as KeyPairAlgorithm;
      return [{ id: `key-pair-${algorithm}`, what: `Generate a key pair (${algorithm}) and sign with it`, algorithm, ...keyPairNeed(algorithm) }];
    }
    case "pki.sign-intermediate":
    case "pki.sign-crl":
      return existingKey(String(params.issuerKeyLabel), made);
    case "pki.cross-certificate":
      // A cross-certificate switched off by its parameter signs nothing.
      return params.issue === false ? [] : existingKey(String(params.issuerKeyLabel), made);
    case "pki.check-root-key":
      return existingKey(String(params.keyLabel), made);
    case "key.check-old":
      // The key a rotation replaces, identified before anything is made.
      // A KEK's check values are computed on a throwaway copy, as escrow.check-previous does.
      return params.kind === "secret"
        ? [...existingSecret(String(params.label), made, "The existing KEK", "to replace"), importSecret, wrap, unwrap, kcvMechanisms, checkValue]
        : existingKey(String(params.label), made);
    case "kek.generate":
      return [
        {
          id: "kek-generate",
          what: "Generate an AES-256 KEK (wrap/unwrap only, extractable only wrapped)",
          mechanisms: [[{ mechanism: CKM.AES_KEY_GEN, keyBits: AES_256, flag: CKF_MECH.GENERATE }]],
          tests: ["kek-template"],
        },
        checkValue,
      ];
    case "escrow.split":
      return [importSecret, wrap, unwrap, kcvMechanisms, { id: "destroy", what: "Destroy a key (escrow key after use)", mechanisms: [], tests: ["destroy"] }];
    case "escrow.trial-recovery":
      return [importSecret, unwrap, kcvMechanisms];
    case "escrow.recover":
      return [importSecret, unwrap, kcvMechanisms, checkValue];
    case "escrow.check-previous":
      // The KEK is made before the ceremony; its KCVs are computed on a throwaway copy, as kek.generate does.
      return [
        ...existingSecret(String(params.keyLabel), made, "The existing KEK", "to escrow again"),
        importSecret,
        wrap,
        unwrap,
        kcvMechanisms,
        checkValue,
      ];
    case "key.destroy":
      return [{ id: "destroy", what: "Destroy a key", mechanisms: [], tests: ["destroy"] }];
    default:
      // airgap.check, hsm.login, pki.read-csr, escrow.read-back, escrow.revoke-previous and
      // pki.root-certificate (its key is made, and its signing checked, by key.generate-pair) need
      // nothing more of the token.
      return [];
  }
}

function transcriptSigner(): Omit<Need, "steps"> {
  return {
    id: "transcript-signer",
    what: `Transcript-signing key: ${TRANSCRIPT_SIGNER_CHOICES.join(", else ")}`,
    mechanisms: [],
    tests: TRANSCRIPT_SIGNER_CHOICES.flatMap((a) => keyPairNeed(a).tests),
    choices: TRANSCRIPT_SIGNER_CHOICES,
  };
}

/** Every need of the script, each once, with the steps that have it. */
export function needsOfScript(script: LoadedScript): Need[] {
  const byId = new Map<string, Need>();
  const add = (need: Omit<Need, "steps">, step: number | null): void => {
    const known = byId.get(need.id) ?? { ...need, steps: [] };
    if (step !== null && !known.steps.includes(step)) known.steps.push(step);
    byId.set(need.id, known);
  };
  const made = new Set<string>();
  for (const step of script.steps) {
    const params = (step.resolvedParams ?? {}) as Record<string, unknown>;
    for (const need of needsOfStep(step.action.type, params, made)) add(need, step.index + 1);
    if (step.action.type === "key.generate-pair") made.add(String(params.label));
  }
  // The finish signs every transcript with this key, whether or not a step makes it first.
  add(transcriptSigner(), null);
  return [...byId.values()];
}
