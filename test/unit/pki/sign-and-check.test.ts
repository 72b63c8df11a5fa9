import { randomBytes } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeOctetAlignedBitString, encodeSequence } from "../../../src/pki/der-writer.ts";
import { PkiCheckError, assertSignerMatchesCertificate, certificateSummary, issueRootCertificate } from "../../../src/pki/index.ts";
import { subjectFactsFromTbs } from "../../../src/pki/issuer.ts";
import { tbsCertificateSignatureField } from "../../../src/pki/issued.ts";
import { CERTIFICATE_LINTS } from "../../../src/pki/lints/registry.ts";
import { certificateLintTarget } from "../../../src/pki/lints/targets.ts";
import { checkSignedObject } from "../../../src/pki/sign-and-check.ts";
import type { SigningPlan } from "../../../src/pki/sign-and-check.ts";
import { splitSigned } from "../../../src/pki/tbs-parts.ts";
import type { Signer } from "../../../src/signer.ts";
import { NOW, ROOT_NOT_AFTER, ROOT_SUBJECT, makeRoot, signerFor, softwareRandom } from "./pki-fixtures.ts";

async function rootWith(signer: Signer) {
  return issueRootCertificate({ subject: ROOT_SUBJECT, signer, validity: { notBefore: NOW, notAfter: ROOT_NOT_AFTER }, random: softwareRandom, now: NOW });
}

async function refusal(signer: Signer): Promise<PkiCheckError> {
  const error = await rootWith(signer).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PkiCheckError);
  return error as PkiCheckError;
}

describe("post-signing checks on what the signer returns", () => {
  it("refuses a signature made over other data", async () => {
    const real = await signerFor("EC-P384");
    const error = await refusal({ ...real, sign: (_data, digest) => real.sign(Buffer.from("something else"), digest) });
    expect(error.code).toBe("SIGNATURE_INVALID");
    expect(error.message).toBe(
      "The signed root certificate failed its post-signing check: the signature does not verify under the issuer's public key; the token may have signed with a different key or returned a corrupt signature. Do not publish or use it.",
    );
  });

  it("refuses a signature hashed with the wrong digest", async () => {
    const real = await signerFor("EC-P384");
    expect((await refusal({ ...real, sign: (data) => real.sign(data, "SHA-256") })).code).toBe("SIGNATURE_INVALID");
  });

  it("refuses random bytes, and no bytes at all", async () => {
    const real = await signerFor("RSA-4096");
    expect((await refusal({ ...real, sign: async () => randomBytes(512) })).code).toBe("SIGNATURE_INVALID");
    const empty = await refusal({ ...real, sign: async () => Buffer.alloc(0) });
    expect(empty).toMatchObject({ code: "SIGNATURE_INVALID", message: "The signer returned no signature bytes for the root certificate; check the token and retry the step." });
  });

  it("refuses when the signer's public key changes during signing", async () => {
    const real = await signerFor("EC-P256");
    const other = await signerFor("EC-P384");
    let signed = false;
    const fickle: Signer = {
      algorithm: "EC-P256",
      get spki() {
        return signed ? other.spki : real.spki;
      },
      sign: async (data, digest) => {
        signed = true;
        return real.sign(data, digest);
      },
    };
    expect((await refusal(fickle)).code).toBe("SIGNER_KEY_MISMATCH");
  });

  it("is not fooled by a signer that overwrites the bytes it was given", async () => {
    const real = await signerFor("EC-P256");
    const vandal: Signer = {
      ...real,
      sign: async (data, digest) => {
        const signature = await real.sign(data, digest);
        (data as Buffer).fill(0);
        return signature;
      },
    };
    const root = await rootWith(vandal);
    expect(splitSigned(root.der).tbs.bytes.equals(root.tbsDer)).toBe(true);
    expect(certificateSummary(root.der).subject).toBe(ROOT_SUBJECT);
  });
});

describe("checkSignedObject", () => {
  async function plan(now = NOW) {
    const root = await makeRoot("EC-P384");
    const p: SigningPlan<ReturnType<typeof certificateLintTarget>> = {
      what: "root certificate",
      tbsDer: root.tbsDer,
      innerSignatureAlgorithm: tbsCertificateSignatureField,
      signer: await signerFor("EC-P384"),
      issuer: subjectFactsFromTbs(root.tbsDer),
      lints: CERTIFICATE_LINTS,
      lintTarget: (bytes) => certificateLintTarget(bytes, "root", "self", now),
      parseSigned: (bytes) => void AsnConvert.parse(bytes, Certificate),
      skip: [],
    };
    return { root, p };
  }
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(PkiCheckError);
      return (e as PkiCheckError).code;
    }
    return "passed";
  };

  it("passes an object this package signed", async () => {
    const { root, p } = await plan();
    expect(checkSignedObject(p, root.der).filter((r) => r.status === "fail")).toEqual([]);
  });

  it("refuses a signed TBS that is not the linted TBS", async () => {
    const { p } = await plan();
    const other = await makeRoot("EC-P384");
    expect(code(() => checkSignedObject(p, other.der))).toBe("TBS_MISMATCH");
  });

  it("refuses an outer signatureAlgorithm that differs from the TBS's", async () => {
    const { root, p } = await plan();
    const parts = splitSigned(root.der);
    const swapped = encodeSequence(parts.tbs.bytes, Buffer.from("300a06082a8648ce3d040302", "hex"), parts.signatureValue.bytes);
    expect(code(() => checkSignedObject(p, swapped))).toBe("SIGNATURE_ALGORITHM_MISMATCH");
  });

  it("refuses a damaged signature and a damaged encoding", async () => {
    const { root, p } = await plan();
    const parts = splitSigned(root.der);
    const signature = Buffer.from(parts.signatureValue.contents.subarray(1));
    signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 1;
    expect(code(() => checkSignedObject(p, encodeSequence(parts.tbs.bytes, parts.signatureAlgorithm.bytes, encodeOctetAlignedBitString(signature))))).toBe("SIGNATURE_INVALID");
    expect(code(() => checkSignedObject(p, root.der.subarray(0, root.der.length - 1)))).toBe("SIGNED_OBJECT_MALFORMED");
  });

  it("runs the lints again on the final object", async () => {
    const { root, p } = await plan(new Date(NOW.getTime() + 2 * 86_400_000));
    expect(code(() => checkSignedObject(p, root.der))).toBe("POST_SIGN_LINT_FAILED");
  });
});

describe("assertSignerMatchesCertificate", () => {
  it("accepts the token key that is in the certificate", async () => {
    const root = await makeRoot("EC-P384");
    expect(() => assertSignerMatchesCertificate(signer384, root.der)).not.toThrow();
  });

  it("refuses another key, a mislabelled algorithm, and bytes that are not a certificate", async () => {
    const root = await makeRoot("EC-P384");
    const other = await signerFor("EC-P256");
    expect(() => assertSignerMatchesCertificate(other, root.der)).toThrow(expect.objectContaining({ code: "SIGNER_KEY_MISMATCH" }));
    expect(() => assertSignerMatchesCertificate({ ...signer384, algorithm: "EC-P256", sign: signer384.sign }, root.der)).toThrow(
      expect.objectContaining({
        code: "SIGNER_ALGORITHM_MISMATCH",
        message: "The signer declares EC-P256 but its key is EC-P384; the token configuration is inconsistent, nothing was signed.",
      }),
    );
    expect(() => assertSignerMatchesCertificate(signer384, Buffer.from("30030201", "hex"))).toThrow(expect.objectContaining({ code: "ISSUER_CERTIFICATE_INVALID" }));
  });
});

let signer384: Signer;
beforeAll(async () => {
  signer384 = await signerFor("EC-P384");
});
