/**
 * DSSE v1 envelopes (github.com/secure-systems-lab/dsse, protocol.md and envelope.md) over a
 * transcript, signed with the token's transcript-signing key: ECDSA P-256 (docs/architecture.md "Transcript
 * signature"), or where a token has no P-256 (chosen from its mechanism list, src/hsm):
 * ECDSA P-384 with SHA-384, or RSA-3072 PKCS#1 v1.5 with SHA-256. What is signed is the pre-authentication encoding, never the bare payload, so a
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
  /** DER ECDSA-Sig-Value (RFC 5480 §2.2 / X9.62), or an RSA PKCS#1 v1.5 signature; standard base64. */
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

/** The transcript-signing algorithms, in the order a token's offer is tried (src/hsm pkcs11-backend transcriptSignerAlgorithm). */
export const TRANSCRIPT_SIGNER_ALGORITHMS = ["EC-P256", "EC-P384", "RSA-3072"] as const;

/** The transcript-signing algorithm of an accepted key (transcriptSignerKey). */
function algorithmOfKey(key: KeyObject): string {
  if (key.asymmetricKeyType === "rsa") return `RSA-${key.asymmetricKeyDetails?.modulusLength ?? "?"}`;
  return key.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "EC-P384" : "EC-P256";
}

/** The digest a transcript signature uses with this key: SHA-384 for P-384, SHA-256 otherwise. */
export function transcriptDigestOf(key: KeyObject): "sha256" | "sha384" {
  return key.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "sha384" : "sha256";
}

/** Parses an SPKI (DER bytes or PEM text) and insists on a transcript-signing key (P-256, P-384, RSA ≥ 3072). Throws TranscriptSignerError. */
export function transcriptSignerKey(spki: Uint8Array | string): KeyObject {
  let key: KeyObject;
  try {
    key = typeof spki === "string" ? createPublicKey({ key: spki, format: "pem" }) : createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (cause) {
    throw new TranscriptSignerError(`The transcript signer's public key cannot be read (${(cause as Error).message}).`);
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const ok =
    (key.asymmetricKeyType === "ec" && (curve === "prime256v1" || curve === "secp384r1")) ||
    (key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 3072);
  if (!ok) {
    const what =
      key.asymmetricKeyType === "ec"
        ? `an EC ${curve ?? "unknown-curve"}`
        : key.asymmetricKeyType === "rsa"
          ? `an RSA-${key.asymmetricKeyDetails?.modulusLength ?? "?"}`
          : `an ${key.asymmetricKeyType ?? "unknown"}`;
    throw new TranscriptSignerError(
      `Transcripts are signed only with ECDSA P-256 (or, on tokens without it, P-384 or RSA-3072) keys; this is ${what} key. Use the token's dedicated transcript-signing key.`,
    );
  }
  return key;
}

/** A transcript-signing key together with its keyid, read once for every check that needs them. */
export interface TranscriptSigner {
  key: KeyObject;
  /** SHA-256 of its SPKI DER, lowercase hex: the DSSE keyid, and the fingerprint on the witness sheet. */
  keyId: string;
}

/** transcriptSignerKey and the key's keyid. Throws TranscriptSignerError. */
export function transcriptSigner(spki: Uint8Array | string): TranscriptSigner {
  const key = transcriptSignerKey(spki);
  return { key, keyId: keyIdOf(spkiDerOf(key)) };
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
 * Verifies a signature (DER ECDSA, or RSA PKCS#1 v1.5) over PAE(payloadType, payload). The PAE is
 * fed in two parts so a large transcript is never copied just to be prefixed.
 */
export function verifyPaeSignature(payloadType: string, payload: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  const verifier = createVerify(transcriptDigestOf(key));
  verifier.update(paeHeader(payloadType, payload.length));
  verifier.update(payload);
  return key.asymmetricKeyType === "ec" ? verifier.verify({ key, dsaEncoding: "der" }, signature) : verifier.verify(key, signature);
}

/**
 * Signs transcript bytes with the transcript-signing key and returns the envelope. The signature
 * is checked with node:crypto before it is returned (sign, then verify, as boulder's ceremony
 * tool does), so a faulty HSM or a wrong key is caught in the room, not by an auditor later.
 */
export async function signTranscript(transcriptBytes: Uint8Array, signer: Signer): Promise<DsseEnvelope> {
  if (!(TRANSCRIPT_SIGNER_ALGORITHMS as readonly string[]).includes(signer.algorithm)) {
    throw new TranscriptSignerError(
      `Transcripts are signed only with ECDSA P-256 (or, on tokens without it, P-384 or RSA-3072) keys; this signer is ${signer.algorithm}. Use the token's dedicated transcript-signing key.`,
    );
  }
  const key = transcriptSignerKey(signer.spki);
  const held = algorithmOfKey(key);
  if (held !== signer.algorithm) {
    throw new TranscriptSignerError(`The transcript signer claims ${signer.algorithm}, but its public key is ${held}. Use the token's dedicated transcript-signing key.`);
  }
  const sig = await signer.sign(pae(TRANSCRIPT_PAYLOAD_TYPE, transcriptBytes), transcriptDigestOf(key) === "sha384" ? "SHA-384" : "SHA-256");
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
