/**
 * The preflight's probes of a token, run in the HSM worker on the open session: the mechanism
 * list, CK_MECHANISM_INFO of each mechanism, and known-answer tests where the list cannot tell
 * (e.g. whether 0x210A is RFC 5649 or RFC 3394 with PKCS#7 padding on this module). Every test
 * object is labelled ceremony-preflight-… and destroyed before its test returns; one the token
 * refuses to destroy is reported (`left`), never passed over in silence.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import type pkcs11js from "pkcs11js";
import { aesCmac, aesEncryptBlock } from "../escrow/aes-cmac.ts";
import { CKA, CKK, CKM, CKO, EC_PARAMS } from "./constants.ts";
import { toHsmError } from "./errors.ts";
import { decideWrap, ESCROW_SHAPE_VECTOR, WRAP_MECHANISMS, wrapEvidence, type WrapProbeSession } from "./key-wrap-choice.ts";
import { spkiFromEcPoint } from "./public-key.ts";
import { makeKey, policyOf, WeakerThanRequired } from "./key-policy.ts";
import { kekAttributes, minimalSecretKeyAttributes, minimalSigningKeyPairTemplates, probeAttributes, SIGNING_KEY_POLICY, signingKeyPairTemplates } from "./templates.ts";
import type { KatName, KatResult, LeftObject, MechanismInfo, ProbeRequest, ProbeResult, WrapEvidence } from "./preflight-types.ts";

type Handle = Buffer;
type Attribute = pkcs11js.Attribute;

export type ProbeModule = Pick<
  pkcs11js.PKCS11,
  | "C_GetMechanismList"
  | "C_GetMechanismInfo"
  | "C_CreateObject"
  | "C_DestroyObject"
  | "C_GenerateKey"
  | "C_GenerateKeyPair"
  | "C_GetAttributeValue"
  | "C_WrapKey"
  | "C_UnwrapKey"
  | "C_EncryptInit"
  | "C_Encrypt"
  | "C_SignInit"
  | "C_Sign"
  | "C_FindObjectsInit"
  | "C_FindObjects"
  | "C_FindObjectsFinal"
>;

/** Labels of the test objects: a left-behind object is named by its label. */
const LABEL = "ceremony-preflight-";

/** A fixed, public test key (never a real one) for the AES KATs. */
const TEST_KEY = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");

/** Codes that mean "log in first": tpm2-pkcs11 answers a public R/W session's writes with CKR_SESSION_READ_ONLY. */
const LOGIN_CODES: ReadonlySet<string> = new Set(["CKR_USER_NOT_LOGGED_IN", "CKR_SESSION_READ_ONLY"]);

export function runProbes(module: ProbeModule, slot: Handle, session: Handle, request: ProbeRequest): ProbeResult {
  const mechanisms = module.C_GetMechanismList(slot);
  const info: MechanismInfo[] = mechanisms.map((mechanism) => {
    try {
      const i = module.C_GetMechanismInfo(slot, mechanism);
      return { mechanism, minKeySize: i.minKeySize, maxKeySize: i.maxKeySize, flags: i.flags };
    } catch {
      // Listed but not described: the verdict then rests on the list and the known-answer tests.
      return { mechanism, minKeySize: 0, maxKeySize: 0, flags: 0 };
    }
  });
  const probe = new KnownAnswerTests(module, session, request.loggedIn);
  const tests = request.tests.map((name) => probe.run(name));
  return { mechanisms, info, tests, wrap: probe.wrap, left: probe.left };
}

/** What a test returns: null (or a note) on the known answer, a string saying what differed, or why it could not run. */
type Outcome = string | null | { note: string } | { notPossible: string } | { needsLogin: string };

interface Made {
  handle: Handle;
  label: string;
  what: string;
  token: boolean;
}

class KnownAnswerTests {
  private readonly made: Made[] = [];
  readonly wrap: WrapEvidence[] = [];
  readonly left: LeftObject[] = [];

  constructor(
    private readonly module: ProbeModule,
    private readonly session: Handle,
    private readonly loggedIn: boolean,
  ) {}

  run(name: KatName): KatResult {
    try {
      const outcome = this.test(name);
      if (outcome === null) return { name, outcome: "passed", detail: "" };
      if (typeof outcome === "string") return { name, outcome: "failed", detail: outcome };
      if ("note" in outcome) return { name, outcome: "passed", detail: outcome.note };
      if ("needsLogin" in outcome) return { name, outcome: "needs-login", detail: outcome.needsLogin };
      return { name, outcome: "not-possible", detail: outcome.notPossible };
    } catch (e) {
      if (e instanceof Error && e.cause instanceof WeakerThanRequired) {
        // The token made the key, but weaker than the ceremony requires: the ceremony would refuse it too.
        return { name, outcome: "failed", detail: `HSM_KEY_POLICY_WEAKER, ${e.cause.message}` };
      }
      const code = toHsmError(e, "").code;
      return { name, outcome: this.needsLogin(code) ? "needs-login" : "failed", detail: code };
    } finally {
      this.destroyMade();
    }
  }

  private needsLogin(code: string): boolean {
    return !this.loggedIn && LOGIN_CODES.has(code);
  }

  private test(name: KatName): Outcome {
    switch (name) {
      case "wrap-kwp":
      case "wrap-pad":
      case "wrap-luna-kwp":
      case "wrap-cloudhsm-zero-pad":
        return this.wrapTest(name);
      case "unwrap-kcv":
        return this.unwrapTest();
      case "kek-template": {
        const base = [
          { type: CKA.CLASS, value: CKO.SECRET_KEY },
          { type: CKA.KEY_TYPE, value: CKK.AES },
          { type: CKA.VALUE_LEN, value: 32 },
          { type: CKA.LABEL, value: `${LABEL}kek` },
        ];
        const made = this.makeSecretKey(`${LABEL}kek`, "C_GenerateKey", kekAttributes(true, false), (t) => this.module.C_GenerateKey(this.session, { mechanism: CKM.AES_KEY_GEN }, [...base, ...t]));
        return made.note ? { note: made.note } : null;
      }
      case "secret-import":
        this.importTestKey("escrow-transport");
        return null;
      case "check-value": {
        const key = this.importTestKey("escrow-transport");
        const [attr] = this.module.C_GetAttributeValue(this.session, key, [{ type: CKA.CHECK_VALUE }]);
        return expect("CKA_CHECK_VALUE", attr?.value, Buffer.from(aesEncryptBlock(TEST_KEY, Buffer.alloc(16))).subarray(0, 3));
      }
      case "kcv-mechanisms": {
        const kcvs = this.kcvsOf(this.importTestKey("kcv-probe"));
        const zero = Buffer.alloc(16);
        return expect("AES-ECB", kcvs.ecb, Buffer.from(aesEncryptBlock(TEST_KEY, zero))) ?? expect("AES-CMAC", kcvs.cmac, Buffer.from(aesCmac(TEST_KEY, zero)));
      }
      case "sign-EC-P256":
      case "sign-EC-P384":
        return this.signAndVerify(name === "sign-EC-P256" ? "EC-P256" : "EC-P384");
      case "destroy":
        return this.destroyTest();
    }
  }

  /**
   * One mechanism of the RFC 5649 table (key-wrap-choice.ts), with the same known-answer tests and
   * the same public session objects as the escrow step: an AES-256 key under an AES-256 KEK must
   * equal what OpenSSL's id-aes256-wrap-pad gives (RFC 3394 with PKCS#7 padding gives 48 bytes, not
   * 40); the RFC 5649 §6 vector is tried too and reported.
   */
  private wrapTest(name: KatName): Outcome {
    const entry = WRAP_MECHANISMS.find((m) => m.kat === name)!;
    const evidence = wrapEvidence(this.wrapSession(), entry.mechanism, { private: false, labelPrefix: LABEL }, this.left);
    this.wrap.push(evidence);
    const { shape, rfc } = evidence;
    const vector =
      rfc.outcome === "matched"
        ? "RFC 5649 §6 vector matched"
        : rfc.outcome === "differs"
          ? `RFC 5649 §6 20-octet vector differs${shape.outcome === "matched" ? " (the module pads short keys itself)" : ""}`
          : `RFC 5649 §6 vector not tried (${rfc.code ?? "no test object"})`;
    const vendor = entry.standard === "vendor" ? "vendor number from our table, untested by us; " : "";
    if (shape.outcome === "matched") return { note: `${vendor}${vector}` };
    if (shape.outcome === "not-possible") {
      if (shape.code && this.needsLogin(shape.code)) return { needsLogin: shape.code };
      return { notPossible: `${vendor}no test key could be made (${shape.code ?? "refused"})` };
    }
    const want = ESCROW_SHAPE_VECTOR.wrapped.length;
    const what = shape.code
      ? `C_WrapKey refused the test key (${shape.code})`
      : shape.length === want
        ? "its output differs from RFC 5649's"
        : `it gives ${shape.length} bytes for a 32-byte key, RFC 5649 gives ${want}`;
    return `${vendor}${what}; ${vector}`;
  }

  /**
   * The trial recovery's unwrap, on the RFC 5649 vector of the escrow's shape, made as the backend
   * makes it (importAesKey, unwrapAesKey: base template, full usage else minimal, read back and
   * checked): the escrow transport key, then C_UnwrapKey into a KCV probe, whose KCVs are compared
   * with the vector key's. A template the token refuses (e.g. one that insists on CKA_VALUE_LEN)
   * shows here, before anybody signs in.
   */
  private unwrapTest(): Outcome {
    const { choice } = decideWrap(this.wrap);
    if (!choice) return { notPossible: "no mechanism here is proven to give RFC 5649" };
    const transport = this.importTestKey("escrow-transport", Buffer.from(ESCROW_SHAPE_VECTOR.kek), `${LABEL}unwrap-transport`);
    const label = `${LABEL}unwrap-probe`;
    const base = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.LABEL, value: label },
    ];
    let probe: Handle;
    try {
      probe = this.makeSecretKey(label, "C_UnwrapKey", probeAttributes(), (t) =>
        this.module.C_UnwrapKey(this.session, { mechanism: choice.mechanism }, transport, Buffer.from(ESCROW_SHAPE_VECTOR.wrapped), [...base, ...t]),
      ).handle;
    } catch (e) {
      const code = toHsmError(e, "C_UnwrapKey").code;
      if (this.needsLogin(code) || (e instanceof Error && e.cause instanceof WeakerThanRequired)) throw e;
      return `C_UnwrapKey with ${choice.mechanismName} refused the trial recovery's template (${code})`;
    }
    const kcvs = this.kcvsOf(probe);
    const zero = Buffer.alloc(16);
    const mismatch =
      expect("KCV-ECB0 of the unwrapped key", kcvs.ecb.subarray(0, 3), Buffer.from(aesEncryptBlock(ESCROW_SHAPE_VECTOR.key, zero)).subarray(0, 3)) ??
      expect("KCV-CMAC of the unwrapped key", kcvs.cmac.subarray(0, 5), Buffer.from(aesCmac(ESCROW_SHAPE_VECTOR.key, zero)).subarray(0, 5));
    return mismatch ?? { note: `${choice.mechanismName}, KCVs match` };
  }

  /**
   * C_DestroyObject on the least-privileged object the token makes: a session data object, else an
   * AES key that may do nothing. A token that refuses wrap-capable test keys (or any AES key from
   * bytes: tpm2-pkcs11) is no reason to doubt that it destroys keys.
   */
  private destroyTest(): Outcome {
    const label = `${LABEL}destroy`;
    // NSS softokn makes only public data objects, tpm2-pkcs11 (logged in) only private ones and no AES keys.
    const data = (priv: boolean): { what: string; template: Attribute[] } => ({
      what: "session data object",
      template: [
        { type: CKA.CLASS, value: CKO.DATA },
        { type: CKA.PRIVATE, value: priv },
        { type: CKA.APPLICATION, value: "ceremony preflight" },
        { type: CKA.VALUE, value: Buffer.from("preflight destroy test") },
      ],
    });
    const candidates: Array<{ what: string; template: Attribute[] }> = [
      data(false),
      ...(this.loggedIn ? [data(true)] : []),
      {
        what: "session AES key with no usage",
        template: [
          { type: CKA.CLASS, value: CKO.SECRET_KEY },
          { type: CKA.KEY_TYPE, value: CKK.AES },
          { type: CKA.PRIVATE, value: this.loggedIn },
          { type: CKA.VALUE, value: Buffer.from(TEST_KEY) },
          ...[CKA.ENCRYPT, CKA.DECRYPT, CKA.WRAP, CKA.UNWRAP, CKA.SIGN, CKA.VERIFY, CKA.DERIVE].map((type) => ({ type, value: false })),
        ],
      },
    ];
    const refused: string[] = [];
    for (const c of candidates) {
      let handle: Handle;
      try {
        handle = this.module.C_CreateObject(this.session, [...c.template, { type: CKA.TOKEN, value: false }, { type: CKA.LABEL, value: label }]);
      } catch (e) {
        const code = toHsmError(e, "C_CreateObject").code;
        if (this.needsLogin(code)) throw e;
        refused.push(`${c.what}: ${code}`);
        continue;
      }
      this.keep(handle, label, c.what);
      this.module.C_DestroyObject(this.session, handle);
      this.made.pop();
      this.module.C_FindObjectsInit(this.session, [{ type: CKA.LABEL, value: label }]);
      let found: Handle[];
      try {
        found = this.module.C_FindObjects(this.session, 10);
      } finally {
        this.module.C_FindObjectsFinal(this.session);
      }
      return found.length === 0 ? { note: `${c.what} destroyed` } : `the destroyed ${c.what} is still found`;
    }
    return { notPossible: `the token made no test object to destroy (${refused.join("; ")})` };
  }

  /** The session in the shape the wrap known-answer tests of key-wrap-choice.ts take. */
  private wrapSession(): WrapProbeSession {
    return {
      mechanisms: () => [],
      createObject: (template) => this.module.C_CreateObject(this.session, template),
      wrap: (mechanism, wrapping, key) => this.module.C_WrapKey(this.session, { mechanism }, wrapping, key, Buffer.alloc(256)),
      destroy: (handle) => this.module.C_DestroyObject(this.session, handle),
    };
  }

  /** AES-ECB and AES-CMAC of a zero block, as probeKcv computes them. */
  private kcvsOf(key: Handle): { ecb: Buffer; cmac: Buffer } {
    const zero = Buffer.alloc(16);
    this.module.C_EncryptInit(this.session, { mechanism: CKM.AES_ECB }, key);
    const ecb = this.module.C_Encrypt(this.session, zero, Buffer.alloc(16));
    this.module.C_SignInit(this.session, { mechanism: CKM.AES_CMAC }, key);
    const cmac = this.module.C_Sign(this.session, zero, Buffer.alloc(16));
    return { ecb, cmac };
  }

  /** An AES key from bytes as importAesKey makes it: the escrow transport key wraps and unwraps only; the probe encrypts and MACs. */
  private importTestKey(use: "escrow-transport" | "kcv-probe", value: Buffer = Buffer.from(TEST_KEY), label = `${LABEL}${use}`): Handle {
    const usage = use === "kcv-probe" ? probeAttributes() : kekAttributes(false, false);
    const base = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.LABEL, value: label },
      { type: CKA.VALUE, value },
    ];
    return this.makeSecretKey(label, "C_CreateObject", usage, (t) => this.module.C_CreateObject(this.session, [...base, ...t])).handle;
  }

  /**
   * A secret key as the backend makes it (key-policy.ts): the full template, else the minimal one,
   * kept only when what the token made meets the policy; here as a session object.
   */
  private makeSecretKey(label: string, method: string, usage: Attribute[], make: (template: Attribute[]) => Handle): { handle: Handle; note: string | null } {
    const full = this.asSessionObject(usage);
    const made = makeKey(this.module, this.session, {
      what: "test key",
      method,
      make: (choice) => ({ key: this.keep(make(choice === "full" ? full : minimalSecretKeyAttributes(full)), label, "session AES key") }),
      policy: { key: policyOf(full) },
    });
    return { handle: made.handles.key!, note: made.refusedWith ? `full template refused (${made.refusedWith}), minimal template used` : null };
  }

  private signAndVerify(algorithm: "EC-P256" | "EC-P384"): Outcome {
    const ecParams = { type: CKA.EC_PARAMS, value: EC_PARAMS[algorithm === "EC-P256" ? "P-256" : "P-384"] };
    const generate = (templates: { publicTemplate: Attribute[]; privateTemplate: Attribute[] }, asTemplate: (t: Attribute[]) => Attribute[]): pkcs11js.KeyPair =>
      this.module.C_GenerateKeyPair(this.session, { mechanism: CKM.EC_KEY_PAIR_GEN }, asTemplate([...templates.publicTemplate, ecParams]), asTemplate(templates.privateTemplate));
    // The ceremony's own order and check (key-policy.ts): the full template, then the minimal one,
    // and the key kept only when its attributes read back as the ceremony requires.
    const templates = { full: signingKeyPairTemplates, minimal: minimalSigningKeyPairTemplates };
    const label = `${LABEL}signing-${algorithm}`;
    let asToken = false;
    const made = makeKey(this.module, this.session, {
      what: "signing key pair",
      method: "C_GenerateKeyPair",
      make: (choice) => {
        const t = templates[choice](label, Buffer.from("preflight"));
        let pair: pkcs11js.KeyPair;
        try {
          pair = generate(t, asToken ? (x) => x : (x) => this.asSessionObject(x));
        } catch (e) {
          // tpm2-pkcs11 makes no session keys ("Expected attr 0x1 to be 0"): logged in, the test key
          // is then a token object of the same template, destroyed before this returns.
          if (asToken || !this.loggedIn || toHsmError(e, "").code !== "CKR_ATTRIBUTE_VALUE_INVALID") throw e;
          asToken = true;
          pair = generate(t, (x) => x);
        }
        const where = asToken ? "token" : "session";
        this.keep(pair.publicKey, label, `${where} EC public key`, asToken);
        this.keep(pair.privateKey, label, `${where} EC private key`, asToken);
        return { private: pair.privateKey, public: pair.publicKey };
      },
      // Not logged in, the test key is public (CKA_PRIVATE false); everything else as the ceremony requires.
      policy: { ...SIGNING_KEY_POLICY, private: { ...SIGNING_KEY_POLICY.private, PRIVATE: this.loggedIn } },
    });
    const keys = { privateKey: made.handles.private!, publicKey: made.handles.public! };
    const refusedFull = made.refusedWith ?? null;
    const [point] = this.module.C_GetAttributeValue(this.session, keys.publicKey, [{ type: CKA.EC_POINT }]);
    const spki = spkiFromEcPoint(algorithm, point?.value ?? Buffer.alloc(0));
    // CKM_ECDSA signs a hash, as in a ceremony: the host hashes, the token signs, the host verifies.
    const hash = algorithm === "EC-P256" ? "sha256" : "sha384";
    const message = Buffer.from("ceremony preflight known-answer test");
    this.module.C_SignInit(this.session, { mechanism: CKM.ECDSA }, keys.privateKey);
    const signature = this.module.C_Sign(this.session, createHash(hash).update(message).digest(), Buffer.alloc(256));
    const key = createPublicKey({ key: spki, format: "der", type: "spki" });
    if (!verify(hash, message, { key, dsaEncoding: "ieee-p1363" }, signature)) return "the signature did not verify on the host";
    return refusedFull ? { note: `full template refused (${refusedFull}), minimal template used` } : null;
  }

  /** The ceremony's template as a session object; private only when a user is logged in. */
  private asSessionObject(template: Attribute[]): Attribute[] {
    return template.map((a) => {
      if (a.type === CKA.TOKEN) return { type: CKA.TOKEN, value: false };
      if (a.type === CKA.PRIVATE && !this.loggedIn) return { type: CKA.PRIVATE, value: false };
      return a;
    });
  }

  private keep(handle: Handle, label: string, what: string, token = false): Handle {
    this.made.push({ handle, label, what, token });
    return handle;
  }

  /**
   * Every test object goes; one the token will not destroy is reported with the token's answer. A
   * handle already invalid is an object already gone (key-policy.ts destroys a key weaker than
   * required itself).
   */
  private destroyMade(): void {
    for (const m of this.made.splice(0)) {
      try {
        this.module.C_DestroyObject(this.session, m.handle);
      } catch (e) {
        const code = toHsmError(e, "C_DestroyObject").code;
        if (code !== "CKR_OBJECT_HANDLE_INVALID") this.left.push({ label: m.label, what: m.what, code, token: m.token });
      }
    }
  }
}

function expect(what: string, got: Buffer | undefined, want: Buffer): string | null {
  if (got && Buffer.compare(got.subarray(0, want.length), want) === 0 && got.length >= want.length) return null;
  return `${what} was ${got?.length ? got.toString("hex") : "empty"}, expected ${want.toString("hex")}`;
}
