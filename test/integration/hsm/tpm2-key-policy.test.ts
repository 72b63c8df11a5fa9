/**
 * tpm2-pkcs11 on swtpm refuses our full key templates, so the minimal-template fallback runs for
 * real here (src/hsm/key-policy.ts):
 * - a signing key pair: the module answers the full template with CKR_GENERAL_ERROR ("User
 *   specified and TPM specified attr mismatch": it reports the public half's VERIFY as the TPM
 *   key's decrypt flag and ENCRYPT as its sign flag); the minimal template, which keeps every limit
 *   of the private half, gives a sign-only TPM key that is kept, and signs;
 * - a minimal template without the private half's limits (as this code had before) makes a key that
 *   may also decrypt: refused and destroyed;
 * - secret keys: C_CreateObject of an AES key is refused as a template (CKR_ATTRIBUTE_VALUE_INVALID,
 *   "Can only create RSA Public key objects or data objects"), the minimal template is tried and
 *   refused too; C_GenerateKey is not offered (CKR_FUNCTION_NOT_SUPPORTED), which is no template
 *   answer, so nothing is retried.
 * swtpm, a private dbus-daemon and tpm2-abrmd run with their own state and port, stopped by PID.
 */
import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CKA, CKM, EC_PARAMS, HsmClient, HsmError } from "../../../src/hsm/index.ts";
import { makeKey, WeakerThanRequired } from "../../../src/hsm/key-policy.ts";
import { SIGNING_KEY_POLICY, SIGNING_KEY_RECORDED, signingKeyPairTemplates } from "../../../src/hsm/templates.ts";
import { openDirect } from "../../helpers/direct-module.ts";
import { createTpm2Token, tpm2Unavailable, type Tpm2TokenEnvironment } from "../../helpers/tpm2-token.ts";

const tpm2Skip = await tpm2Unavailable();
if (tpm2Skip) console.log(`SKIPPED tpm2-pkcs11 key-policy tests: ${tpm2Skip}`);

const SIGN_ONLY = "private: PRIVATE SENSITIVE !EXTRACTABLE NEVER_EXTRACTABLE SIGN !DECRYPT !UNWRAP !DERIVE; public: !VERIFY ENCRYPT !WRAP";

describe.skipIf(tpm2Skip !== null)("tpm2-pkcs11 on swtpm", () => {
  let tpm: Tpm2TokenEnvironment;
  beforeAll(async () => {
    tpm = await createTpm2Token();
  }, 180_000);
  afterAll(async () => {
    await tpm?.cleanup();
  });

  async function withClient<T>(body: (client: HsmClient) => Promise<T>): Promise<T> {
    const client = await HsmClient.open({ modulePath: tpm.modulePath, env: tpm.env });
    try {
      await client.call("openToken", { label: tpm.tokens[0]!.label });
      await client.login("user", Buffer.from(tpm.tokens[0]!.userPin));
      return await body(client);
    } finally {
      await client.close();
    }
  }

  test("signing key pairs: the full template is refused, the minimal one makes a sign-only TPM key that is kept and signs", async () => {
    await withClient(async (client) => {
      const data = Buffer.from("transcript bytes");
      for (const algorithm of ["EC-P256", "EC-P384", "RSA-3072"] as const) {
        const pair = await client.call("generateKeyPair", { label: `pair-${algorithm}`, algorithm, purpose: "signing" });
        expect({ algorithm, template: pair.template, attrs: pair.effectiveAttributes }).toEqual({ algorithm, template: "minimal", attrs: SIGN_ONLY });
        const key = createPublicKey({ key: pair.spki, format: "der", type: "spki" });
        const mechanisms = algorithm === "RSA-3072" ? (["RSA-PKCS1-SHA256", "RSA-PSS-SHA256"] as const) : (["ECDSA-SHA256"] as const);
        for (const mechanism of mechanisms) {
          const signature = await client.call("sign", { handle: pair.privateHandle, mechanism, data, format: "der" });
          const pss = mechanism === "RSA-PSS-SHA256" ? { padding: 6, saltLength: 32 } : {};
          expect(verify("sha256", data, { key, ...pss }, signature), `${algorithm} ${mechanism}`).toBe(true);
        }
      }
    });
  });

  test("secret keys: C_CreateObject is refused for the full and the minimal template; C_GenerateKey is not offered and not retried", async () => {
    await withClient(async (client) => {
      const imported = await client.call("importAesKey", { value: Buffer.alloc(32, 5), label: "transport", use: "escrow-transport" }).catch((e: unknown) => e);
      expect(imported).toMatchObject({
        code: "CKR_ATTRIBUTE_VALUE_INVALID",
        message: expect.stringMatching(/^after the full template was refused with CKR_ATTRIBUTE_VALUE_INVALID: .*\(CKR_ATTRIBUTE_VALUE_INVALID from C_CreateObject\)$/),
      });
      const generated = await client.call("generateSecretKey", { label: "KEK-01", escrowable: true }).catch((e: unknown) => e);
      expect(generated).toMatchObject({ code: "CKR_FUNCTION_NOT_SUPPORTED" });
      expect((generated as Error).message).not.toMatch(/after the full template/);
      expect(await client.call("findObjects", { label: "transport" })).toEqual([]);
      expect(await client.call("findObjects", { label: "KEK-01" })).toEqual([]);
    });
  });

  test("a minimal template without the private half's limits makes a key that may decrypt: refused and destroyed", () => {
    const token = tpm.tokens[0]!;
    const direct = openDirect({ modulePath: tpm.modulePath, env: tpm.env, label: token.label, userPin: token.userPin });
    try {
      const id = Buffer.from("0badc0de", "hex");
      const full = signingKeyPairTemplates("weak-pair", id);
      // The minimal template as it was before: only what must be true, and the private key's secrecy.
      const dropPublic = new Set<number>([CKA.PRIVATE, CKA.ENCRYPT, CKA.WRAP]);
      const dropPrivate = new Set<number>([CKA.DECRYPT, CKA.UNWRAP, CKA.DERIVE]);
      const weak = {
        publicTemplate: full.publicTemplate.filter((a) => !dropPublic.has(a.type)),
        privateTemplate: full.privateTemplate.filter((a) => !dropPrivate.has(a.type)),
      };
      let thrown: unknown = null;
      try {
        makeKey(direct.module, direct.session, {
          what: "signing key pair",
          method: "C_GenerateKeyPair",
          make: (choice) => {
            const t = choice === "full" ? full : weak;
            const keys = direct.module.C_GenerateKeyPair(direct.session, { mechanism: CKM.EC_KEY_PAIR_GEN }, [...t.publicTemplate, { type: CKA.EC_PARAMS, value: EC_PARAMS["P-256"] }], t.privateTemplate);
            return { private: keys.privateKey, public: keys.publicKey };
          },
          policy: SIGNING_KEY_POLICY,
          recorded: { public: [...SIGNING_KEY_RECORDED.public] },
        });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(HsmError);
      expect(thrown).toMatchObject({
        code: "HSM_KEY_POLICY_WEAKER",
        message: expect.stringMatching(/^This token refused the signing key pair template \(CKR_GENERAL_ERROR\), and the key it made with the minimal template is weaker than required: private: DECRYPT is true, must be false\. The key was destroyed\./),
      });
      expect((thrown as Error).cause).toMatchObject({ template: "minimal", violations: ["private: DECRYPT is true, must be false"] });
      expect((thrown as Error).cause).toBeInstanceOf(WeakerThanRequired);
      expect(direct.find("weak-pair")).toEqual([]);
    } finally {
      direct.close();
    }
  });
});
