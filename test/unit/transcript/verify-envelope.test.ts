import { describe, expect, it } from "vitest";
import { canonicalJsonBytes } from "../../../src/journal/canonical-json.ts";
import { type DsseEnvelope, envelopeBytes, signTranscript } from "../../../src/transcript/dsse.ts";
import { checkEnvelope } from "../../../src/transcript/verify-envelope.ts";
import { nodeSigner } from "./fixture.ts";

const transcriptBytes = Buffer.from('{"format":"ceremony-workstation.transcript.v1"}');

async function setup() {
  const signer = nodeSigner();
  const envelope = await signTranscript(transcriptBytes, signer);
  const signerPem = signer.publicKey.export({ format: "pem", type: "spki" }).toString();
  const check = (e: DsseEnvelope | Buffer, extra: { expectedSignerPem?: string; transcript?: Buffer } = {}) =>
    checkEnvelope({
      envelopeBytes: Buffer.isBuffer(e) ? e : envelopeBytes(e),
      transcriptBytes: extra.transcript ?? transcriptBytes,
      signerPem,
      ...(extra.expectedSignerPem ? { expectedSignerPem: extra.expectedSignerPem } : {}),
    });
  return { signer, envelope, signerPem, check };
}

describe("checkEnvelope", () => {
  it("accepts a good envelope, also written in another JSON layout", async () => {
    const { envelope, check } = await setup();
    expect(check(envelope)).toEqual([]);
    expect(check(Buffer.from(JSON.stringify(envelope, null, 2)))).toEqual([]);
  });

  it.each([
    [(e: DsseEnvelope) => ({ ...e, payloadType: "application/json" }), "ENVELOPE_PAYLOAD_TYPE", 'envelope payloadType is "application/json", not application/vnd.ceremony-workstation.transcript.v1+json'],
    [(e: DsseEnvelope) => ({ ...e, payload: `${e.payload.slice(0, -4)}*AAA` }), "ENVELOPE_INVALID", "the envelope's payload is not base64"],
    [(e: DsseEnvelope) => ({ ...e, payload: Buffer.from("{}").toString("base64") }), "ENVELOPE_PAYLOAD_MISMATCH", "the envelope's payload is not the bytes of transcript.json"],
    [(e: DsseEnvelope) => ({ ...e, signatures: [...e.signatures, ...e.signatures] }), "ENVELOPE_INVALID", "transcript.dsse.json must carry exactly one signature, it has 2"],
    [(e: DsseEnvelope) => ({ ...e, signatures: [{ ...e.signatures[0], sig: "not base64!" }] }), "ENVELOPE_INVALID", "the envelope's signature is not standard base64"],
    [(e: DsseEnvelope) => ({ ...e, signatures: [{ ...e.signatures[0], keyid: "00".repeat(32) }] }), "SIGNATURE_KEYID_MISMATCH", `the signature's keyid ${"00".repeat(32)} is not the SHA-256 of signer.pub.pem`],
    [(e: DsseEnvelope) => ({ ...e, signatures: [{ keyid: e.signatures[0]?.keyid, sig: Buffer.alloc(70, 1).toString("base64") }] }), "SIGNATURE_INVALID", "the transcript signature does not verify under signer.pub.pem"],
    [(e: DsseEnvelope) => ({ ...e, extra: 1 }), "ENVELOPE_INVALID", "transcript.dsse.json has members other than payload, payloadType and signatures"],
  ])("names what is wrong (%#)", async (edit, code, message) => {
    const { envelope, check } = await setup();
    const failures = check(canonicalJsonBytes(edit(envelope)));
    expect(failures.map((f) => f.code)).toContain(code);
    expect(failures.find((f) => f.code === code)?.message).toContain(message);
  });

  it("refuses what is not JSON", async () => {
    const { check } = await setup();
    expect(check(Buffer.from('{"payload":"abc'))).toEqual([{ code: "ENVELOPE_INVALID", message: "transcript.dsse.json is not valid JSON" }]);
  });

  it("a signature over other bytes does not verify", async () => {
    const { check, signer } = await setup();
    const other = await signTranscript(Buffer.from("{}"), signer);
    expect(check({ ...other, payload: transcriptBytes.toString("base64") }).map((f) => f.code)).toEqual(["SIGNATURE_INVALID"]);
  });

  it("names an unexpected signer", async () => {
    const { envelope, check } = await setup();
    const other = nodeSigner().publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(check(envelope, { expectedSignerPem: other })).toEqual([{ code: "SIGNER_KEY_UNEXPECTED", message: "signer key differs from the expected key" }]);
  });
});
