/**
 * DSSE v1 envelopes (github.com/secure-systems-lab/dsse, protocol.md and envelope.md) over a
 * transcript, with ECDSA P-256 as the only accepted signature algorithm (DESIGN.md "Transcript
 * signature"). What is signed is the pre-authentication encoding, never the bare payload, so a
 * signature over a transcript cannot be replayed as a signature over anything else.
 */
import { type KeyObject, createHash, createPublicKey, createVerify } from "node:crypto";
import { derToPem } from "../common/pem.ts";
import type { Signer } from "../signer.ts";
import { canonicalJsonBytes } from "../journal/canonical-json.ts";
import { TranscriptSignerError } from "./errors.ts";
import { TRANSCRIPT_PAYLOAD_TYPE } from "./types.ts";

export interface DsseSignature {
  /** SHA-256 of the signer's SPKI DER, lowercase hex. */
  keyid: string;
  /** DER ECDSA-Sig-Value (RFC 5480 §2.2 / X9.62), standard base64. */
  sig: string;
}

export interface DsseEnvelope {
  /** The transcript bytes, standard base64. */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

/** The PAE prefix: "DSSEv1" SP len(type) SP type SP len(body) SP, lengths as ASCII decimal byte counts. */
export function paeHeader(payloadType: string, payloadLength: number): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, "ascii"), type, Buffer.from(` ${payloadLength} `, "ascii")]);
}

/** PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body (DSSE protocol.md). */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  return Buffer.concat([paeHeader(payloadType, payload.length), payload]);
}

/** DSSE keyid of a key: SHA-256 of its SubjectPublicKeyInfo DER, lowercase hex. */
export function keyIdOf(spkiDer: Uint8Array): string {
  return createHash("sha256").update(spkiDer).digest("hex");
}

/** Parses an SPKI (DER bytes or PEM text) and insists on an EC P-256 key. Throws TranscriptSignerError. */
export function transcriptSignerKey(spki: Uint8Array | string): KeyObject {
  let key: KeyObject;
  try {
    key = typeof spki === "string" ? createPublicKey({ key: spki, format: "pem" }) : createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (cause) {
    throw new TranscriptSignerError(`The transcript signer's public key cannot be read (${(cause as Error).message}).`);
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    const what = key.asymmetricKeyType === "ec" ? `an EC ${key.asymmetricKeyDetails?.namedCurve ?? "unknown-curve"}` : `an ${key.asymmetricKeyType ?? "unknown"}`;
    throw new TranscriptSignerError(`Transcripts are signed only with ECDSA P-256 keys; this is ${what} key. Use the token's dedicated transcript-signing key.`);
  }
  return key;
}

/** SPKI DER of a key, as written to signer.pub.pem and hashed into the keyid. */
export function spkiDerOf(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" });
}

/** PEM text of an SPKI, as written to signer.pub.pem. */
export function spkiPem(spki: Uint8Array | string): string {
  return derToPem(spkiDerOf(transcriptSignerKey(spki)), "PUBLIC KEY");
}

/**
 * Verifies a DER ECDSA signature over PAE(payloadType, payload). The PAE is fed in two parts so
 * a large transcript is never copied just to be prefixed.
 */
export function verifyPaeSignature(payloadType: string, payload: Uint8Array, key: KeyObject, derSignature: Uint8Array): boolean {
  const verifier = createVerify("sha256");
  verifier.update(paeHeader(payloadType, payload.length));
  verifier.update(payload);
  return verifier.verify({ key, dsaEncoding: "der" }, derSignature);
}

/**
 * Signs transcript bytes with the transcript-signing key and returns the envelope. The signature
 * is checked with node:crypto before it is returned (sign, then verify, as boulder's ceremony
 * tool does), so a faulty HSM or a wrong key is caught in the room, not by an auditor later.
 */
export async function signTranscript(transcriptBytes: Uint8Array, signer: Signer): Promise<DsseEnvelope> {
  if (signer.algorithm !== "EC-P256") {
    throw new TranscriptSignerError(`Transcripts are signed only with ECDSA P-256 keys; this signer is ${signer.algorithm}. Use the token's dedicated transcript-signing key.`);
  }
  const key = transcriptSignerKey(signer.spki);
  const sig = await signer.sign(pae(TRANSCRIPT_PAYLOAD_TYPE, transcriptBytes), "SHA-256");
  if (!verifyPaeSignature(TRANSCRIPT_PAYLOAD_TYPE, transcriptBytes, key, sig)) {
    throw new TranscriptSignerError("The transcript signature just made does not verify under the signer's public key. Check that the right key was selected on the token.");
  }
  return {
    payload: Buffer.from(transcriptBytes).toString("base64"),
    payloadType: TRANSCRIPT_PAYLOAD_TYPE,
    signatures: [{ keyid: keyIdOf(spkiDerOf(key)), sig: sig.toString("base64") }],
  };
}

/**
 * The envelope file's bytes. Canonical JSON puts it on one line with members in a fixed order,
 * which is what lets the OpenSSL recipe pull fields out with grep and cut.
 */
export function envelopeBytes(envelope: DsseEnvelope): Buffer {
  return canonicalJsonBytes(envelope, "envelope");
}
