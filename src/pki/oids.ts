/** Object identifiers used by the profiles, with the section that defines each. */
export const OID = {
  // RFC 5280 §4.2.1 certificate extensions (id-ce = 2.5.29)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  anyPolicy: "2.5.29.32.0",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  anyExtendedKeyUsage: "2.5.29.37.0",
  // RFC 5280 §4.2.2.1, §4.2.1.4
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  adOcsp: "1.3.6.1.5.5.7.48.1",
  adCaIssuers: "1.3.6.1.5.5.7.48.2",
  qtCps: "1.3.6.1.5.5.7.2.1",
  // RFC 5280 §5.2, §5.3 CRL and CRL entry extensions
  crlNumber: "2.5.29.20",
  crlReason: "2.5.29.21",
  // RFC 5280 §4.2.1.12 key purposes
  kpServerAuth: "1.3.6.1.5.5.7.3.1",
  kpClientAuth: "1.3.6.1.5.5.7.3.2",
  kpCodeSigning: "1.3.6.1.5.5.7.3.3",
  kpEmailProtection: "1.3.6.1.5.5.7.3.4",
  kpTimeStamping: "1.3.6.1.5.5.7.3.8",
  kpOcspSigning: "1.3.6.1.5.5.7.3.9",
  precertificateSigning: "1.3.6.1.4.1.11129.2.4.4",
  // RFC 2986 §4.1 / PKCS #9
  extensionRequest: "1.2.840.113549.1.9.14",
  // Keys: RFC 3279 §2.3, RFC 5480 §2.1.1, RFC 8410 §3
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  ed25519: "1.3.101.112",
  // Signatures: RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
} as const;

/** Extended key usage names accepted in ceremony parameters (RFC 5280 §4.2.1.12). */
export const EXTENDED_KEY_USAGE_BY_NAME: Readonly<Record<string, string>> = {
  serverAuth: OID.kpServerAuth,
  clientAuth: OID.kpClientAuth,
  codeSigning: OID.kpCodeSigning,
  emailProtection: OID.kpEmailProtection,
  timeStamping: OID.kpTimeStamping,
  OCSPSigning: OID.kpOcspSigning,
};

/** Dotted-decimal syntax of an OBJECT IDENTIFIER (X.660), first arc 0–2. */
export function isDottedOid(value: string): boolean {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(value)) return false;
  const parts = value.split(".");
  return parts[0] === "2" || Number(parts[1]) < 40;
}
