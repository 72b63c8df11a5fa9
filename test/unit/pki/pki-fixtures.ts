/** Shared fixtures for the PKI tests: fixed dates, cached software keys, a CSR builder. */
import { generateKeyPairSync, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Attributes, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { Attribute, Extensions, Name, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import type { Extension } from "@peculiar/asn1-x509";
import { encodeOctetAlignedBitString, encodeSequence } from "../../../src/pki/der-writer.ts";
import { buildName } from "../../../src/pki/distinguished-name.ts";
import type { DistinguishedNameInput } from "../../../src/pki/distinguished-name.ts";
import { issueRootCertificate } from "../../../src/pki/root-certificate.ts";
import type { RootCertificateOptions } from "../../../src/pki/root-certificate.ts";
import type { IssuedCertificate } from "../../../src/pki/issued.ts";
import type { SigningAlgorithm } from "../../../src/signer.ts";
import { createSoftwareSigner, softwareRandom } from "../../helpers/software-signer.ts";
import type { SoftwareSigner } from "../../helpers/software-signer.ts";

/** The ceremony clock in these tests. */
export const NOW = new Date("2026-03-01T12:00:00Z");
export const ROOT_NOT_AFTER = new Date("2046-03-01T12:00:00Z");
export const ROOT_SUBJECT = "CN=Example Root CA,O=Example Ltd,C=GB";
export const INTERMEDIATE_SUBJECT = "CN=Example Issuing CA 1,O=Example Ltd,C=GB";
export const CRL_URL = "http://crl.example.test/root.crl";

const signers = new Map<SigningAlgorithm, Promise<SoftwareSigner>>();
/** One key per algorithm for the whole test file (RSA-4096 generation is slow). */
export function signerFor(algorithm: SigningAlgorithm): Promise<SoftwareSigner> {
  let s = signers.get(algorithm);
  if (!s) {
    s = createSoftwareSigner(algorithm);
    signers.set(algorithm, s);
  }
  return s;
}

export async function makeRoot(algorithm: SigningAlgorithm = "EC-P384", overrides: Partial<RootCertificateOptions> = {}): Promise<IssuedCertificate> {
  return issueRootCertificate({
    subject: ROOT_SUBJECT,
    signer: await signerFor(algorithm),
    validity: { notBefore: NOW, notAfter: ROOT_NOT_AFTER },
    random: softwareRandom,
    now: NOW,
    ...overrides,
  });
}

export type CsrKeyKind = "EC-P256" | "EC-P384" | "RSA-2048" | "Ed25519" | "RSA-1024" | "EC-P521" | "secp256k1";

const csrKeys = new Map<CsrKeyKind, { privateKey: KeyObject; publicKey: KeyObject }>();
export function csrKey(kind: CsrKeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  let k = csrKeys.get(kind);
  if (!k) {
    switch (kind) {
      case "EC-P256": k = generateKeyPairSync("ec", { namedCurve: "P-256" }); break;
      case "EC-P384": k = generateKeyPairSync("ec", { namedCurve: "P-384" }); break;
      case "EC-P521": k = generateKeyPairSync("ec", { namedCurve: "P-521" }); break;
      case "secp256k1": k = generateKeyPairSync("ec", { namedCurve: "secp256k1" }); break;
      case "RSA-2048": k = generateKeyPairSync("rsa", { modulusLength: 2048 }); break;
      case "RSA-1024": k = generateKeyPairSync("rsa", { modulusLength: 1024 }); break;
      case "Ed25519": k = generateKeyPairSync("ed25519"); break;
    }
    csrKeys.set(kind, k);
  }
  return k;
}

export interface CsrSpec {
  readonly key?: CsrKeyKind;
  /** Use this key pair instead of the cached one for `key` (which still picks the algorithm). */
  readonly keyPair?: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  /** A ceremony-style name, or a ready Name for encodings the builder refuses to make. */
  readonly subject?: DistinguishedNameInput | Name;
  /** Signature AlgorithmIdentifier DER as hex; chosen from the key when absent. */
  readonly algorithmHex?: string;
  /** node:crypto digest used to sign; chosen from the key when absent. */
  readonly digest?: string | null;
  readonly extensions?: readonly Extension[];
  /** Replaces the attributes entirely (for malformed extension requests). */
  readonly attributes?: readonly Attribute[];
  readonly version?: number;
  /** Flip a bit of the signature after signing. */
  readonly corruptSignature?: boolean;
}

const DEFAULT_ALGORITHM: Record<CsrKeyKind, { hex: string; digest: string | null }> = {
  "EC-P256": { hex: "300a06082a8648ce3d040302", digest: "sha256" },
  "EC-P384": { hex: "300a06082a8648ce3d040303", digest: "sha384" },
  "EC-P521": { hex: "300a06082a8648ce3d040304", digest: "sha512" },
  secp256k1: { hex: "300a06082a8648ce3d040302", digest: "sha256" },
  "RSA-2048": { hex: "300d06092a864886f70d01010b0500", digest: "sha256" },
  "RSA-1024": { hex: "300d06092a864886f70d01010b0500", digest: "sha256" },
  Ed25519: { hex: "300506032b6570", digest: null },
};

/** Builds and signs a PKCS #10 request (RFC 2986) with node:crypto. */
export function buildCsr(spec: CsrSpec = {}): Buffer {
  const kind = spec.key ?? "EC-P256";
  const { privateKey, publicKey } = spec.keyPair ?? csrKey(kind);
  const spki = publicKey.export({ format: "der", type: "spki" });
  const attributes = new Attributes(
    spec.attributes ? [...spec.attributes] : spec.extensions ? [new Attribute({ type: "1.2.840.113549.1.9.14", values: [AsnConvert.serialize(new Extensions([...spec.extensions]))] })] : [],
  );
  const info = new CertificationRequestInfo({
    version: spec.version ?? 0,
    subject: spec.subject instanceof Name ? spec.subject : buildName(spec.subject ?? INTERMEDIATE_SUBJECT, "subject"),
    subjectPKInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    attributes,
  });
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  const algorithm = DEFAULT_ALGORITHM[kind];
  const digest = spec.digest === undefined ? algorithm.digest : spec.digest;
  const signature = sign(digest, infoDer, privateKey.asymmetricKeyType === "ec" ? { key: privateKey, dsaEncoding: "der" } : privateKey);
  if (spec.corruptSignature) signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
  return encodeSequence(infoDer, Buffer.from(spec.algorithmHex ?? algorithm.hex, "hex"), encodeOctetAlignedBitString(signature));
}

export { softwareRandom };
