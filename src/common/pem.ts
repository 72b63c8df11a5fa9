/**
 * The one PEM encoder (RFC 7468): certificates, CRLs, CSRs and public keys, in the bundle and
 * beside it, are written by this function. Decoding, which must be strict about what it
 * accepts, is src/pki/pem.ts.
 */

export type PemLabel = "CERTIFICATE" | "X509 CRL" | "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" | "PUBLIC KEY";

/** RFC 7468 §2: base64 lines of 64 characters between BEGIN and END lines, LF line endings. */
export function derToPem(der: Uint8Array, label: PemLabel): string {
  const lines = base64Of(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

// btoa is in Node and in browsers alike; it takes a "binary string", one character per byte.
function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
