/**
 * The only code that calls pkcs11js. It runs inside the HSM worker (worker.ts): every method is
 * synchronous and may block for minutes on a real device, which is why it never runs on the
 * thread that drives the UI.
 */
import { createHash } from "node:crypto";
import pkcs11js from "pkcs11js";
import { wipe } from "../errors.ts";
import { CKA, CKF, CKG, CKK, CKM, CKO, CKU, EC_PARAMS } from "./constants.ts";
import {
  kekAttributes,
  minimalSecretKeyAttributes,
  minimalSigningKeyPairTemplates,
  probeAttributes,
  SIGNING_KEY_POLICY,
  SIGNING_KEY_RECORDED,
  signingKeyPairTemplates,
} from "./templates.ts";
import { checkPolicy, makeKey, policyOf, type MadeKey } from "./key-policy.ts";
import { CLASS_CODES, CLASS_NAMES, describeTokenInfo, KEY_TYPE_NAMES, retryState } from "./token-info.ts";
import { adviceFor, HsmError, toHsmError } from "./errors.ts";
import { runProbes } from "./preflight-probes.ts";
import type { ProbeRequest, ProbeResult } from "./preflight-types.ts";
import { chooseEscrowWrap, type WrapChoice } from "./key-wrap-choice.ts";
import { ulongText } from "./ulong.ts";
import { ecdsaRawToDer, spkiFromEcPoint, spkiFromEdwardsPoint, spkiFromRsa, spkiSha256 } from "./public-key.ts";
import type {
  GenerateKeyPairRequest,
  GenerateSecretKeyRequest,
  KeyCheckValues,
  KeyPairAlgorithm,
  KeyPairInfo,
  ObjectClass,
  ObjectSummary,
  SecretKeyInfo,
  SignMechanism,
  TokenInfo,
  TokenSelector,
} from "./types.ts";

type Handle = Buffer;

/** DER DigestInfo headers (RFC 8017 §9.2 note 1) for signing a host-made hash with CKM_RSA_PKCS. */
const DIGEST_INFO_PREFIX = {
  sha256: Buffer.from("3031300d060960864801650304020105000420", "hex"),
  sha384: Buffer.from("3041300d060960864801650304020205000430", "hex"),
} as const;
type Attribute = pkcs11js.Attribute;

/** The subset of pkcs11js.PKCS11 we call; a fault-injecting wrapper can stand in for it. */
export type Pkcs11Module = Pick<
  pkcs11js.PKCS11,
  | "load"
  | "close"
  | "C_Initialize"
  | "C_Finalize"
  | "C_GetSlotList"
  | "C_GetTokenInfo"
  | "C_GetMechanismList"
  | "C_GetMechanismInfo"
  | "C_OpenSession"
  | "C_CloseSession"
  | "C_Login"
  | "C_Logout"
  | "C_FindObjectsInit"
  | "C_FindObjects"
  | "C_FindObjectsFinal"
  | "C_GetAttributeValue"
  | "C_GenerateKeyPair"
  | "C_GenerateKey"
  | "C_GenerateRandom"
  | "C_SignInit"
  | "C_Sign"
  | "C_EncryptInit"
  | "C_Encrypt"
  | "C_WrapKey"
  | "C_UnwrapKey"
  | "C_CreateObject"
  | "C_DestroyObject"
>;

export interface BackendOptions {
  /**
   * The module's initialisation string (CK_C_INITIALIZE_ARGS.pReserved), for modules that need one,
   * e.g. NSS softokn: `configdir='sql:DIR' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`.
   */
  moduleArgs?: string;
  /** Wraps the loaded module, e.g. to inject faults in tests (test/faults). */
  wrapModule?: (module: Pkcs11Module) => Pkcs11Module;
}

const hex = (b: Buffer): string => b.toString("hex");
const handleOf = (h: string): Handle => Buffer.from(h, "hex");

export class Pkcs11Backend {
  private readonly module: Pkcs11Module;
  private session: Handle | null = null;
  private slot: Handle | null = null;
  private token: TokenInfo | null = null;
  /** The RFC 5649 mechanism proven on the open token; chosen on first use, forgotten with the session. */
  private wrapChoice: WrapChoice | null = null;
  /** The open token's mechanism list, read once per session. */
  private offered: Set<number> | null = null;

  private readonly moduleArgs: string | undefined;

  constructor(readonly modulePath: string, options: BackendOptions = {}) {
    this.moduleArgs = options.moduleArgs;
    const raw = new pkcs11js.PKCS11();
    this.module = options.wrapModule ? options.wrapModule(raw) : raw;
    try {
      this.module.load(modulePath);
    } catch (e) {
      throw new HsmError(
        "HSM_MODULE_LOAD_FAILED",
        `Could not load the PKCS#11 module at ${modulePath}: ${(e as Error).message}. Check the path and that the HSM's driver is installed.`,
        "load",
        { cause: e },
      );
    }
    this.initialize();
  }

  /**
   * C_Initialize with OS locking (CKF_OS_LOCKING_OK): the worker is one thread, but some modules
   * (gnome-keyring) refuse a NULL argument with CKR_CANT_LOCK, and others (NSS softokn) need their
   * init string, which only travels inside CK_C_INITIALIZE_ARGS.
   */
  private initialize(): void {
    const options: pkcs11js.InitializationOptions = { flags: CKF.OS_LOCKING_OK };
    if (this.moduleArgs !== undefined) options.libraryParameters = this.moduleArgs;
    try {
      this.module.C_Initialize(options);
    } catch (e) {
      const err = toHsmError(e, "C_Initialize");
      // A module that cannot lock through the OS may still run single-threaded (our worker is one thread).
      if (err.code === "CKR_CANT_LOCK" && this.moduleArgs === undefined) {
        this.call("C_Initialize", () => this.module.C_Initialize());
        return;
      }
      if (err.code === "CKR_ARGUMENTS_BAD") {
        throw new HsmError(
          err.code,
          this.moduleArgs === undefined
            ? `The PKCS#11 module at ${this.modulePath} refused to start without an initialisation string. Pass it with --module-args ` +
                `(NSS softokn: --module-args "configdir='sql:DIR' certPrefix='' keyPrefix='' secmod='secmod.db' flags="). (CKR_ARGUMENTS_BAD from C_Initialize)`
            : `The PKCS#11 module at ${this.modulePath} refused the --module-args string. Check it against the module's documentation. (CKR_ARGUMENTS_BAD from C_Initialize)`,
          "C_Initialize",
          { cause: e },
        );
      }
      if (this.moduleArgs !== undefined) {
        throw new HsmError(
          err.code,
          `The PKCS#11 module at ${this.modulePath} did not start with the given --module-args. Check the string ` +
            `(NSS softokn: does the configdir folder exist and hold cert9.db and key4.db?). (${err.code} from C_Initialize)`,
          "C_Initialize",
          { cause: e },
        );
      }
      throw err;
    }
  }

  private call<T>(method: string, fn: () => T, context?: string): T {
    try {
      return fn();
    } catch (e) {
      throw toHsmError(e, method, context);
    }
  }

  private requireSession(): Handle {
    if (!this.session) throw new HsmError("HSM_NO_SESSION", "No HSM token is open. Choose a token first.");
    return this.session;
  }

  listTokens(): TokenInfo[] {
    const slots = this.call("C_GetSlotList", () => this.module.C_GetSlotList(true));
    return slots.map((slot) => this.describeToken(slot));
  }

  private describeToken(slot: Handle): TokenInfo {
    return describeTokenInfo(ulongText(slot), this.call("C_GetTokenInfo", () => this.module.C_GetTokenInfo(slot)));
  }

  /** Opens a read-write session on the token with this label (and serial). Never by slot index. */
  openToken(selector: TokenSelector): TokenInfo {
    const slots = this.call("C_GetSlotList", () => this.module.C_GetSlotList(true));
    const matches = slots
      .map((slot) => ({ slot, info: this.describeToken(slot) }))
      .filter(({ info }) => info.label === selector.label && (selector.serial === undefined || info.serial === selector.serial))
      .filter(({ info }) => (selector.model ?? info.model) === info.model && (selector.manufacturer ?? info.manufacturer) === info.manufacturer);
    if (matches.length === 0) {
      const seen = slots.map((s) => this.describeToken(s)).map((t) => `"${t.label}" (serial ${t.serial})`);
      throw new HsmError(
        "HSM_TOKEN_NOT_FOUND",
        `No token labelled "${selector.label}"${selector.serial ? ` with serial ${selector.serial}` : ""}${selector.model ? `, model "${selector.model}"` : ""}${selector.manufacturer ? `, manufacturer "${selector.manufacturer}"` : ""} is present. ` +
          `Tokens seen: ${seen.length ? seen.join(", ") : "none"}. Check that the right HSM is plugged in.`,
      );
    }
    if (matches.length > 1) {
      throw new HsmError(
        "HSM_TOKEN_AMBIGUOUS",
        `${matches.length} tokens are labelled "${selector.label}". Give the serial number too (${matches.map((m) => m.info.serial).join(", ")}).`,
      );
    }
    const [{ slot, info }] = matches as [{ slot: Handle; info: TokenInfo }];
    this.closeSession();
    this.session = this.call("C_OpenSession", () => this.module.C_OpenSession(slot, CKF.RW_SESSION | CKF.SERIAL_SESSION));
    this.slot = slot;
    this.token = info;
    this.wrapChoice = null;
    this.offered = null;
    return info;
  }

  tokenInfo(): TokenInfo {
    if (!this.slot) throw new HsmError("HSM_NO_SESSION", "No HSM token is open. Choose a token first.");
    this.token = this.describeToken(this.slot);
    return this.token;
  }

  mechanisms(): number[] {
    if (!this.slot) throw new HsmError("HSM_NO_SESSION", "No HSM token is open. Choose a token first.");
    const slot = this.slot;
    return this.call("C_GetMechanismList", () => this.module.C_GetMechanismList(slot));
  }

  /** The capability preflight's probes on the open session (preflight-probes.ts). */
  probeCapabilities(request: ProbeRequest): ProbeResult {
    if (!this.slot) throw new HsmError("HSM_NO_SESSION", "No HSM token is open. Choose a token first.");
    const slot = this.slot;
    const session = this.requireSession();
    return this.call("C_GetMechanismList", () => runProbes(this.module, slot, session, request));
  }

  /**
   * Logs in once with the PIN the officer typed. The buffer is wiped here, whatever happens;
   * a wrong PIN is reported with the token's retry state and is never retried.
   * pkcs11js only takes the PIN as a JS string, which cannot be wiped: it is made at the last
   * moment and dropped at once.
   */
  login(role: "user" | "so", pin: Uint8Array): void {
    const session = this.requireSession();
    try {
      this.module.C_Login(session, role === "user" ? CKU.USER : CKU.SO, Buffer.from(pin).toString("utf8"));
    } catch (e) {
      const err = toHsmError(e, "C_Login");
      if (err.code === "CKR_PIN_INCORRECT" || err.code === "CKR_PIN_LOCKED") {
        const flags = this.tokenInfo().flags;
        // The retry state goes before the code, where the officer reads on.
        throw new HsmError(err.code, `${adviceFor(err.code)} ${retryState(flags, role)} (${err.code} from C_Login)`, "C_Login", { cause: e });
      }
      throw err;
    } finally {
      wipe(pin);
    }
  }

  logout(): void {
    const session = this.requireSession();
    this.call("C_Logout", () => this.module.C_Logout(session));
  }

  random(length: number): Buffer {
    if (!Number.isInteger(length) || length < 1 || length > 4096) throw new RangeError("random: length must be 1..4096");
    const session = this.requireSession();
    return this.call("C_GenerateRandom", () => this.module.C_GenerateRandom(session, Buffer.alloc(length)));
  }

  findObjects(query: { label?: string; id?: string; class?: ObjectClass }): ObjectSummary[] {
    const session = this.requireSession();
    const template: Attribute[] = [];
    if (query.label !== undefined) template.push({ type: CKA.LABEL, value: query.label });
    if (query.id !== undefined) template.push({ type: CKA.ID, value: Buffer.from(query.id, "hex") });
    if (query.class !== undefined) template.push({ type: CKA.CLASS, value: CLASS_CODES[query.class] });
    this.call("C_FindObjectsInit", () => this.module.C_FindObjectsInit(session, template));
    let handles: Handle[];
    try {
      handles = this.call("C_FindObjects", () => this.module.C_FindObjects(session, 1000));
    } finally {
      this.call("C_FindObjectsFinal", () => this.module.C_FindObjectsFinal(session));
    }
    return handles.map((h) => this.describeObject(hex(h)));
  }

  describeObject(handle: string): ObjectSummary {
    const session = this.requireSession();
    const attrs = this.call("C_GetAttributeValue", () =>
      this.module.C_GetAttributeValue(session, handleOf(handle), [
        { type: CKA.CLASS },
        { type: CKA.LABEL },
        { type: CKA.ID },
        { type: CKA.KEY_TYPE },
        { type: CKA.TOKEN },
      ]),
    );
    const value = (i: number): Buffer => attrs[i]?.value ?? Buffer.alloc(0);
    const cls = value(0).readUInt32LE(0);
    const keyType = value(3).length ? value(3).readUInt32LE(0) : -1;
    return {
      handle,
      class: CLASS_NAMES[cls] ?? "secret",
      label: value(1).toString("utf8"),
      id: hex(value(2)),
      keyType: KEY_TYPE_NAMES[keyType] ?? "OTHER",
      token: value(4)[0] === 1,
    };
  }

  /** Reads boolean attributes of an object, e.g. to prove what the token enforces. */
  readFlags(handle: string, names: Array<keyof typeof CKA>): Record<string, boolean> {
    const session = this.requireSession();
    const attrs = this.call("C_GetAttributeValue", () =>
      this.module.C_GetAttributeValue(
        session,
        handleOf(handle),
        names.map((n) => ({ type: CKA[n] })),
      ),
    );
    return Object.fromEntries(names.map((n, i) => [n, attrs[i]?.value?.[0] === 1]));
  }

  /** Reads an attribute that should be secret; used by tests to prove the token refuses. */
  readValue(handle: string): Buffer {
    const session = this.requireSession();
    const [attr] = this.call("C_GetAttributeValue", () =>
      this.module.C_GetAttributeValue(session, handleOf(handle), [{ type: CKA.VALUE }]),
    );
    return attr?.value ?? Buffer.alloc(0);
  }

  private assertLabelFree(label: string): void {
    if (label.length === 0 || Buffer.byteLength(label) > 128) {
      throw new HsmError("HSM_LABEL_INVALID", `The key label "${label}" must be 1 to 128 bytes long.`);
    }
    const existing = this.findObjects({ label });
    if (existing.length > 0) {
      const what = existing.map((o) => `${o.class} ${o.keyType} key with ID ${o.id || "(none)"}`).join(", ");
      throw new HsmError(
        "HSM_LABEL_CONFLICT",
        `The token already holds an object labelled "${label}": ${what}. Nothing was overwritten. ` +
          "Choose another label, or destroy the old key under its own ceremony.",
      );
    }
  }

  generateKeyPair(request: GenerateKeyPairRequest): KeyPairInfo {
    const session = this.requireSession();
    this.assertLabelFree(request.label);
    const id = this.random(16);
    const full = signingKeyPairTemplates(request.label, id);
    const minimal = minimalSigningKeyPairTemplates(request.label, id);
    const keyParams: Attribute[] = [];
    let mechanism: number;
    switch (request.algorithm) {
      case "EC-P256":
      case "EC-P384":
        mechanism = CKM.EC_KEY_PAIR_GEN;
        keyParams.push({ type: CKA.EC_PARAMS, value: EC_PARAMS[request.algorithm === "EC-P256" ? "P-256" : "P-384"] });
        break;
      case "Ed25519":
        mechanism = CKM.EC_EDWARDS_KEY_PAIR_GEN;
        if (!this.mechanisms().includes(mechanism)) {
          throw new HsmError("CKR_MECHANISM_INVALID", "This HSM does not offer Ed25519 key generation (CKM_EC_EDWARDS_KEY_PAIR_GEN). Choose ECDSA P-384 or RSA.");
        }
        keyParams.push({ type: CKA.EC_PARAMS, value: EC_PARAMS.Ed25519 });
        break;
      case "RSA-3072":
      case "RSA-4096":
        mechanism = CKM.RSA_PKCS_KEY_PAIR_GEN;
        keyParams.push(
          { type: CKA.MODULUS_BITS, value: request.algorithm === "RSA-3072" ? 3072 : 4096 },
          { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        );
        break;
    }
    const made = makeKey(this.module, session, {
      what: "signing key pair",
      method: "C_GenerateKeyPair",
      make: (choice) => {
        const t = choice === "full" ? full : minimal;
        const keys = this.module.C_GenerateKeyPair(session, { mechanism }, [...t.publicTemplate, ...keyParams], t.privateTemplate);
        return { private: keys.privateKey, public: keys.publicKey };
      },
      policy: SIGNING_KEY_POLICY,
      recorded: { public: [...SIGNING_KEY_RECORDED.public] },
    });
    const keys = { privateKey: made.handles.private!, publicKey: made.handles.public! };
    const spki = this.publicKeySpki(hex(keys.publicKey), request.algorithm);
    return {
      template: made.template,
      effectiveAttributes: made.effectiveAttributes,
      label: request.label,
      id: hex(id),
      algorithm: request.algorithm,
      purpose: request.purpose,
      privateHandle: hex(keys.privateKey),
      publicHandle: hex(keys.publicKey),
      spki,
      spkiSha256: spkiSha256(spki),
    };
  }

  /**
   * The check of key-policy.ts on a key this ceremony made that is already on the token: adopted
   * after a step failed (or the program stopped) before the check ran, or found again on resume. A
   * key weaker than required is refused and left in place, never destroyed here: the step's
   * journal lists it, and the abort reports it.
   */
  checkKeyPolicy(
    request: { kind: "signing-pair"; label: string; privateHandle: string; publicHandle: string } | { kind: "kek"; label: string; handle: string; escrowable: boolean },
  ): { effectiveAttributes: string } {
    const session = this.requireSession();
    const checked =
      request.kind === "signing-pair"
        ? checkPolicy(this.module, session, { private: handleOf(request.privateHandle), public: handleOf(request.publicHandle) }, SIGNING_KEY_POLICY, { public: [...SIGNING_KEY_RECORDED.public] })
        : checkPolicy(this.module, session, { key: handleOf(request.handle) }, { key: policyOf(kekAttributes(request.escrowable, true)) });
    if (checked.violations.length) {
      throw new HsmError(
        "HSM_KEY_POLICY_WEAKER",
        `The key "${request.label}" this ceremony made reads back weaker than required (${checked.violations.join("; ")}); it was not used. ` +
          "Abort the ceremony (its transcript lists the key) and destroy the key in a key-destruction ceremony. This token cannot hold this key; use another HSM.",
        "C_GetAttributeValue",
      );
    }
    return { effectiveAttributes: checked.effectiveAttributes };
  }

  publicKeySpki(publicHandle: string, algorithm: KeyPairAlgorithm): Buffer {
    const session = this.requireSession();
    const h = handleOf(publicHandle);
    if (algorithm === "RSA-3072" || algorithm === "RSA-4096") {
      const [mod, exp] = this.call("C_GetAttributeValue", () =>
        this.module.C_GetAttributeValue(session, h, [{ type: CKA.MODULUS }, { type: CKA.PUBLIC_EXPONENT }]),
      );
      return spkiFromRsa(mod?.value ?? Buffer.alloc(0), exp?.value ?? Buffer.alloc(0));
    }
    const [point] = this.call("C_GetAttributeValue", () => this.module.C_GetAttributeValue(session, h, [{ type: CKA.EC_POINT }]));
    const value = point?.value ?? Buffer.alloc(0);
    return algorithm === "Ed25519" ? spkiFromEdwardsPoint(value) : spkiFromEcPoint(algorithm, value);
  }

  /**
   * A secret key with the given usage (kekAttributes / probeAttributes): the full template, else the
   * minimal one; kept only when what the token made meets the full template's values (key-policy.ts).
   */
  private makeSecretKey(what: string, method: string, base: Attribute[], usage: Attribute[], make: (template: Attribute[]) => Handle): MadeKey {
    return makeKey(this.module, this.requireSession(), {
      what,
      method,
      make: (choice) => ({ key: make([...base, ...(choice === "full" ? usage : minimalSecretKeyAttributes(usage))]) }),
      policy: { key: policyOf(usage) },
    });
  }

  /** An AES-256 KEK: wraps and unwraps only; extractable only wrapped, and only when escrowable. */
  generateSecretKey(request: GenerateSecretKeyRequest): SecretKeyInfo {
    const session = this.requireSession();
    this.assertLabelFree(request.label);
    const id = this.random(16);
    const base: Attribute[] = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.VALUE_LEN, value: 32 },
      { type: CKA.LABEL, value: request.label },
      { type: CKA.ID, value: id },
    ];
    const made = this.makeSecretKey("KEK", "C_GenerateKey", base, kekAttributes(request.escrowable, true), (t) =>
      this.module.C_GenerateKey(session, { mechanism: CKM.AES_KEY_GEN }, t),
    );
    const handle = hex(made.handles.key!);
    return {
      label: request.label,
      id: hex(id),
      algorithm: "AES-256",
      purpose: "kek",
      handle,
      escrowable: request.escrowable,
      template: made.template,
      effectiveAttributes: made.effectiveAttributes,
      ...this.kcvOf(handle, false),
    };
  }

  /**
   * KCV-ECB0 as the token computes it (CKA_CHECK_VALUE), without needing CKA_ENCRYPT; null where
   * the token has no such attribute for AES keys (NSS softokn, openCryptoki): the callers then use
   * the KCV probe (an encrypting session copy) and record that they did.
   */
  checkValue(handle: string): string | null {
    const session = this.requireSession();
    let attr: Attribute | undefined;
    try {
      [attr] = this.module.C_GetAttributeValue(session, handleOf(handle), [{ type: CKA.CHECK_VALUE }]);
    } catch (e) {
      const err = toHsmError(e, "C_GetAttributeValue");
      if (err.code === "CKR_ATTRIBUTE_TYPE_INVALID") return null;
      throw err;
    }
    const value = Buffer.from((attr?.value as Buffer | undefined) ?? Buffer.alloc(0));
    return value.length ? value.subarray(0, 3).toString("hex").toUpperCase() : null;
  }

  /** KCV-ECB0 of a key that may encrypt: AES-ECB of a zero block, first 3 bytes. */
  private encryptZeroBlock(handle: string): string {
    const session = this.requireSession();
    this.call("C_EncryptInit", () => this.module.C_EncryptInit(session, { mechanism: CKM.AES_ECB }, handleOf(handle)));
    const ecb = this.call("C_Encrypt", () => this.module.C_Encrypt(session, Buffer.alloc(16), Buffer.alloc(16)));
    return ecb.subarray(0, 3).toString("hex").toUpperCase();
  }

  /** The key's KCV-ECB0 and where it came from: the token's attribute, or (for a probe) C_Encrypt. */
  private kcvOf(handle: string, canEncrypt: boolean): Pick<SecretKeyInfo, "kcvEcb0" | "kcvSource"> {
    const attr = this.checkValue(handle);
    if (attr !== null) return { kcvEcb0: attr, kcvSource: "CKA_CHECK_VALUE" };
    if (canEncrypt) return { kcvEcb0: this.encryptZeroBlock(handle), kcvSource: "C_Encrypt" };
    return { kcvEcb0: null, kcvSource: null };
  }

  /**
   * The mechanism that produces RFC 5649 on this token, proven by a known-answer test on session
   * objects (key-wrap-choice.ts, the same table and decision as the preflight). `prefer`: the
   * mechanism a transcript recorded, used when it proves RFC 5649 here too. wrapKey and
   * unwrapAesKey use the last choice made.
   */
  escrowWrapMechanism(prefer?: number): WrapChoice {
    const session = this.requireSession();
    if (this.wrapChoice && (prefer === undefined || this.wrapChoice.mechanism === prefer)) return this.wrapChoice;
    this.wrapChoice = chooseEscrowWrap(
      {
        mechanisms: () => [...(this.offered ??= new Set(this.mechanisms()))],
        createObject: (template) => this.module.C_CreateObject(session, template),
        wrap: (mechanism, wrapping, key) => this.module.C_WrapKey(session, { mechanism }, wrapping, key, Buffer.alloc(1024)),
        destroy: (handle) => this.module.C_DestroyObject(session, handle),
      },
      { prefer },
    );
    return this.wrapChoice;
  }

  /**
   * Imports AES key bytes as a session object (gone when the session closes). Used for the
   * escrow transport key, and for a "KCV probe" that may encrypt and MAC (for KCVs) but never wrap.
   * The bytes are wiped here.
   */
  importAesKey(request: { value: Uint8Array; label: string; use: "escrow-transport" | "kcv-probe" }): SecretKeyInfo {
    const session = this.requireSession();
    const probe = request.use === "kcv-probe";
    const value = Buffer.from(request.value);
    try {
      if (value.length !== 32) throw new RangeError("importAesKey: an AES-256 key is 32 bytes");
      const base: Attribute[] = [
        { type: CKA.CLASS, value: CKO.SECRET_KEY },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.LABEL, value: request.label },
        { type: CKA.VALUE, value },
      ];
      // The escrow transport key has a KEK's usage (wrap and unwrap only) as a session object; the probe encrypts and MACs.
      const usage = probe ? probeAttributes() : kekAttributes(false, false);
      const made = this.makeSecretKey(probe ? "KCV probe" : "escrow transport key", "C_CreateObject", base, usage, (t) => this.module.C_CreateObject(session, t));
      const handle = hex(made.handles.key!);
      return {
        label: request.label,
        id: "",
        algorithm: "AES-256",
        purpose: request.use,
        handle,
        escrowable: false,
        template: made.template,
        effectiveAttributes: made.effectiveAttributes,
        ...this.kcvOf(handle, probe),
      };
    } finally {
      wipe(value, request.value);
    }
  }

  /**
   * Both KCVs of a key that may encrypt and MAC (a KCV probe): KCV-ECB0 = AES-ECB(key, 0^128)[0..3],
   * KCV-CMAC = AES-CMAC(key, 0^128)[0..5] (docs/architecture.md, "Key check values").
   */
  probeKcv(handle: string): KeyCheckValues {
    const session = this.requireSession();
    const h = handleOf(handle);
    const zero = Buffer.alloc(16);
    this.call("C_EncryptInit", () => this.module.C_EncryptInit(session, { mechanism: CKM.AES_ECB }, h));
    const ecb = this.call("C_Encrypt", () => this.module.C_Encrypt(session, zero, Buffer.alloc(16)));
    this.call("C_SignInit", () => this.module.C_SignInit(session, { mechanism: CKM.AES_CMAC }, h));
    const cmac = this.call("C_Sign", () => this.module.C_Sign(session, zero, Buffer.alloc(16)));
    return {
      kcvEcb0: ecb.subarray(0, 3).toString("hex").toUpperCase(),
      kcvCmac: cmac.subarray(0, 5).toString("hex").toUpperCase(),
    };
  }

  /** RFC 5649 AES key wrap with padding of `keyHandle` under `wrappingHandle`, with the proven mechanism. */
  wrapKey(wrappingHandle: string, keyHandle: string): Buffer {
    const session = this.requireSession();
    const { mechanism } = this.escrowWrapMechanism();
    return this.call("C_WrapKey", () =>
      this.module.C_WrapKey(session, { mechanism }, handleOf(wrappingHandle), handleOf(keyHandle), Buffer.alloc(1024)),
    );
  }

  /**
   * Unwraps an AES-256 key (RFC 5649, with the proven mechanism). As a token KEK it gets the KEK attributes and the given
   * label and ID; as a KCV probe it is a session object that may only encrypt and MAC.
   */
  unwrapAesKey(request: {
    unwrappingHandle: string;
    wrapped: Buffer;
    as: "kek" | "kcv-probe";
    label: string;
    id?: string;
    escrowable?: boolean;
  }): SecretKeyInfo {
    const session = this.requireSession();
    if (request.as === "kek") this.assertLabelFree(request.label);
    const id = request.id ? Buffer.from(request.id, "hex") : Buffer.alloc(0);
    const base: Attribute[] = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.LABEL, value: request.label },
      ...(id.length ? [{ type: CKA.ID, value: id }] : []),
    ];
    const kek = request.as === "kek";
    const usage = kek ? kekAttributes(request.escrowable ?? true, true) : probeAttributes();
    const { mechanism } = this.escrowWrapMechanism();
    const made = this.makeSecretKey(kek ? "KEK" : "KCV probe", "C_UnwrapKey", base, usage, (t) =>
      this.module.C_UnwrapKey(session, { mechanism }, handleOf(request.unwrappingHandle), request.wrapped, t),
    );
    const handle = hex(made.handles.key!);
    return {
      label: request.label,
      id: hex(id),
      algorithm: "AES-256",
      purpose: request.as,
      handle,
      escrowable: kek && (request.escrowable ?? true),
      template: made.template,
      effectiveAttributes: made.effectiveAttributes,
      ...this.kcvOf(handle, !kek),
    };
  }

  private offers(mechanism: number): boolean {
    this.offered ??= new Set(this.mechanisms());
    return this.offered.has(mechanism);
  }

  /**
   * The transcript-signing key's algorithm, from what the token offers: ECDSA P-256, else P-384
   * (by CKM_EC_KEY_PAIR_GEN's key-size range), else RSA-3072 signed with PKCS#1 v1.5 — the one RSA
   * scheme `verify` and the OpenSSL recipe check (src/transcript/dsse.ts), so a token that signs
   * RSA only with PSS is refused here as the preflight refuses it (preflight-needs.ts).
   */
  transcriptSignerAlgorithm(): "EC-P256" | "EC-P384" | "RSA-3072" {
    const slot = this.slot;
    if (!slot) throw new HsmError("HSM_NO_SESSION", "No HSM token is open. Choose a token first.");
    if (this.offers(CKM.EC_KEY_PAIR_GEN) && this.offers(CKM.ECDSA)) {
      let range = { min: 256, max: 384 };
      try {
        const info = this.module.C_GetMechanismInfo(slot, CKM.EC_KEY_PAIR_GEN);
        range = { min: info.minKeySize, max: info.maxKeySize };
      } catch {
        // No mechanism info: the list says EC; P-256 is the one every EC token has.
      }
      if (range.min <= 256 && range.max >= 256) return "EC-P256";
      if (range.min <= 384 && range.max >= 384) return "EC-P384";
    }
    // CKM_RSA_PKCS signs a host-made DigestInfo where CKM_SHA256_RSA_PKCS is missing (sign below).
    const rsaSigns = [CKM.SHA256_RSA_PKCS, CKM.RSA_PKCS].some((m) => this.offers(m));
    if (this.offers(CKM.RSA_PKCS_KEY_PAIR_GEN) && rsaSigns) return "RSA-3072";
    throw new HsmError(
      "HSM_NO_TRANSCRIPT_SIGNER",
      "This token can make none of the transcript-signing keys this application uses (ECDSA P-256 or P-384, RSA-3072 signing with PKCS#1 v1.5). Use another HSM.",
    );
  }

  sign(request: { handle: string; mechanism: SignMechanism; data: Buffer; format?: "raw" | "der" }): Buffer {
    const session = this.requireSession();
    const key = handleOf(request.handle);
    let mechanism: pkcs11js.Mechanism;
    let input = request.data;
    const hostHash = (alg: "sha256" | "sha384"): Buffer => createHash(alg).update(request.data).digest();
    switch (request.mechanism) {
      case "ECDSA-SHA256":
      case "ECDSA-SHA384":
        // CKM_ECDSA signs a hash; the host hashes so that long inputs never cross to the token.
        mechanism = { mechanism: CKM.ECDSA };
        input = createHash(request.mechanism === "ECDSA-SHA256" ? "sha256" : "sha384").update(request.data).digest();
        break;
      case "RSA-PKCS1-SHA256":
      case "RSA-PKCS1-SHA384": {
        const is256 = request.mechanism === "RSA-PKCS1-SHA256";
        const combined = is256 ? CKM.SHA256_RSA_PKCS : CKM.SHA384_RSA_PKCS;
        if (this.offers(combined) || !this.offers(CKM.RSA_PKCS)) {
          mechanism = { mechanism: combined };
        } else {
          // No CKM_SHA*_RSA_PKCS (openCryptoki has only SHA1/MD5 ones): hash here, sign the DigestInfo with raw CKM_RSA_PKCS.
          mechanism = { mechanism: CKM.RSA_PKCS };
          input = Buffer.concat([DIGEST_INFO_PREFIX[is256 ? "sha256" : "sha384"], hostHash(is256 ? "sha256" : "sha384")]);
        }
        break;
      }
      case "RSA-PSS-SHA256":
      case "RSA-PSS-SHA384": {
        const is256 = request.mechanism === "RSA-PSS-SHA256";
        const combined = is256 ? CKM.SHA256_RSA_PKCS_PSS : CKM.SHA384_RSA_PKCS_PSS;
        // Without the combined mechanism, CKM_RSA_PKCS_PSS signs a hash made here, with the same parameters.
        const raw = !this.offers(combined) && this.offers(CKM.RSA_PKCS_PSS);
        if (raw) input = hostHash(is256 ? "sha256" : "sha384");
        mechanism = {
          mechanism: raw ? CKM.RSA_PKCS_PSS : combined,
          parameter: {
            type: pkcs11js.CK_PARAMS_RSA_PSS,
            hashAlg: is256 ? CKM.SHA256 : CKM.SHA384,
            mgf: is256 ? CKG.MGF1_SHA256 : CKG.MGF1_SHA384,
            saltLen: is256 ? 32 : 48,
          } as pkcs11js.IParams,
        };
        break;
      }
      case "EdDSA":
        mechanism = { mechanism: CKM.EDDSA };
        break;
    }
    this.call("C_SignInit", () => this.module.C_SignInit(session, mechanism, key));
    const signature = this.call("C_Sign", () => this.module.C_Sign(session, input, Buffer.alloc(1024)));
    const isEcdsa = request.mechanism.startsWith("ECDSA");
    return isEcdsa && request.format === "der" ? ecdsaRawToDer(signature) : Buffer.from(signature);
  }

  /**
   * Several signatures in one request, e.g. a batch of pre-signed OCSP responses: one trip to
   * the worker instead of one per signature.
   */
  signMany(requests: Array<{ handle: string; mechanism: SignMechanism; data: Buffer; format?: "raw" | "der" }>): Buffer[] {
    return requests.map((r) => this.sign(r));
  }

  destroyObject(handle: string): void {
    const session = this.requireSession();
    this.call("C_DestroyObject", () => this.module.C_DestroyObject(session, handleOf(handle)));
  }

  private closeSession(): void {
    if (this.session) {
      const s = this.session;
      this.session = null;
      try {
        this.module.C_CloseSession(s);
      } catch {
        // The session may already be gone with the device; closing is best effort.
      }
    }
  }

  close(): void {
    this.closeSession();
    try {
      this.module.C_Finalize();
    } finally {
      this.module.close();
    }
  }
}
