/**
 * Checks of transcript.dsse.json against transcript.json and signer.pub.pem (DSSE protocol.md,
 * "Protocol" verification steps): right payloadType, payload equal to the transcript bytes, keyid
 * of the signer, and its signature (ECDSA P-256; P-384 or RSA-3072 on tokens without P-256) over PAE(payloadType, payload).
 */
import { TranscriptSignerError } from "./errors.ts";
import { type DsseEnvelope, type TranscriptSigner, transcriptSigner, verifyPaeSignature } from "./dsse.ts";
import { type VerifyFailure, failure } from "./failures.ts";
import { TRANSCRIPT_PAYLOAD_TYPE } from "./types.ts";

export interface EnvelopeCheckInput {
  envelopeBytes: Uint8Array;
  transcriptBytes: Uint8Array;
  /** Contents of signer.pub.pem. */
  signerPem: string;
  /** The key the auditor expects (`ceremony verify --signer PEM`), e.g. from the witness sheet. */
  expectedSignerPem?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (RFC 4648 §4) only; Buffer.from alone would skip stray characters silently. */
function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, "base64");
}

const PAYLOAD_PREFIX = '{"payload":"';

/**
 * JSON.parse of the envelope, except that the (megabytes long) payload string is cut out of the
 * bytes directly when the envelope starts the way canonical JSON writes it: a JSON string with no
 * backslash ends at its first quote, so the cut is exact, and the small rest is parsed normally.
 */
function parseJson(bytes: Buffer): unknown {
  const end = bytes.indexOf(0x22, PAYLOAD_PREFIX.length);
  const backslash = bytes.indexOf(0x5c, PAYLOAD_PREFIX.length);
  if (bytes.toString("latin1", 0, PAYLOAD_PREFIX.length) === PAYLOAD_PREFIX && end > 0 && (backslash === -1 || backslash > end)) {
    const rest = JSON.parse(`{"payload":""${bytes.toString("utf8", end + 1)}`) as Record<string, unknown>;
    rest.payload = bytes.toString("latin1", PAYLOAD_PREFIX.length, end);
    return rest;
  }
  return JSON.parse(bytes.toString("utf8"));
}

/**
 * The payload's bytes. DSSE (envelope.md) allows standard or URL-safe base64 here, and what
 * matters is the bytes, which are compared with transcript.json and signed; a string with any
 * other character decodes to fewer bytes than its length promises and is refused.
 */
function decodeBase64Payload(text: string): Buffer | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : null;
}

function parseEnvelope(bytes: Uint8Array): DsseEnvelope | string {
  let value: unknown;
  try {
    value = parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    return "transcript.dsse.json is not valid JSON";
  }
  const e = value as Partial<DsseEnvelope> | null;
  if (e === null || typeof e !== "object" || typeof e.payload !== "string" || typeof e.payloadType !== "string" || !Array.isArray(e.signatures)) {
    return "transcript.dsse.json is not a DSSE envelope {payload, payloadType, signatures}";
  }
  if (Object.keys(e).length !== 3) return "transcript.dsse.json has members other than payload, payloadType and signatures";
  if (e.signatures.length !== 1) return `transcript.dsse.json must carry exactly one signature, it has ${e.signatures.length}`;
  const s = e.signatures[0] as Partial<{ keyid: unknown; sig: unknown }> | null;
  if (s === null || typeof s !== "object" || typeof s.keyid !== "string" || typeof s.sig !== "string" || Object.keys(s).length !== 2) {
    return "the envelope's signature must be exactly {keyid, sig}";
  }
  return e as DsseEnvelope;
}

/**
 * Reads a signer key's PEM once for every check that needs it; null, with a SIGNER_KEY_INVALID
 * failure naming `what`, when it holds no transcript-signing key.
 */
export function readSigner(pem: string, what: string, failures: VerifyFailure[]): TranscriptSigner | null {
  try {
    return transcriptSigner(pem);
  } catch (e) {
    failures.push(failure("SIGNER_KEY_INVALID", `${what}: ${e instanceof TranscriptSignerError ? e.message : String(e)}`));
    return null;
  }
}

export function checkEnvelope(input: EnvelopeCheckInput): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  checkEnvelopeSignedBy(input, readSigner(input.signerPem, "signer.pub.pem", failures), failures);
  return failures;
}

/** checkEnvelope with signer.pub.pem already read (readSigner): appends to `failures`. */
export function checkEnvelopeSignedBy(input: EnvelopeCheckInput, signer: TranscriptSigner | null, failures: VerifyFailure[]): void {
  if (input.expectedSignerPem !== undefined) {
    const expected = readSigner(input.expectedSignerPem, "the expected signer key", failures);
    if (expected && signer?.keyId !== expected.keyId) {
      failures.push(failure("SIGNER_KEY_UNEXPECTED", "signer key differs from the expected key"));
    }
  }

  const envelope = parseEnvelope(input.envelopeBytes);
  if (typeof envelope === "string") {
    failures.push(failure("ENVELOPE_INVALID", envelope));
    return;
  }
  if (envelope.payloadType !== TRANSCRIPT_PAYLOAD_TYPE) {
    failures.push(failure("ENVELOPE_PAYLOAD_TYPE", `envelope payloadType is ${JSON.stringify(envelope.payloadType)}, not ${TRANSCRIPT_PAYLOAD_TYPE}`));
  }
  const transcriptBytes = Buffer.from(input.transcriptBytes.buffer, input.transcriptBytes.byteOffset, input.transcriptBytes.byteLength);
  const payload = decodeBase64Payload(envelope.payload);
  if (payload === null) failures.push(failure("ENVELOPE_INVALID", "the envelope's payload is not base64"));
  else if (!payload.equals(transcriptBytes)) failures.push(failure("ENVELOPE_PAYLOAD_MISMATCH", "the envelope's payload is not the bytes of transcript.json"));
  const sig = decodeBase64Strict(envelope.signatures[0]?.sig ?? "");
  if (sig === null) failures.push(failure("ENVELOPE_INVALID", "the envelope's signature is not standard base64"));
  if (!signer) return;

  const keyid = signer.keyId;
  const claimed = envelope.signatures[0]?.keyid;
  if (claimed !== keyid) failures.push(failure("SIGNATURE_KEYID_MISMATCH", `the signature's keyid ${claimed} is not the SHA-256 of signer.pub.pem (${keyid})`));
  if (payload !== null && sig !== null) {
    let valid = false;
    try {
      valid = verifyPaeSignature(envelope.payloadType, payload, signer.key, sig);
    } catch {
      valid = false;
    }
    if (!valid) failures.push(failure("SIGNATURE_INVALID", "the transcript signature does not verify under signer.pub.pem"));
  }
}
