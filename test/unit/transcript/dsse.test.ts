import { createHash, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Signer } from "../../../src/signer.ts";
import { envelopeBytes, keyIdOf, pae, signTranscript, spkiPem, transcriptSignerKey, verifyPaeSignature } from "../../../src/transcript/dsse.ts";
import { TranscriptSignerError } from "../../../src/transcript/errors.ts";
import { TRANSCRIPT_PAYLOAD_TYPE } from "../../../src/transcript/types.ts";
import { nodeSigner } from "./fixture.ts";

describe("DSSE v1", () => {
  it("PAE matches the example in DSSE protocol.md", () => {
    expect(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString()).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });

  it("PAE counts bytes, not characters", () => {
    expect(pae("t", Buffer.from("é", "utf8")).toString("utf8")).toBe("DSSEv1 1 t 2 é");
  });

  it("signs PAE(payloadType, transcript) with the signer and names the key by SHA-256 of its SPKI", async () => {
    const signer = nodeSigner();
    const payload = Buffer.from('{"format":"x"}');
    const envelope = await signTranscript(payload, signer);
    expect(envelope.payloadType).toBe(TRANSCRIPT_PAYLOAD_TYPE);
    expect(Buffer.from(envelope.payload, "base64").equals(payload)).toBe(true);
    expect(envelope.signatures).toHaveLength(1);
    expect(envelope.signatures[0]?.keyid).toBe(createHash("sha256").update(signer.spki).digest("hex"));
    expect(envelope.signatures[0]?.keyid).toBe(keyIdOf(signer.spki));
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? "", "base64");
    // Independent check with plain node:crypto, as the brief for auditors describes it.
    expect(verify("sha256", pae(TRANSCRIPT_PAYLOAD_TYPE, payload), { key: signer.publicKey, dsaEncoding: "der" }, sig)).toBe(true);
    expect(verifyPaeSignature(TRANSCRIPT_PAYLOAD_TYPE, payload, signer.publicKey, sig)).toBe(true);
    expect(verifyPaeSignature(TRANSCRIPT_PAYLOAD_TYPE, Buffer.from('{"format":"y"}'), signer.publicKey, sig)).toBe(false);
  });

  it("writes the envelope as one line of canonical JSON starting with the payload", async () => {
    const bytes = envelopeBytes(await signTranscript(Buffer.from("{}"), nodeSigner())).toString();
    expect(bytes).toMatch(/^\{"payload":"e30=","payloadType":"application\/vnd\.ceremony-workstation\.transcript\.v1\+json","signatures":\[\{"keyid":"[0-9a-f]{64}","sig":"[A-Za-z0-9+/=]+"\}\]\}$/);
  });

  it("accepts ECDSA P-256, and for tokens without it P-384 (SHA-384) and RSA-3072 (PKCS#1 v1.5); nothing else", async () => {
    // Independent check: a P-384 transcript signature is ECDSA with SHA-384 over the PAE.
    const signer384 = nodeSigner("secp384r1");
    const env384 = await signTranscript(Buffer.from("{}"), signer384);
    expect(verify("sha384", pae(TRANSCRIPT_PAYLOAD_TYPE, Buffer.from("{}")), transcriptSignerKey(signer384.spki), Buffer.from(env384.signatures[0]!.sig, "base64"))).toBe(true);

    const rsa = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const rsaSigner: Signer = {
      algorithm: "RSA-3072",
      spki: rsa.publicKey.export({ format: "der", type: "spki" }),
      sign: async (data, digest) => {
        expect(digest).toBe("SHA-256");
        const { sign } = await import("node:crypto");
        return sign("sha256", data, rsa.privateKey);
      },
    };
    const envRsa = await signTranscript(Buffer.from("{}"), rsaSigner);
    expect(verify("sha256", pae(TRANSCRIPT_PAYLOAD_TYPE, Buffer.from("{}")), rsa.publicKey, Buffer.from(envRsa.signatures[0]!.sig, "base64"))).toBe(true);

    const ed = generateKeyPairSync("ed25519").publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(() => transcriptSignerKey(ed)).toThrow(TranscriptSignerError);
    expect(() => transcriptSignerKey(ed)).toThrow("this is an ed25519 key");
    const rsa2048 = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "der", type: "spki" });
    expect(() => transcriptSignerKey(rsa2048)).toThrow("this is an RSA-2048 key");
    const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey.export({ format: "der", type: "spki" });
    expect(() => transcriptSignerKey(k1)).toThrow("this is an EC secp256k1 key");
    expect(() => transcriptSignerKey("not a key")).toThrow("The transcript signer's public key cannot be read");
  });

  it("refuses a signer that claims P-256 but holds another key", async () => {
    const p256 = nodeSigner();
    const liar: Signer = { ...p256, spki: generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ format: "der", type: "spki" }) };
    await expect(signTranscript(Buffer.from("{}"), liar)).rejects.toThrow("claims EC-P256, but its public key is EC-P384");
  });

  it("refuses a signature that does not verify (wrong key selected on the token)", async () => {
    const a = nodeSigner();
    const b = nodeSigner();
    const mixed: Signer = { algorithm: "EC-P256", spki: a.spki, sign: (data, digest) => b.sign(data, digest) };
    await expect(signTranscript(Buffer.from("{}"), mixed)).rejects.toThrow("does not verify under the signer's public key");
  });

  it("spkiPem turns DER into the PEM written to signer.pub.pem", () => {
    const signer = nodeSigner();
    expect(spkiPem(signer.spki)).toBe(signer.publicKey.export({ format: "pem", type: "spki" }).toString());
  });
});
