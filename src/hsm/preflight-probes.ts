/**
 * The preflight's probes of a token, run in the HSM worker on the open session: the mechanism
 * list, CK_MECHANISM_INFO of each mechanism, and known-answer tests where the list cannot tell
 * (e.g. whether 0x210A is RFC 5649 or RFC 3394 with PKCS#7 padding on this module). Every test
 * object is a session object (CKA_TOKEN false) destroyed before the test returns, so a probe
 * leaves nothing behind even if it fails half-way.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import type pkcs11js from "pkcs11js";
import { aesCmac, aesEncryptBlock } from "../escrow/aes-cmac.ts";
import { wrapKeyWithPadding } from "../escrow/key-wrap.ts";
import { CKA, CKK, CKM, CKO, EC_PARAMS } from "./constants.ts";
import { toHsmError } from "./errors.ts";
import { spkiFromEcPoint } from "./public-key.ts";
import { makeKey, policyOf, WeakerThanRequired } from "./key-policy.ts";
import { kekAttributes, minimalSecretKeyAttributes, minimalSigningKeyPairTemplates, probeAttributes, SIGNING_KEY_POLICY, signingKeyPairTemplates } from "./templates.ts";
import type { KatName, KatResult, MechanismInfo, ProbeRequest, ProbeResult } from "./preflight-types.ts";

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
  | "C_EncryptInit"
  | "C_Encrypt"
  | "C_SignInit"
  | "C_Sign"
  | "C_FindObjectsInit"
  | "C_FindObjects"
  | "C_FindObjectsFinal"
>;

/** CKM_AES_KEY_WRAP_KWP, PKCS#11 3.0: RFC 5649 by name. 0x210A is RFC 5649 only on some modules. */
export const CKM_AES_KEY_WRAP_KWP = 0x210b;
const CKK_GENERIC_SECRET = 0x10;

/** RFC 5649 §6, the 20-octet example under the 192-bit KEK. */
const RFC5649 = {
  kek: Buffer.from("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "hex"),
  key: Buffer.from("c37b7e6492584340bed12207808941155068f738", "hex"),
  wrapped: "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
};
/** A fixed, public test key (never a real one) for the AES KATs. */
const TEST_KEY = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");

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
  return { mechanisms, info, tests: request.tests.map((name) => probe.run(name)) };
}

class KnownAnswerTests {
  private readonly made: Handle[] = [];

  constructor(
    private readonly module: ProbeModule,
    private readonly session: Handle,
    private readonly loggedIn: boolean,
  ) {}

  run(name: KatName): KatResult {
    try {
      const detail = this.test(name);
      if (detail !== null && typeof detail === "object") return { name, outcome: "passed", detail: detail.note };
      return { name, outcome: detail === null ? "passed" : "failed", detail: detail ?? "" };
    } catch (e) {
      if (e instanceof Error && e.cause instanceof WeakerThanRequired) {
        // The token made the key, but weaker than the ceremony requires: the ceremony would refuse it too.
        return { name, outcome: "failed", detail: `HSM_KEY_POLICY_WEAKER, ${e.cause.message}` };
      }
      const code = toHsmError(e, "").code;
      // Without a login some modules (tpm2-pkcs11) answer a public R/W session's writes with
      // CKR_SESSION_READ_ONLY rather than CKR_USER_NOT_LOGGED_IN: either means "try with the PIN".
      const needsLogin = !this.loggedIn && (code === "CKR_USER_NOT_LOGGED_IN" || code === "CKR_SESSION_READ_ONLY");
      const outcome = needsLogin ? "needs-login" : "failed";
      return { name, outcome, detail: code };
    } finally {
      this.destroyMade();
    }
  }

  /** null (or a note) when the token gave the known answer, else what differed. */
  private test(name: KatName): string | null | { note: string } {
    switch (name) {
      case "wrap-kwp":
      case "wrap-pad": {
        const r = this.wrapVector(name === "wrap-kwp" ? CKM_AES_KEY_WRAP_KWP : CKM.AES_KEY_WRAP_PAD);
        return r.failed ? `${r.failed}; ${r.note}` : { note: r.note };
      }
      case "kek-template": {
        const base = [
          { type: CKA.CLASS, value: CKO.SECRET_KEY },
          { type: CKA.KEY_TYPE, value: CKK.AES },
          { type: CKA.VALUE_LEN, value: 32 },
          { type: CKA.LABEL, value: "ceremony-preflight-kek" },
        ];
        const made = this.makeSecretKey("C_GenerateKey", kekAttributes(true, false), (t) => this.module.C_GenerateKey(this.session, { mechanism: CKM.AES_KEY_GEN }, [...base, ...t]));
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
        const key = this.importTestKey("kcv-probe");
        const zero = Buffer.alloc(16);
        this.module.C_EncryptInit(this.session, { mechanism: CKM.AES_ECB }, key);
        const ecb = this.module.C_Encrypt(this.session, zero, Buffer.alloc(16));
        this.module.C_SignInit(this.session, { mechanism: CKM.AES_CMAC }, key);
        const cmac = this.module.C_Sign(this.session, zero, Buffer.alloc(16));
        return (
          expect("AES-ECB", ecb, Buffer.from(aesEncryptBlock(TEST_KEY, zero))) ??
          expect("AES-CMAC", cmac, Buffer.from(aesCmac(TEST_KEY, zero)))
        );
      }
      case "sign-EC-P256":
      case "sign-EC-P384":
        return this.signAndVerify(name === "sign-EC-P256" ? "EC-P256" : "EC-P384");
      case "destroy": {
        const made = this.destroyable("ceremony-preflight-destroy");
        this.module.C_DestroyObject(this.session, made.handle);
        const kept = this.made.indexOf(made.handle);
        if (kept >= 0) this.made.splice(kept, 1);
        this.module.C_FindObjectsInit(this.session, [{ type: CKA.LABEL, value: "ceremony-preflight-destroy" }]);
        let left: Handle[];
        try {
          left = this.module.C_FindObjects(this.session, 10);
        } finally {
          this.module.C_FindObjectsFinal(this.session);
        }
        if (left.length) return "the destroyed object is still found";
        return made.note ? { note: made.note } : null;
      }
    }
  }

  /**
   * An object to destroy: an AES key made from bytes (as the escrow's), or where the token makes no
   * such key (tpm2-pkcs11: "Can only create RSA Public key objects or data objects") a data object;
   * a token object where the token makes no session objects and a user is logged in.
   */
  private destroyable(label: string): { handle: Handle; note: string | null } {
    try {
      const aes = [
        { type: CKA.CLASS, value: CKO.SECRET_KEY },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.LABEL, value: label },
        { type: CKA.VALUE, value: Buffer.from(TEST_KEY) },
      ];
      return { handle: this.makeSecretKey("C_CreateObject", kekAttributes(false, false), (t) => this.module.C_CreateObject(this.session, [...aes, ...t])).handle, note: null };
    } catch (e) {
      const code = toHsmError(e, "").code;
      if (code === "CKR_USER_NOT_LOGGED_IN" || code === "CKR_SESSION_READ_ONLY") throw e;
      const data = (token: boolean): Attribute[] => [
        { type: CKA.CLASS, value: CKO.DATA },
        { type: CKA.TOKEN, value: token },
        { type: CKA.PRIVATE, value: this.loggedIn },
        { type: CKA.LABEL, value: label },
        { type: CKA.VALUE, value: Buffer.from("ceremony preflight") },
      ];
      const note = `on a data object: the token makes no AES key from bytes (${code})`;
      try {
        return { handle: this.keep(this.module.C_CreateObject(this.session, data(false))), note };
      } catch (again) {
        if (!this.loggedIn || toHsmError(again, "").code !== "CKR_ATTRIBUTE_VALUE_INVALID") throw again;
        return { handle: this.keep(this.module.C_CreateObject(this.session, data(true))), note };
      }
    }
  }

  /**
   * The ceremony's case decides: an AES-256 key wrapped under an AES-256 key must equal what
   * OpenSSL's id-aes256-wrap-pad (RFC 5649) gives — RFC 3394 with PKCS#7 padding gives 48 bytes, not
   * 40. The RFC 5649 §6 vector (a 20-octet key under a 192-bit KEK) is tried too and its result
   * reported: SoftHSM2's 0x210A pads short keys itself and misses it, yet is RFC 5649 for 32-byte keys.
   */
  private wrapVector(mechanism: number): { failed: string | null; note: string } {
    const kek = Buffer.from(TEST_KEY).reverse();
    const wrapped = this.wrapOnToken(mechanism, CKK.AES, kek, TEST_KEY);
    const want = Buffer.from(wrapKeyWithPadding(kek, TEST_KEY));
    const failed =
      wrapped.equals(want) ? null : wrapped.length === want.length ? "its output differs from RFC 5649's" : `it gives ${wrapped.length} bytes for a 32-byte key, RFC 5649 gives ${want.length}`;
    let note: string;
    try {
      const vector = this.wrapOnToken(mechanism, CKK_GENERIC_SECRET, RFC5649.kek, RFC5649.key);
      note = vector.toString("hex") === RFC5649.wrapped ? "RFC 5649 §6 vector matched" : `RFC 5649 §6 20-octet vector differs${failed ? "" : " (the module pads short keys itself)"}`;
    } catch (e) {
      note = `RFC 5649 §6 vector not tried (${toHsmError(e, "").code})`;
    }
    return { failed, note };
  }

  private wrapOnToken(mechanism: number, keyType: number, kekValue: Buffer, keyValue: Buffer): Buffer {
    const base = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.TOKEN, value: false },
      { type: CKA.PRIVATE, value: this.loggedIn },
    ];
    const kek = this.keep(
      this.module.C_CreateObject(this.session, [...base, { type: CKA.KEY_TYPE, value: CKK.AES }, { type: CKA.WRAP, value: true }, { type: CKA.VALUE, value: Buffer.from(kekValue) }]),
    );
    const key = this.keep(
      this.module.C_CreateObject(this.session, [
        ...base,
        { type: CKA.KEY_TYPE, value: keyType },
        { type: CKA.EXTRACTABLE, value: true },
        { type: CKA.VALUE, value: Buffer.from(keyValue) },
      ]),
    );
    return this.module.C_WrapKey(this.session, { mechanism }, kek, key, Buffer.alloc(256));
  }

  private importTestKey(use: "escrow-transport" | "kcv-probe"): Handle {
    // The escrow transport key has the KEK's usage (wrap and unwrap only); the probe encrypts and MACs.
    const usage = use === "kcv-probe" ? probeAttributes() : kekAttributes(false, false);
    const base = [
      { type: CKA.CLASS, value: CKO.SECRET_KEY },
      { type: CKA.KEY_TYPE, value: CKK.AES },
      { type: CKA.LABEL, value: `ceremony-preflight-${use}` },
      { type: CKA.VALUE, value: Buffer.from(TEST_KEY) },
    ];
    return this.makeSecretKey("C_CreateObject", usage, (t) => this.module.C_CreateObject(this.session, [...base, ...t])).handle;
  }

  /**
   * A secret key as the backend makes it (key-policy.ts): the full template, else the minimal one,
   * kept only when what the token made meets the policy; here as a session object.
   */
  private makeSecretKey(method: string, usage: Attribute[], make: (template: Attribute[]) => Handle): { handle: Handle; note: string | null } {
    const full = this.asSessionObject(usage);
    const made = makeKey(this.module, this.session, {
      what: "test key",
      method,
      make: (choice) => ({ key: this.keep(make(choice === "full" ? full : minimalSecretKeyAttributes(full))) }),
      policy: { key: policyOf(full) },
    });
    return { handle: made.handles.key!, note: made.refusedWith ? `full template refused (${made.refusedWith}), minimal template used` : null };
  }

  private signAndVerify(algorithm: "EC-P256" | "EC-P384"): string | null | { note: string } {
    const ecParams = { type: CKA.EC_PARAMS, value: EC_PARAMS[algorithm === "EC-P256" ? "P-256" : "P-384"] };
    const generate = (templates: { publicTemplate: Attribute[]; privateTemplate: Attribute[] }, asTemplate: (t: Attribute[]) => Attribute[]): pkcs11js.KeyPair =>
      this.module.C_GenerateKeyPair(this.session, { mechanism: CKM.EC_KEY_PAIR_GEN }, asTemplate([...templates.publicTemplate, ecParams]), asTemplate(templates.privateTemplate));
    // The ceremony's own order and check (key-policy.ts): the full template, then the minimal one,
    // and the key kept only when its attributes read back as the ceremony requires.
    const templates = { full: signingKeyPairTemplates, minimal: minimalSigningKeyPairTemplates };
    let asToken = false;
    const made = makeKey(this.module, this.session, {
      what: "signing key pair",
      method: "C_GenerateKeyPair",
      make: (choice) => {
        const t = templates[choice]("ceremony-preflight-signing", Buffer.from("preflight"));
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
        this.keep(pair.publicKey);
        this.keep(pair.privateKey);
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

  private keep(handle: Handle): Handle {
    this.made.push(handle);
    return handle;
  }

  private destroyMade(): void {
    for (const h of this.made.splice(0)) {
      try {
        this.module.C_DestroyObject(this.session, h);
      } catch {
        // Session objects end with the session anyway; a failed destroy must not hide the verdict.
      }
    }
  }
}

function expect(what: string, got: Buffer | undefined, want: Buffer): string | null {
  if (got && Buffer.compare(got.subarray(0, want.length), want) === 0 && got.length >= want.length) return null;
  return `${what} was ${got?.length ? got.toString("hex") : "empty"}, expected ${want.toString("hex")}`;
}
