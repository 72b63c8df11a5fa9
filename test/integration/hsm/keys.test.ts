import { execFileSync } from "node:child_process";
import { createPublicKey, verify, constants } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HsmError, spkiToPem, type KeyPairAlgorithm, type SignMechanism } from "../../../src/hsm/index.ts";
import { HSM_IMPLEMENTATIONS, openRehearsalHsm, type RehearsalHsm } from "../../helpers/rehearsal-hsm.ts";

const work = mkdtempSync(join(tmpdir(), "hsm-keys-test-"));

function opensslVerify(spki: Buffer, data: Buffer, signature: Buffer, digest: string | null, extra: string[] = []): string {
  const tag = Math.random().toString(36).slice(2);
  const pub = join(work, `${tag}.pub.pem`);
  const dat = join(work, `${tag}.dat`);
  const sig = join(work, `${tag}.sig`);
  writeFileSync(pub, spkiToPem(spki));
  writeFileSync(dat, data);
  writeFileSync(sig, signature);
  const args = digest
    ? ["dgst", `-${digest}`, "-verify", pub, "-signature", sig, ...extra, dat]
    : ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", dat, "-sigfile", sig];
  return execFileSync("openssl", args, { encoding: "utf8" });
}

const cases: Array<{ algorithm: KeyPairAlgorithm; mechanisms: SignMechanism[] }> = [
  { algorithm: "EC-P256", mechanisms: ["ECDSA-SHA256"] },
  { algorithm: "EC-P384", mechanisms: ["ECDSA-SHA384", "ECDSA-SHA256"] },
  { algorithm: "RSA-3072", mechanisms: ["RSA-PKCS1-SHA256", "RSA-PSS-SHA256"] },
  { algorithm: "RSA-4096", mechanisms: ["RSA-PKCS1-SHA384", "RSA-PSS-SHA384"] },
  { algorithm: "Ed25519", mechanisms: ["EdDSA"] },
];

describe.each(HSM_IMPLEMENTATIONS)("on %s", (implementation) => {
let hsm: RehearsalHsm;
beforeAll(async () => {
  hsm = await openRehearsalHsm(["keys-test"], implementation);
});
afterAll(async () => {
  await hsm?.close();
});

// NSS softokn offers no Ed25519 (no CKM_EC_EDWARDS_KEY_PAIR_GEN): tested as a refusal below.
const offered = cases.filter((c) => implementation === "SoftHSM2" || c.algorithm !== "Ed25519");

test.runIf(implementation === "NSS softokn")("Ed25519 is refused in one sentence naming what to choose instead", async () => {
  await expect(hsm.client.call("generateKeyPair", { label: "ed", algorithm: "Ed25519", purpose: "signing" })).rejects.toMatchObject({
    code: "CKR_MECHANISM_INVALID",
    message: expect.stringMatching(/does not offer Ed25519.*Choose ECDSA P-384 or RSA/),
  });
});

describe.each(offered)("$algorithm key pair", ({ algorithm, mechanisms }) => {
  test("is generated in the HSM with sign-only, non-extractable attributes and an HSM-random CKA_ID", async () => {
    const label = `sig-${algorithm}`;
    const kp = await hsm.client.call("generateKeyPair", { label, algorithm, purpose: "signing" });
    expect(kp.id).toMatch(/^[0-9a-f]{32}$/);
    const flags = await hsm.client.call("readFlags", kp.privateHandle, [
      "TOKEN", "PRIVATE", "SENSITIVE", "EXTRACTABLE", "SIGN", "DECRYPT", "UNWRAP", "DERIVE", "LOCAL", "NEVER_EXTRACTABLE",
    ]);
    expect(flags).toEqual({
      TOKEN: true, PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, SIGN: true,
      // NSS softokn reports CKA_LOCAL false even for keys it generated.
      DECRYPT: false, UNWRAP: false, DERIVE: false, LOCAL: implementation === "SoftHSM2", NEVER_EXTRACTABLE: true,
    });
    const pubFlags = await hsm.client.call("readFlags", kp.publicHandle, ["TOKEN", "VERIFY", "ENCRYPT", "WRAP"]);
    expect(pubFlags).toEqual({ TOKEN: true, VERIFY: true, ENCRYPT: false, WRAP: false });
    const key = createPublicKey({ key: kp.spki, format: "der", type: "spki" });
    expect(key.asymmetricKeyType).toBe(algorithm.startsWith("EC") ? "ec" : algorithm.startsWith("RSA") ? "rsa" : "ed25519");
  });

  test.each(mechanisms)("signs with %s, verified by node:crypto and openssl", async (mechanism) => {
    const label = `sig-${algorithm}`;
    const [pub] = await hsm.client.call("findObjects", { label, class: "public" });
    const [priv] = await hsm.client.call("findObjects", { label, class: "private" });
    const spki = await hsm.client.call("publicKeySpki", pub!.handle, algorithm);
    const data = Buffer.from(`ceremony data for ${mechanism}`);
    const signature = await hsm.client.call("sign", { handle: priv!.handle, mechanism, data, format: "der" });
    const key = createPublicKey({ key: spki, format: "der", type: "spki" });
    const digest = mechanism.includes("384") ? "sha384" : mechanism === "EdDSA" ? null : "sha256";
    const pss = mechanism.startsWith("RSA-PSS");
    const ok = verify(digest, data, pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest === "sha384" ? 48 : 32 } : key, signature);
    expect(ok).toBe(true);
    const extra = pss ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", `rsa_pss_saltlen:${digest === "sha384" ? 48 : 32}`] : [];
    expect(opensslVerify(spki, data, signature, digest, extra)).toMatch(/Verified OK|Signature Verified Successfully/);
    expect(verify(digest, Buffer.from("something else"), key, signature)).toBe(false);
  });
});

test("ECDSA signatures come as raw r‖s unless DER is asked for", async () => {
  const kp = await hsm.client.call("generateKeyPair", { label: "raw-rs", algorithm: "EC-P384", purpose: "signing" });
  const data = Buffer.from("raw");
  const raw = await hsm.client.call("sign", { handle: kp.privateHandle, mechanism: "ECDSA-SHA384", data });
  expect(raw.length).toBe(96);
  const key = createPublicKey({ key: kp.spki, format: "der", type: "spki" });
  expect(verify("sha384", data, { key, dsaEncoding: "ieee-p1363" }, raw)).toBe(true);
});

test("a signing key cannot decrypt, wrap or unwrap: the token refuses", async () => {
  const kp = await hsm.client.call("generateKeyPair", { label: "purpose-sig", algorithm: "EC-P256", purpose: "signing" });
  const kek = await hsm.client.call("generateSecretKey", { label: "purpose-kek", escrowable: true });
  const wrapWithSigningKey = hsm.client.call("wrapKey", kp.privateHandle, kek.handle);
  await expect(wrapWithSigningKey).rejects.toBeInstanceOf(HsmError);
  const err = (await wrapWithSigningKey.catch((e: HsmError) => e)) as HsmError;
  expect(["CKR_KEY_FUNCTION_NOT_PERMITTED", "CKR_WRAPPING_KEY_TYPE_INCONSISTENT", "CKR_KEY_TYPE_INCONSISTENT"]).toContain(err.code);
  await expect(hsm.client.call("readValue", kp.privateHandle)).rejects.toMatchObject({ code: "CKR_ATTRIBUTE_SENSITIVE" });
});

test("a KEK cannot sign: the token refuses with CKR_KEY_FUNCTION_NOT_PERMITTED", async () => {
  const kek = await hsm.client.call("generateSecretKey", { label: "kek-no-sign", escrowable: false });
  await expect(
    hsm.client.call("sign", { handle: kek.handle, mechanism: "ECDSA-SHA256", data: Buffer.from("x") }),
  ).rejects.toMatchObject({ code: expect.stringMatching(/CKR_KEY_FUNCTION_NOT_PERMITTED|CKR_KEY_TYPE_INCONSISTENT/) });
  const flags = await hsm.client.call("readFlags", kek.handle, ["TOKEN", "PRIVATE", "SENSITIVE", "EXTRACTABLE", "WRAP", "UNWRAP", "ENCRYPT", "SIGN"]);
  expect(flags).toEqual({ TOKEN: true, PRIVATE: true, SENSITIVE: true, EXTRACTABLE: false, WRAP: true, UNWRAP: true, ENCRYPT: false, SIGN: false });
});

test("a duplicate label is a conflict that names what is there, and nothing is overwritten", async () => {
  const first = await hsm.client.call("generateKeyPair", { label: "dup-label", algorithm: "EC-P256", purpose: "signing" });
  const second = hsm.client.call("generateKeyPair", { label: "dup-label", algorithm: "EC-P256", purpose: "signing" });
  await expect(second).rejects.toMatchObject({ code: "HSM_LABEL_CONFLICT", message: expect.stringContaining(first.id) });
  const objects = await hsm.client.call("findObjects", { label: "dup-label" });
  expect(objects).toHaveLength(2);
  expect(new Set(objects.map((o) => o.id))).toEqual(new Set([first.id]));
});

test("random bytes come from the HSM, of the requested length", async () => {
  const a = await hsm.client.call("random", 32);
  const b = await hsm.client.call("random", 32);
  expect(a.length).toBe(32);
  expect(a.equals(b)).toBe(false);
  await expect(hsm.client.call("random", 0)).rejects.toBeDefined();
});

test.runIf(implementation === "SoftHSM2")("our keys appear in pkcs11-tool --list-objects with our labels and IDs", async () => {
  const kp = await hsm.client.call("generateKeyPair", { label: "visible-to-opensc", algorithm: "EC-P256", purpose: "signing" });
  const out = execFileSync(
    "pkcs11-tool",
    ["--module", hsm.env.modulePath, "--token-label", "keys-test", "--login", "--pin", hsm.env.tokens[0]!.userPin, "--list-objects"],
    { env: { ...process.env, ...hsm.env.env }, encoding: "utf8" },
  );
  expect(out).toContain('label:      visible-to-opensc');
  expect(out).toContain(`ID:         ${kp.id}`);
});

// pkcs11-tool cannot pass NSS softokn its init string; NSS's own certutil reads the same database.
test.runIf(implementation === "NSS softokn")("our keys appear in certutil -K with our labels and IDs", async () => {
  const kp = await hsm.client.call("generateKeyPair", { label: "visible-to-certutil", algorithm: "EC-P256", purpose: "signing" });
  const pin = join(work, "nss-pin.txt");
  writeFileSync(pin, `${hsm.env.tokens[0]!.userPin}\n`, { mode: 0o600 });
  const out = execFileSync("certutil", ["-K", "-d", `sql:${hsm.env.dir}`, "-f", pin], { encoding: "utf8" });
  expect(out).toMatch(new RegExp(`ec +${kp.id} +visible-to-certutil`));
});
});
