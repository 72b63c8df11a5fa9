/**
 * Signed transcripts under fuzzing, 10,000 cases in `npm run test:fuzz`, 400 in `npm test`: verifySignedTranscript (what the online system
 * runs on an imported transcript, and verifyBundle on a bundle's files) given a realistic signed
 * transcript with its transcript bytes, envelope bytes or signer key mutated. It never throws,
 * and never answers ok for anything but the original:
 *   - a changed transcript.json never verifies, also when the envelope's payload is changed to
 *     match it;
 *   - a changed envelope verifies only when it still says the same thing: the same payload
 *     bytes, payloadType, keyid and signature, spelt differently (JSON spacing, URL-safe
 *     base64: both allowed by DSSE). In a bundle, manifest.json pins the envelope's exact bytes;
 *   - a changed signer.pub.pem verifies only when it is the same key.
 */
import { createPublicKey } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTranscript, envelopeBytes, signTranscript, verifySignedTranscript, type DsseEnvelope } from "../../../src/transcript/index.ts";
import { FIXTURE_SIGNER, transcriptInput } from "../transcript/fixture.ts";
import { casesLabel, fuzzCases } from "./budget.ts";
import { applyBytes, byteMutation } from "./mutations.ts";

let transcript: Buffer;
let envelope: Buffer;
let signerPem: string;
let original: DsseEnvelope;
beforeAll(async () => {
  const signer = FIXTURE_SIGNER;
  transcript = Buffer.from(buildTranscript(transcriptInput()).bytes);
  original = await signTranscript(transcript, signer);
  envelope = envelopeBytes(original);
  signerPem = signer.publicKey.export({ format: "pem", type: "spki" }).toString();
});

const SEED = 20_260_504;
const sameSpelling: string[] = [];

function verify(input: { transcriptBytes: Uint8Array; envelopeBytes: Uint8Array; signerPem: string }): boolean {
  // Never throws: a throw fails the property with its stack.
  return verifySignedTranscript(input).ok;
}

/** The mutated envelope carries exactly the original's payload, payloadType, keyid and signature. */
function saysTheSame(bytes: Buffer): boolean {
  try {
    const e = JSON.parse(bytes.toString("utf8")) as DsseEnvelope;
    const s = e.signatures?.[0];
    return (
      Buffer.from(e.payload, "base64").equals(Buffer.from(original.payload, "base64")) &&
      e.payloadType === original.payloadType &&
      e.signatures.length === 1 &&
      s?.keyid === original.signatures[0]!.keyid &&
      Buffer.from(s.sig, "base64").equals(Buffer.from(original.signatures[0]!.sig, "base64"))
    );
  } catch {
    return false;
  }
}

function sameKey(pem: string): boolean {
  try {
    return createPublicKey(pem).export({ format: "der", type: "spki" }).equals(createPublicKey(signerPem).export({ format: "der", type: "spki" }));
  } catch {
    return false;
  }
}

describe("verifySignedTranscript under fuzzing", () => {
  it("verifies the original", () => {
    expect(verify({ transcriptBytes: transcript, envelopeBytes: envelope, signerPem })).toBe(true);
  });

  it(`a mutated transcript.json never verifies ${casesLabel(4000)}`, () => {
    fc.assert(
      fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (ops) => {
        const mutated = applyBytes(transcript, ops);
        return mutated.equals(transcript) || !verify({ transcriptBytes: mutated, envelopeBytes: envelope, signerPem });
      }),
      fuzzCases(4000, SEED),
    );
  });

  it(`a mutated transcript.json with the envelope's payload changed to match never verifies ${casesLabel(1000)}`, () => {
    fc.assert(
      fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (ops) => {
        const mutated = applyBytes(transcript, ops);
        const forged = envelopeBytes({ ...original, payload: mutated.toString("base64") });
        return mutated.equals(transcript) || !verify({ transcriptBytes: mutated, envelopeBytes: forged, signerPem });
      }),
      fuzzCases(1000, SEED + 1),
    );
  });

  it(`a mutated envelope verifies only when it says exactly the same thing ${casesLabel(4000)}`, () => {
    fc.assert(
      fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), (ops) => {
        const mutated = applyBytes(envelope, ops);
        if (!verify({ transcriptBytes: transcript, envelopeBytes: mutated, signerPem })) return true;
        if (!mutated.equals(envelope)) sameSpelling.push(mutated.toString("latin1"));
        return saysTheSame(mutated);
      }),
      fuzzCases(4000, SEED + 2),
    );
    console.log(`mutated envelopes that verified: ${sameSpelling.length}, each the same envelope spelt differently`);
  });

  it(`a mutated signer.pub.pem verifies only when it is the same key ${casesLabel(1000)}`, () => {
    fc.assert(
      fc.property(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), (ops) => {
        const pem = applyBytes(Buffer.from(signerPem), ops).toString("latin1");
        return !verify({ transcriptBytes: transcript, envelopeBytes: envelope, signerPem: pem }) || sameKey(pem);
      }),
      fuzzCases(1000, SEED + 3),
    );
  });
});
