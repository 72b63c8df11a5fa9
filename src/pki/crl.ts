/**
 * Certificate revocation lists (RFC 5280 §5; CA/B BR §7.2). Profile: v2; issuer = the CA's
 * subject byte for byte; thisUpdate and nextUpdate (required); revokedCertificates absent when
 * empty; entries carry a reasonCode only when a reason is given, never unspecified
 * (BR §7.2.2); authorityKeyIdentifier = the CA's SKI and cRLNumber, both non-critical.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, CRLReasons, CertificateList, Name, RevokedCertificate, TBSCertList, Version } from "@peculiar/asn1-x509";
import type { Signer } from "../signer.ts";
import { encodeInteger, encodeTlv } from "./der-writer.ts";
import { sha256Hex } from "./digests.ts";
import { PkiInputError } from "./errors.ts";
import { authorityKeyIdentifierExtension, rawExtension } from "./extensions.ts";
import { assertSignerMatchesKey, issuerFactsFromCertificate } from "./issuer.ts";
import { requireNow } from "./issued.ts";
import type { LintResult } from "./lints/lint.ts";
import { requireKnownLintIds } from "./lints/lint.ts";
import { CRL_LINTS } from "./lints/registry.ts";
import { crlLintTarget } from "./lints/targets.ts";
import { OID } from "./oids.ts";
import { derToPem } from "./pem.ts";
import { serialContentsFromHex } from "./serial-number.ts";
import { lintSignAndCheck } from "./sign-and-check.ts";
import { signatureAlgorithmForKey } from "./signature-algorithm.ts";
import { splitTbsCertList } from "./tbs-parts.ts";
import { requireWholeSeconds, rfc5280Time } from "./time.ts";

/** The reasons BR §7.2.2 permits in a reasonCode; leave `reason` out for "unspecified". */
export const CRL_REASONS = {
  keyCompromise: CRLReasons.keyCompromise,
  affiliationChanged: CRLReasons.affiliationChanged,
  superseded: CRLReasons.superseded,
  cessationOfOperation: CRLReasons.cessationOfOperation,
  privilegeWithdrawn: CRLReasons.privilegeWithdrawn,
} as const;
export type CrlReasonName = keyof typeof CRL_REASONS;

export interface RevokedEntryInput {
  /** The revoked certificate's serial number in hex (colons allowed). */
  readonly serialHex: string;
  readonly revocationDate: Date;
  readonly reason?: CrlReasonName;
}

export interface CrlOptions {
  readonly issuer: { readonly certificate: Uint8Array; readonly signer: Signer };
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Must exceed every earlier CRL's number from this issuer; the caller keeps that sequence. */
  readonly crlNumber: bigint;
  readonly revoked: readonly RevokedEntryInput[];
  /** The time of signing, from the ceremony clock. */
  readonly now: Date;
  readonly skipLints?: readonly string[];
}

export interface IssuedCrl {
  readonly der: Buffer;
  readonly pem: string;
  readonly tbsDer: Buffer;
  readonly sha256: string;
  readonly crlNumber: bigint;
  readonly lintResults: readonly LintResult[];
  readonly skippedLints: readonly string[];
}

const MAX_CRL_NUMBER = (1n << 159n) - 1n;

export async function issueCrl(options: CrlOptions): Promise<IssuedCrl> {
  const skip = requireKnownLintIds(CRL_LINTS, options.skipLints, "skipLints");
  const issuer = issuerFactsFromCertificate(options.issuer.certificate, "issuer.certificate");
  assertSignerMatchesKey(options.issuer.signer, issuer);
  if (!issuer.subjectKeyIdentifier) {
    throw new PkiInputError("ISSUER_CERTIFICATE_INVALID", "issuer.certificate has no subjectKeyIdentifier, so the CRL's authorityKeyIdentifier cannot be set (BR §7.2.2).");
  }
  const thisUpdate = requireWholeSeconds(options.thisUpdate, "thisUpdate");
  const nextUpdate = requireWholeSeconds(options.nextUpdate, "nextUpdate");
  if (nextUpdate <= thisUpdate) throw new PkiInputError("VALIDITY_INVALID", `nextUpdate (${nextUpdate.toISOString()}) must be after thisUpdate (${thisUpdate.toISOString()}).`);
  if (typeof options.crlNumber !== "bigint" || options.crlNumber < 0n || options.crlNumber > MAX_CRL_NUMBER) {
    throw new PkiInputError("CRL_NUMBER_INVALID", "crlNumber must be a bigint from 0 to 2^159 − 1 (BR §7.2.2), larger than the previous CRL's.");
  }
  if (!Array.isArray(options.revoked)) throw new PkiInputError("REVOKED_ENTRY_INVALID", "revoked must be a list, empty when nothing is revoked.");
  const now = requireNow(options.now, "now");
  const entries = options.revoked.map((entry, i) => revokedEntry(entry, `revoked[${i}]`));
  const serials = entries.map((e) => Buffer.from(e.userCertificate).toString("hex"));
  const duplicate = serials.findIndex((s, i) => serials.indexOf(s) !== i);
  if (duplicate !== -1) throw new PkiInputError("REVOKED_ENTRY_INVALID", `revoked[${duplicate}] repeats serial ${serials[duplicate]}; list each certificate once.`);

  const algorithm = signatureAlgorithmForKey((issuer.key as NonNullable<typeof issuer.key>).kind);
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: AsnConvert.parse(algorithm.der, AlgorithmIdentifier),
    issuer: AsnConvert.parse(issuer.subjectDer, Name),
    thisUpdate: rfc5280Time(thisUpdate),
    nextUpdate: rfc5280Time(nextUpdate),
    ...(entries.length > 0 ? { revokedCertificates: entries } : {}),
    crlExtensions: [authorityKeyIdentifierExtension(issuer.subjectKeyIdentifier), rawExtension(OID.crlNumber, false, encodeInteger(options.crlNumber))],
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));

  const { der, lintResults } = await lintSignAndCheck({
    what: "CRL",
    tbsDer,
    innerSignatureAlgorithm: (bytes) => Buffer.from(splitTbsCertList(bytes).signature.bytes),
    signer: options.issuer.signer,
    issuer,
    lints: CRL_LINTS,
    lintTarget: (bytes) => crlLintTarget(bytes, issuer, now),
    parseSigned: (bytes) => void AsnConvert.parse(bytes, CertificateList),
    skip,
  });
  return { der, pem: derToPem(der, "X509 CRL"), tbsDer, sha256: sha256Hex(der), crlNumber: options.crlNumber, lintResults, skippedLints: skip };
}

function revokedEntry(entry: RevokedEntryInput, path: string): RevokedCertificate {
  if (!entry || typeof entry !== "object") throw new PkiInputError("REVOKED_ENTRY_INVALID", `${path} must be {serialHex, revocationDate, reason?}.`);
  const serial = serialContentsFromHex(entry.serialHex, `${path}.serialHex`);
  let revocationDate: Date;
  try {
    revocationDate = requireWholeSeconds(entry.revocationDate, `${path}.revocationDate`);
  } catch (e) {
    throw new PkiInputError("REVOKED_ENTRY_INVALID", (e as Error).message);
  }
  let reasonExtension;
  if (entry.reason !== undefined) {
    const code = Object.hasOwn(CRL_REASONS, entry.reason) ? CRL_REASONS[entry.reason] : undefined;
    if (code === undefined) {
      throw new PkiInputError(
        "REVOKED_ENTRY_INVALID",
        `${path}.reason ${JSON.stringify(entry.reason)} is not permitted; use one of ${Object.keys(CRL_REASONS).join(", ")}, or leave it out for unspecified (BR §7.2.2).`,
      );
    }
    // RFC 5280 §5.3.1: CRLReason ::= ENUMERATED
    reasonExtension = rawExtension(OID.crlReason, false, encodeTlv(0x0a, Buffer.from([code])));
  }
  return new RevokedCertificate({
    userCertificate: new Uint8Array(serial).buffer,
    revocationDate: rfc5280Time(revocationDate),
    ...(reasonExtension ? { crlEntryExtensions: [reasonExtension] } : {}),
  });
}
