/**
 * What the HSM layer does on tokens less capable than SoftHSM2 and NSS softokn, made by masking
 * the real modules (src/hsm/capability-mask.ts): a missing CKM_SHA*_RSA_PKCS (openCryptoki), no
 * EC (openCryptoki) for the transcript-signing key, and NSS softokn without CKM_AES_KEY_WRAP_KWP
 * (its 0x210A is not RFC 5649). tpm2-pkcs11's refusal of the full key template is tested on
 * tpm2-pkcs11 itself (tpm2-key-policy.test.ts).
 */
import { createPublicKey, verify } from "node:crypto";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScriptFile } from "../../../src/ceremony/load-script.ts";
import { preflightOnModule } from "../../../src/ceremony/preflight-session.ts";
import { CKM, HsmClient, type HsmClientOptions } from "../../../src/hsm/index.ts";
import type { CapabilityMask } from "../../../src/hsm/capability-mask.ts";
import { clientOptions, createTestToken, HSM_IMPLEMENTATIONS, type HsmImplementation } from "../../helpers/rehearsal-hsm.ts";

async function withMaskedToken<T>(implementation: HsmImplementation, mask: CapabilityMask, body: (client: HsmClient) => Promise<T>): Promise<T> {
  const env = await createTestToken(implementation, ["masked"]);
  const options: HsmClientOptions = { ...clientOptions(env), mask };
  const client = await HsmClient.open(options);
  try {
    await client.call("openToken", { label: env.tokens[0]!.label });
    await client.login("user", Buffer.from(env.tokens[0]!.userPin));
    return await body(client);
  } finally {
    await client.close();
    await env.cleanup();
  }
}

describe.each(HSM_IMPLEMENTATIONS)("on %s", (implementation) => {
  test("without CKM_SHA256_RSA_PKCS an RSA key signs a host-made DigestInfo with CKM_RSA_PKCS: the same PKCS#1 v1.5 signature", async () => {
    const data = Buffer.from("transcript bytes");
    const env = await createTestToken(implementation, ["rsa"]);
    try {
      const full = await HsmClient.open(clientOptions(env));
      await full.call("openToken", { label: env.tokens[0]!.label });
      await full.login("user", Buffer.from(env.tokens[0]!.userPin));
      const kp = await full.call("generateKeyPair", { label: "rsa-fallback", algorithm: "RSA-3072", purpose: "signing" });
      const direct = await full.call("sign", { handle: kp.privateHandle, mechanism: "RSA-PKCS1-SHA256", data });
      await full.close();
      const masked = await HsmClient.open({ ...clientOptions(env), mask: { hideMechanisms: [CKM.SHA256_RSA_PKCS, CKM.SHA384_RSA_PKCS] } });
      try {
        await masked.call("openToken", { label: env.tokens[0]!.label });
        await masked.login("user", Buffer.from(env.tokens[0]!.userPin));
        const [priv] = await masked.call("findObjects", { label: "rsa-fallback", class: "private" });
        const viaRaw = await masked.call("sign", { handle: priv!.handle, mechanism: "RSA-PKCS1-SHA256", data });
        // PKCS#1 v1.5 is deterministic: the fallback must give the very same bytes.
        expect(viaRaw.equals(direct)).toBe(true);
        expect(verify("sha256", data, createPublicKey({ key: kp.spki, format: "der", type: "spki" }), viaRaw)).toBe(true);
      } finally {
        await masked.close();
      }
    } finally {
      await env.cleanup();
    }
  });

  test("the transcript-signing key is P-256 where EC is offered, RSA-3072 where it is not", async () => {
    expect(await withMaskedToken(implementation, {}, (c) => c.call("transcriptSignerAlgorithm"))).toBe("EC-P256");
    expect(await withMaskedToken(implementation, { hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.ECDSA] }, (c) => c.call("transcriptSignerAlgorithm"))).toBe("RSA-3072");
    await expect(
      withMaskedToken(implementation, { hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.RSA_PKCS_KEY_PAIR_GEN] }, (c) => c.call("transcriptSignerAlgorithm")),
    ).rejects.toMatchObject({ code: "HSM_NO_TRANSCRIPT_SIGNER", message: expect.stringMatching(/Use another HSM/) });
  });

  test("a token whose RSA signs only with PSS gets no RSA-3072 transcript signer: the backend and the preflight agree (verify checks PKCS#1 v1.5 only)", async () => {
    const pssOnly = { hideMechanisms: [CKM.EC_KEY_PAIR_GEN, CKM.ECDSA, CKM.SHA256_RSA_PKCS, CKM.SHA384_RSA_PKCS, CKM.RSA_PKCS] };
    await expect(withMaskedToken(implementation, pssOnly, (c) => c.call("transcriptSignerAlgorithm"))).rejects.toMatchObject({
      code: "HSM_NO_TRANSCRIPT_SIGNER",
      message: expect.stringContaining("RSA-3072 signing with PKCS#1 v1.5"),
    });
    const env = await createTestToken(implementation, ["pss-only"]);
    try {
      const { script } = await loadScriptFile(resolve(import.meta.dirname, "../../../ceremony-scripts/root-ca.yaml"));
      const report = await preflightOnModule({ ...clientOptions(env), modulePath: env.modulePath, mask: pssOnly }, { label: env.tokens[0]!.label }, script);
      const offered = report.profile.mechanisms.map((m) => m.name);
      expect(offered).toContain("CKM_SHA256_RSA_PKCS_PSS");
      const signer = report.rows.find((r) => r.need.startsWith("Transcript-signing key"))!;
      expect(signer.verdict).toBe("refused");
      expect(signer.offered).toContain("RSA-3072: CKM_RSA_PKCS_KEY_PAIR_GEN");
      expect(signer.offered).toContain("no CKM_SHA256_RSA_PKCS / no CKM_RSA_PKCS");
      expect(signer.advice).toContain("RSA signing with PKCS#1 v1.5");
    } finally {
      await env.cleanup();
    }
  });
});

test("NSS softokn without CKM_AES_KEY_WRAP_KWP: its 0x210A fails the known-answer test, so escrow is refused rather than made unrecoverable", async () => {
  await withMaskedToken("NSS softokn", { hideMechanisms: [CKM.AES_KEY_WRAP_KWP] }, async (client) => {
    await expect(client.call("escrowWrapMechanism")).rejects.toMatchObject({
      code: "HSM_NO_RFC5649_WRAP",
      message: expect.stringMatching(/CKM_AES_KEY_WRAP_PAD \(0x210A\): its output is not RFC 5649.*Use an HSM that offers CKM_AES_KEY_WRAP_KWP/),
    });
  });
});
