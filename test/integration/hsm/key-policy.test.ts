/**
 * Every key the HSM layer makes is read back and kept only when its attributes are what the
 * ceremony requires (src/hsm/key-policy.ts), on SoftHSM2 and NSS softokn. Both take the full
 * templates, so the keys they make are recorded as "full" with the attributes read back. Neither
 * refuses a template, so the minimal templates are put to them directly: each module's own
 * defaults then make keys weaker than required (they may encrypt, sign, …), which the check refuses
 * and destroys. (The minimal template used for real, by a module that refuses the full one:
 * tpm2-key-policy.test.ts.)
 */
import { describe, expect, test } from "vitest";
import { CKA, CKK, CKM, CKO, EC_PARAMS, HsmClient, HsmError } from "../../../src/hsm/index.ts";
import { makeKey, policyOf, WeakerThanRequired } from "../../../src/hsm/key-policy.ts";
import { kekAttributes, minimalSecretKeyAttributes, minimalSigningKeyPairTemplates, probeAttributes, SIGNING_KEY_POLICY } from "../../../src/hsm/templates.ts";
import { openDirect } from "../../helpers/direct-module.ts";
import { clientOptions, HSM_IMPLEMENTATIONS, openRehearsalHsm } from "../../helpers/rehearsal-hsm.ts";

const KEK = "TOKEN PRIVATE SENSITIVE EXTRACTABLE WRAP UNWRAP !ENCRYPT !DECRYPT !SIGN !VERIFY !DERIVE";
const TRANSPORT = "!TOKEN PRIVATE SENSITIVE !EXTRACTABLE WRAP UNWRAP !ENCRYPT !DECRYPT !SIGN !VERIFY !DERIVE";
const PROBE = "!TOKEN PRIVATE SENSITIVE !EXTRACTABLE !WRAP !UNWRAP ENCRYPT !DECRYPT SIGN !VERIFY !DERIVE";

function weakness(e: unknown): string[] {
  expect(e).toBeInstanceOf(HsmError);
  expect((e as HsmError).code).toBe("HSM_KEY_POLICY_WEAKER");
  expect((e as HsmError).message).toMatch(/The key was destroyed\. This token cannot hold this key; use another HSM\.$/);
  const cause = (e as Error).cause;
  expect(cause).toBeInstanceOf(WeakerThanRequired);
  return (cause as WeakerThanRequired).violations;
}

describe.each(HSM_IMPLEMENTATIONS)("on %s", (implementation) => {
  test("the KEK, escrow transport key, KCV probe, an unwrapped KEK and a signing key pair are made with the full template and read back as it asked", async () => {
    const hsm = await openRehearsalHsm(["policy"], implementation);
    try {
      const c = hsm.client;
      const kek = await c.call("generateSecretKey", { label: "KEK-P", escrowable: true });
      expect({ template: kek.template, attrs: kek.effectiveAttributes }).toEqual({ template: "full", attrs: KEK });
      const transport = await c.call("importAesKey", { value: await c.call("random", 32), label: "transport", use: "escrow-transport" });
      expect({ template: transport.template, attrs: transport.effectiveAttributes }).toEqual({ template: "full", attrs: TRANSPORT });
      const wrapped = await c.call("wrapKey", transport.handle, kek.handle);
      const probe = await c.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kcv-probe", label: "probe" });
      expect({ template: probe.template, attrs: probe.effectiveAttributes }).toEqual({ template: "full", attrs: PROBE });
      const restored = await c.call("unwrapAesKey", { unwrappingHandle: transport.handle, wrapped, as: "kek", label: "KEK-Q", id: "0102", escrowable: true });
      expect({ template: restored.template, attrs: restored.effectiveAttributes }).toEqual({ template: "full", attrs: KEK });
      const pair = await c.call("generateKeyPair", { label: "pair", algorithm: "EC-P256", purpose: "signing" });
      expect({ template: pair.template, attrs: pair.effectiveAttributes }).toEqual({
        template: "full",
        attrs: "private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: VERIFY !ENCRYPT !WRAP",
      });
    } finally {
      await hsm.close();
    }
  });

  test("under the minimal templates this module's defaults make keys weaker than required: each is refused and destroyed", async () => {
    const hsm = await openRehearsalHsm(["policy"], implementation);
    // The HSM worker's module is closed first: a module is initialised once per process.
    await hsm.client.close();
    const token = hsm.env.tokens[0]!;
    const direct = openDirect({ modulePath: hsm.env.modulePath, env: hsm.env.env, label: token.label, userPin: token.userPin, ...(hsm.env.moduleArgs ? { moduleArgs: hsm.env.moduleArgs } : {}) });
    const found: Record<string, string[]> = {};
    try {
      const { module, session } = direct;
      const secret = (label: string, extra: Array<{ type: number; value: number | boolean | Buffer | string }> = []) => [
        { type: CKA.CLASS, value: CKO.SECRET_KEY },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.LABEL, value: label },
        ...extra,
      ];
      const attempt = (what: string, label: string, make: () => Record<string, Buffer>, policy: Parameters<typeof makeKey>[2]["policy"]): void => {
        let thrown: unknown = null;
        try {
          makeKey(module, session, { what, method: "test", make, policy });
        } catch (e) {
          thrown = e;
        }
        found[what] = weakness(thrown);
        expect(direct.find(label), `${what} must be destroyed`).toEqual([]);
      };

      const kek = kekAttributes(true, true);
      attempt("KEK", "KEK-MIN", () => ({ key: module.C_GenerateKey(session, { mechanism: CKM.AES_KEY_GEN }, [...secret("KEK-MIN", [{ type: CKA.VALUE_LEN, value: 32 }]), ...minimalSecretKeyAttributes(kek)]) }), {
        key: policyOf(kek),
      });
      const transport = kekAttributes(false, false);
      attempt("escrow transport key", "transport-min", () => ({ key: module.C_CreateObject(session, [...secret("transport-min", [{ type: CKA.VALUE, value: Buffer.alloc(32, 7) }]), ...minimalSecretKeyAttributes(transport)]) }), {
        key: policyOf(transport),
      });
      const probe = probeAttributes();
      attempt("KCV probe", "probe-min", () => ({ key: module.C_CreateObject(session, [...secret("probe-min", [{ type: CKA.VALUE, value: Buffer.alloc(32, 9) }]), ...minimalSecretKeyAttributes(probe)]) }), {
        key: policyOf(probe),
      });
      // A signing key pair under its minimal template: the private half keeps every limit, the public half's usage is the module's.
      const pair = minimalSigningKeyPairTemplates("pair-min", Buffer.from("01", "hex"));
      let made: ReturnType<typeof makeKey> | null = null;
      try {
        made = makeKey(module, session, {
          what: "signing key pair",
          method: "test",
          make: () => {
            const keys = module.C_GenerateKeyPair(session, { mechanism: CKM.EC_KEY_PAIR_GEN }, [...pair.publicTemplate, { type: CKA.EC_PARAMS, value: EC_PARAMS["P-256"] }], pair.privateTemplate);
            return { private: keys.privateKey, public: keys.publicKey };
          },
          policy: SIGNING_KEY_POLICY,
          recorded: { public: ["VERIFY", "ENCRYPT"] },
        });
      } catch (e) {
        found["signing key pair"] = weakness(e);
      }
      // NSS softokn's defaults for a public EC key are VERIFY !ENCRYPT !WRAP: kept. SoftHSM2's public key may wrap: refused.
      if (made) found["signing key pair"] = [`kept: ${made.effectiveAttributes}`];
      else expect(direct.find("pair-min"), "the key pair must be destroyed").toEqual([]);
    } finally {
      direct.close();
      await hsm.env.cleanup();
    }
    const t = (name: string, v: string): string => `${name} is ${v}, must be false`;
    const secretDefaults =
      implementation === "SoftHSM2"
        ? { kek: ["ENCRYPT", "DECRYPT", "SIGN", "VERIFY"].map((n) => t(n, "true")), probe: ["WRAP", "UNWRAP", "DECRYPT", "VERIFY"].map((n) => t(n, "true")) }
        : // NSS softokn keeps no CKA_DERIVE it was not given: unreadable counts as not met.
          { kek: [t("ENCRYPT", "true"), t("DECRYPT", "true"), t("DERIVE", "unreadable")], probe: [t("WRAP", "true"), t("UNWRAP", "true"), t("DECRYPT", "true"), t("DERIVE", "unreadable")] };
    expect(found).toEqual({
      KEK: secretDefaults.kek,
      "escrow transport key": secretDefaults.kek,
      "KCV probe": secretDefaults.probe,
      "signing key pair":
        implementation === "SoftHSM2"
          ? ["public: WRAP is true, must be false"]
          : ["kept: private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: VERIFY !ENCRYPT !WRAP"],
    });
  });

  test("a key this ceremony made, found on the token again (adopted after a failed step, reused on resume), is checked as a new one: a weaker one is refused and left in place", async () => {
    const hsm = await openRehearsalHsm(["policy"], implementation);
    const good = await hsm.client.call("generateSecretKey", { label: "KEK-GOOD", escrowable: true });
    await hsm.client.close();
    const token = hsm.env.tokens[0]!;
    const options = { modulePath: hsm.env.modulePath, env: hsm.env.env, label: token.label, userPin: token.userPin, ...(hsm.env.moduleArgs ? { moduleArgs: hsm.env.moduleArgs } : {}) };
    const direct = openDirect(options);
    try {
      // Made with explicit weaker attributes, as a module's defaults could: the KEK may encrypt; the pair's private half may derive and be extracted.
      direct.module.C_GenerateKey(direct.session, { mechanism: CKM.AES_KEY_GEN }, [
        { type: CKA.CLASS, value: CKO.SECRET_KEY },
        { type: CKA.KEY_TYPE, value: CKK.AES },
        { type: CKA.VALUE_LEN, value: 32 },
        { type: CKA.LABEL, value: "KEK-WEAK" },
        ...kekAttributes(true, true).map((a) => (a.type === CKA.ENCRYPT ? { type: CKA.ENCRYPT, value: true } : a)),
      ]);
      direct.module.C_GenerateKeyPair(
        direct.session,
        { mechanism: CKM.EC_KEY_PAIR_GEN },
        [{ type: CKA.TOKEN, value: true }, { type: CKA.LABEL, value: "PAIR-WEAK" }, { type: CKA.VERIFY, value: true }, { type: CKA.EC_PARAMS, value: EC_PARAMS["P-256"] }],
        [
          { type: CKA.TOKEN, value: true },
          { type: CKA.LABEL, value: "PAIR-WEAK" },
          { type: CKA.PRIVATE, value: true },
          { type: CKA.SENSITIVE, value: true },
          { type: CKA.EXTRACTABLE, value: true },
          { type: CKA.SIGN, value: true },
          { type: CKA.DERIVE, value: true },
        ],
      );
    } finally {
      direct.close();
    }
    const client = await HsmClient.open(clientOptions(hsm.env));
    try {
      await client.call("openToken", { label: token.label });
      await client.login("user", Buffer.from(token.userPin));
      // Handles do not survive a fresh module load: every key is found again by label, as a resumed step does.
      const [goodKek] = await client.call("findObjects", { label: "KEK-GOOD" });
      expect(goodKek!.id).toBe(good.id);
      expect(await client.call("checkKeyPolicy", { kind: "kek", label: "KEK-GOOD", handle: goodKek!.handle, escrowable: true })).toEqual({ effectiveAttributes: KEK });
      const [weakKek] = await client.call("findObjects", { label: "KEK-WEAK" });
      await expect(client.call("checkKeyPolicy", { kind: "kek", label: "KEK-WEAK", handle: weakKek!.handle, escrowable: true })).rejects.toMatchObject({
        code: "HSM_KEY_POLICY_WEAKER",
        message: 'The key "KEK-WEAK" this ceremony made reads back weaker than required (ENCRYPT is true, must be false); it was not used. Abort the ceremony (its transcript lists the key) and destroy the key in a key-destruction ceremony. This token cannot hold this key; use another HSM.',
      });
      const pair = await client.call("findObjects", { label: "PAIR-WEAK" });
      const request = { kind: "signing-pair" as const, label: "PAIR-WEAK", privateHandle: pair.find((o) => o.class === "private")!.handle, publicHandle: pair.find((o) => o.class === "public")!.handle };
      await expect(client.call("checkKeyPolicy", request)).rejects.toMatchObject({
        code: "HSM_KEY_POLICY_WEAKER",
        // SoftHSM2's defaults also let the private half decrypt and unwrap, and the public half wrap.
        message: expect.stringContaining(
          implementation === "SoftHSM2"
            ? "(private: EXTRACTABLE is true, must be false; private: NEVER_EXTRACTABLE is false, must be true; private: DECRYPT is true, must be false; private: UNWRAP is true, must be false; private: DERIVE is true, must be false; public: WRAP is true, must be false); it was not used."
            : "(private: EXTRACTABLE is true, must be false; private: NEVER_EXTRACTABLE is false, must be true; private: DERIVE is true, must be false); it was not used.",
        ),
      });
      // Left in place for the abort to report, never destroyed by the check.
      expect((await client.call("findObjects", { label: "KEK-WEAK" })).length).toBe(1);
      expect((await client.call("findObjects", { label: "PAIR-WEAK" })).length).toBe(2);
    } finally {
      await client.close();
      await hsm.env.cleanup();
    }
  });
});
