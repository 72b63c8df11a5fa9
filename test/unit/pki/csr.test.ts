import { generateKeyPairSync } from "node:crypto";
import { Attribute, AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsrError, PkiLintError, derToPem, issueIntermediateCertificate, parseCsr, sha256Hex } from "../../../src/pki/index.ts";
import { buildName } from "../../../src/pki/distinguished-name.ts";
import { rawExtension } from "../../../src/pki/extensions.ts";
import { onlyThrows } from "../fuzz/mutations.ts";
import { CRL_URL, NOW, buildCsr, makeRoot, signerFor, softwareRandom } from "./pki-fixtures.ts";

describe("parseCsr accepts", () => {
  it.each([
    ["EC-P256", undefined, "EC-P256", "ecdsa-with-SHA256"],
    ["EC-P384", undefined, "EC-P384", "ecdsa-with-SHA384"],
    ["EC-P384", { algorithmHex: "300a06082a8648ce3d040302", digest: "sha256" }, "EC-P384", "ecdsa-with-SHA256"],
    ["RSA-2048", undefined, "RSA-2048", "sha256WithRSAEncryption"],
    ["RSA-2048", { algorithmHex: "300b06092a864886f70d01010c", digest: "sha384" }, "RSA-2048", "sha384WithRSAEncryption"],
    ["Ed25519", undefined, "Ed25519", "Ed25519"],
  ] as const)("a %s request %#", (key, extra, label, signatureAlgorithm) => {
    const der = buildCsr({ key, ...extra });
    const csr = parseCsr(der);
    expect(csr.publicKeyAlgorithm).toBe(label);
    expect(csr.signatureAlgorithm).toBe(signatureAlgorithm);
    expect(csr.subject.text).toBe("CN=Example Issuing CA 1,O=Example Ltd,C=GB");
    expect(csr.spkiSha256).toBe(sha256Hex(csr.spki));
    expect(csr.der.equals(der)).toBe(true);
  });

  it("the same request as DER, PEM text, PEM bytes and the legacy NEW CERTIFICATE REQUEST label", () => {
    const der = buildCsr();
    const pem = derToPem(der, "CERTIFICATE REQUEST");
    for (const input of [der, pem, Buffer.from(pem), `\n${derToPem(der, "NEW CERTIFICATE REQUEST")}\n`]) {
      expect(parseCsr(input).der.equals(der)).toBe(true);
    }
  });

  it("reports requested extensions without using them", () => {
    const csr = parseCsr(buildCsr({ extensions: [rawExtension("2.5.29.19", true, Buffer.from("30030101ff", "hex"))] }));
    expect(csr.extensionsRequested).toEqual([{ oid: "2.5.29.19", critical: true, valueHex: "30030101ff" }]);
  });
});

describe("parseCsr refuses", () => {
  const code = (input: Uint8Array | string, limits?: Parameters<typeof parseCsr>[1]): string => {
    try {
      parseCsr(input, limits);
    } catch (e) {
      expect(e).toBeInstanceOf(CsrError);
      return `${(e as CsrError).code}: ${(e as Error).message}`;
    }
    return "accepted";
  };

  it("input over 64 KiB, before decoding it", () => {
    expect(code(Buffer.alloc(64 * 1024 + 1, 0x30))).toBe(
      "CSR_TOO_LARGE: The CSR is 65537 bytes, more than the 65536 accepted; a real CSR is a few kilobytes. Check that the right file was given.",
    );
    expect(code(buildCsr(), { maxBytes: 100 })).toMatch(/^CSR_TOO_LARGE: The CSR is \d+ bytes, more than the 100 accepted/);
  });

  it("deep nesting, before the ASN.1 parser sees it", () => {
    let der = Buffer.from("0500", "hex");
    for (let i = 0; i < 40; i++) der = Buffer.concat([Buffer.from([0x30]), der.length < 128 ? Buffer.from([der.length]) : Buffer.from([0x81, der.length]), der]);
    expect(code(der)).toBe("CSR_TOO_DEEP: The CSR nests more than 32 levels deep, which no real CSR does; refuse it and ask for a new one.");
    expect(code(buildCsr(), { maxDepth: 4 })).toMatch(/^CSR_TOO_DEEP/);
  });

  it.each([
    ["text that is not PEM", "hello", /^CSR_PEM_MALFORMED: The CSR PEM text is malformed: it does not start with a -----BEGIN line/],
    ["a certificate PEM", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", /^CSR_PEM_MALFORMED: .*label is "CERTIFICATE", expected "CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"/],
    ["PEM with a stray character", "-----BEGIN CERTIFICATE REQUEST-----\nMA!A\n-----END CERTIFICATE REQUEST-----\n", /^CSR_PEM_MALFORMED: .*outside base64/],
  ])("%s", (_name, input, message) => {
    expect(code(input)).toMatch(message);
  });

  it.each([
    ["empty input", Buffer.alloc(0), /^CSR_DER_MALFORMED: The CSR is not valid DER: expected a TLV/],
    ["an indefinite length", Buffer.from("3080020100 0000".replace(" ", ""), "hex"), /^CSR_DER_MALFORMED: The CSR is not valid DER: indefinite lengths are not DER/],
    ["a truncated request", buildCsr().subarray(0, 100), /^CSR_DER_MALFORMED: The CSR is not valid DER/],
    ["trailing garbage", Buffer.concat([buildCsr(), Buffer.from([0])]), /trailing byte/],
    ["a SEQUENCE that is not a request", Buffer.from("3003020101", "hex"), /^CSR_DER_MALFORMED: The CSR is not a PKCS #10 request: its structure does not match RFC 2986 §4/],
  ])("%s", (_name, input, message) => {
    expect(code(input)).toMatch(message);
  });

  it("a version other than v1", () => {
    expect(code(buildCsr({ version: 1 }))).toBe("CSR_VERSION_UNSUPPORTED: The CSR has version 1; RFC 2986 defines only version 0 (v1). Ask for a standard CSR.");
  });

  it.each([
    ["RSA-1024", "RSA-1024 is too small; RSA keys must have at least 2048 bits (BR §6.1.5)"],
    ["EC-P521", "only the named curves P-256 and P-384 are accepted for EC keys (BR §7.1.3.1.2)"],
    ["secp256k1", "only the named curves P-256 and P-384 are accepted for EC keys (BR §7.1.3.1.2)"],
  ] as const)("a %s key", (key, reason) => {
    expect(code(buildCsr({ key }))).toBe(`CSR_UNSUPPORTED_KEY: The CSR's key cannot be certified: ${reason}.`);
  });

  it("an RSASSA-PSS key", () => {
    const pss = generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
    expect(code(buildCsr({ key: "RSA-2048", keyPair: pss, digest: "sha256" }))).toMatch(/^CSR_UNSUPPORTED_KEY: .*RSASSA-PSS keys/);
  });

  it.each([
    ["SHA-1 with RSA", { key: "RSA-2048", algorithmHex: "300d06092a864886f70d0101050500", digest: "sha1" }, "CSR_UNSUPPORTED_SIGNATURE_ALGORITHM: The CSR is signed with 1.2.840.113549.1.1.5; accepted: SHA-256/384/512 with RSA or ECDSA, and Ed25519."],
    ["ECDSA with NULL parameters", { key: "EC-P256", algorithmHex: "300c06082a8648ce3d0403020500" }, "CSR_UNSUPPORTED_SIGNATURE_ALGORITHM: The CSR is signed with ecdsa-with-SHA256 with unexpected parameters; accepted: SHA-256/384/512 with RSA or ECDSA, and Ed25519."],
    ["an RSA algorithm on an EC key", { key: "EC-P256", algorithmHex: "300d06092a864886f70d01010b0500" }, "CSR_UNSUPPORTED_SIGNATURE_ALGORITHM: The CSR is signed with sha256WithRSAEncryption for an EC-P256 key; accepted: SHA-256/384/512 with RSA or ECDSA, and Ed25519."],
  ] as const)("%s", (_name, spec, message) => {
    expect(code(buildCsr(spec))).toBe(message);
  });

  it("a corrupted signature, and a request whose body was changed after signing", () => {
    const message = "CSR_SIGNATURE_INVALID: The CSR's self-signature does not verify: the file is damaged or was altered after signing. Ask for the CSR again and compare its fingerprint with the requester.";
    expect(code(buildCsr({ corruptSignature: true }))).toBe(message);
    const der = buildCsr();
    const altered = Buffer.from(der.toString("latin1").replace("Issuing CA 1", "Issuing CA 2"), "latin1");
    expect(code(altered)).toBe(message);
  });

  it("a malformed extensionRequest", () => {
    const notExtensions = new Attribute({ type: "1.2.840.113549.1.9.14", values: [new Uint8Array([0x02, 0x01, 0x01]).buffer] });
    expect(code(buildCsr({ attributes: [notExtensions] }))).toBe(
      "CSR_DER_MALFORMED: The CSR is not a PKCS #10 request: its extensionRequest attribute is malformed. Ask for the CSR file again.",
    );
  });
});

describe("a CSR subject that is not canonical DER", () => {
  it("parses, but the certificate is refused by lints unless the script gives the subject", async () => {
    // CN as a constructed UTF8String: valid BER, not DER (X.690 §10.2).
    const constructedCn = new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: "2.5.4.3", value: new AttributeValue({ anyValue: new Uint8Array(Buffer.from("2c040c024142", "hex")).buffer }) }),
    ]);
    const subject = new Name([...buildName("O=Example Ltd,C=GB", "subject"), constructedCn]);
    const csr = parseCsr(buildCsr({ subject }));
    const root = await makeRoot("EC-P384");
    const base = {
      csr,
      issuer: { certificate: root.der, signer: await signerFor("EC-P384") },
      validity: { notBefore: NOW, notAfter: new Date("2030-01-01T00:00:00Z") },
      crlDistributionPoints: [CRL_URL],
      random: softwareRandom,
      now: NOW,
    };
    const error = await issueIntermediateCertificate(base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PkiLintError);
    expect((error as PkiLintError).failures.map((f) => f.id)).toEqual(expect.arrayContaining(["e_dn_string_types", "e_der_strict"]));
    await expect(issueIntermediateCertificate({ ...base, subject: "CN=Example Issuing CA 1,O=Example Ltd,C=GB" })).resolves.toMatchObject({ skippedLints: [] });
  });
});

describe("parseCsr under fuzzing", () => {
  const seeds = [buildCsr({ key: "EC-P256" }), buildCsr({ key: "EC-P384", extensions: [rawExtension("2.5.29.19", true, Buffer.from("30030101ff", "hex"))] }), buildCsr({ key: "RSA-2048" }), buildCsr({ key: "Ed25519" })];

  // A hang shows as CPU time; the clock would also count a busy machine's other work.
  const onlyCsrErrors = (input: Uint8Array | string): boolean => onlyThrows([CsrError], () => parseCsr(input));

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;
  const apply = (seed: Buffer, ops: Mutation[]): Buffer => {
    let b = Buffer.from(seed);
    for (const op of ops) {
      const at = b.length === 0 ? 0 : op.at % b.length;
      if (op.kind === "flip") b[at] = ((b[at] ?? 0) ^ (1 << op.bit)) & 0xff;
      else if (op.kind === "set") b[at] = op.byte;
      else if (op.kind === "insert") b = Buffer.concat([b.subarray(0, at), op.bytes, b.subarray(at)]);
      else if (op.kind === "delete") b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.count)]);
      else b = b.subarray(0, at);
    }
    return b;
  };

  it("refuses every single-bit change to a valid request", () => {
    const seed = seeds[0] as Buffer;
    const accepted: string[] = [];
    for (let at = 0; at < seed.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(seed);
        flipped[at] = (flipped[at] as number) ^ (1 << bit);
        try {
          parseCsr(flipped);
          accepted.push(`byte ${at} bit ${bit}`);
        } catch (e) {
          expect(e).toBeInstanceOf(CsrError);
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  it("never throws anything but CsrError on mutated DER (1500 cases)", () => {
    fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, ops) => onlyCsrErrors(apply(seeds[i] as Buffer, ops))), { numRuns: 1500 });
  });

  it("never throws anything but CsrError on mutated PEM (500 cases)", () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, ops) => {
        const pem = Buffer.from(derToPem(seeds[i] as Buffer, "CERTIFICATE REQUEST"));
        return onlyCsrErrors(apply(pem, ops).toString("latin1"));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws anything but CsrError on random bytes and random TLV trees (700 cases)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => onlyCsrErrors(bytes)), { numRuns: 400 });
    const tlv = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, tie("leaf"), tie("seq")),
      leaf: fc.tuple(fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0xa0, 0x80), fc.uint8Array({ maxLength: 20 })).map(([tag, v]) => tlvBytes(tag, Buffer.from(v))),
      seq: fc.tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa3), fc.array(tie("node"), { maxLength: 4 })).map(([tag, kids]) => tlvBytes(tag, Buffer.concat(kids as Buffer[]))),
    }));
    fc.assert(fc.property(tlv.seq, (bytes) => onlyCsrErrors(bytes as Buffer)), { numRuns: 300 });
  });
});

function tlvBytes(tag: number, contents: Buffer): Buffer {
  const len = contents.length < 0x80 ? Buffer.from([contents.length]) : contents.length < 0x100 ? Buffer.from([0x81, contents.length]) : Buffer.from([0x82, contents.length >> 8, contents.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, contents]);
}

